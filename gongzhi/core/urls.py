from django.urls import path

from gongzhi.core import notification_views as views

app_name = "me"

urlpatterns = [
    path("notifications/", views.inbox, name="notifications"),
    path("notifications/<int:pk>/read/", views.mark_read, name="notification_read"),
    path("notifications/read-all/", views.mark_all_read, name="notifications_read_all"),
    path("preferences/", views.preferences, name="preferences"),
]
