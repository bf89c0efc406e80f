from django.urls import path

from gongzhi.org import views

app_name = "org"

urlpatterns = [
    path("communities/<int:pk>/", views.community_detail, name="community"),
    path("compounds/<int:pk>/", views.compound_detail, name="compound"),
    path("buildings/<int:pk>/", views.building_detail, name="building"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
]
