from django.urls import path

from gongzhi.org import roster_views, views

app_name = "org"

urlpatterns = [
    path("communities/<int:pk>/", views.community_detail, name="community"),
    path("compounds/<int:pk>/", views.compound_detail, name="compound"),
    path("compounds/<int:pk>/roster.xlsx", roster_views.roster_export, name="roster_export"),
    path("compounds/<int:pk>/roster/import", roster_views.roster_import, name="roster_import"),
    path("buildings/<int:pk>/", views.building_detail, name="building"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
]
