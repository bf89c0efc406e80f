from django.urls import path

from gongzhi.insights.views import public as views

app_name = "public"

urlpatterns = [
    path("", views.public_index, name="index"),
]
