"""/track/: 进度查询 for requesters without an account (no sign-in; see views/tracking.py)."""

from django.urls import path

from gongzhi.cases.views import tracking

app_name = "track"

urlpatterns = [
    path("", tracking.lookup, name="lookup"),
    path("<str:number>/<str:token>/", tracking.case_page, name="case"),
    path("<str:number>/<str:token>/rate", tracking.rate, name="rate"),
]
