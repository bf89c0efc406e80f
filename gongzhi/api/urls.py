"""/api/v1/: the native REST API (django-ninja), with its OpenAPI document and local docs."""

from django.urls import path

from gongzhi.api.v1.api import api

app_name = "api"

urlpatterns = [path("", api.urls)]
