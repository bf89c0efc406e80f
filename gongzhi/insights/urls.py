from django.urls import path

from gongzhi.insights.views import public as views

app_name = "public"

urlpatterns = [
    path("", views.public_index, name="index"),
    path("<str:code>/", views.street_page, name="street"),
    path("<str:code>/cases/", views.case_list, name="cases"),
    path("<str:code>/cases/<str:number>/", views.case_page, name="case"),
]
