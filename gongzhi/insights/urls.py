from django.urls import path

from gongzhi.insights import views

app_name = "public"

urlpatterns = [
    path("", views.public_index, name="index"),
]
