import datetime as dt

from django.urls import path, register_converter

from gongzhi.cases.views import (
    configuration,
    detail,
    hot_topics,
    imports,
    kept_photos,
    metrics,
    photos,
    resident,
    staff,
    tracking,
)
from gongzhi.cases.views.actions import ENDPOINTS


class DateConverter:
    """`2027-01-01` in a URL, as a date: a calendar day is named by its date."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> dt.date:
        return dt.date.fromisoformat(value)  # a ValueError here answers 404

    def to_url(self, value: dt.date | str) -> str:
        return value.isoformat() if isinstance(value, dt.date) else value


register_converter(DateConverter, "date")
app_name = "cases"

urlpatterns = [
    path("", staff.queue, name="queue"),
    path("new/", resident.report, name="report"),
    path("new/kept/<int:pk>", kept_photos.kept_photo, name="kept_photo"),
    path("mine/", resident.mine, name="mine"),
    path("intake/", staff.intake, name="intake"),
    path("bulk-dispatch", staff.bulk_dispatch, name="bulk_dispatch"),
    path("import/", imports.hotline_import, name="import"),
    path("metrics/", metrics.metrics_page, name="metrics"),
    path("hot-topics/", hot_topics.hot_topics, name="hot_topics"),
    path("settings/sla/", configuration.sla_list, name="settings_sla"),
    path("settings/sla/<str:code>/", configuration.sla_edit, name="settings_sla_edit"),
    path("settings/routing/", configuration.routing_list, name="settings_routing"),
    path("settings/routing/new/", configuration.routing_edit, name="settings_routing_new"),
    path("settings/routing/<int:pk>/", configuration.routing_edit, name="settings_routing_edit"),
    path(
        "settings/routing/<int:pk>/delete",
        configuration.routing_delete,
        name="settings_routing_delete",
    ),
    path("settings/calendar/", configuration.calendar, name="settings_calendar"),
    path(
        "settings/calendar/<date:day>/delete",
        configuration.calendar_delete,
        name="settings_calendar_delete",
    ),
    path("files/<int:pk>", staff.attachment, name="attachment"),
    path("files/<int:pk>/view", photos.photo, name="photo"),
    path("<int:pk>/", detail.detail, name="detail"),
    path("<int:pk>/rate", resident.rate, name="rate"),
    path("<int:pk>/receipt", tracking.receipt, name="receipt"),  # 受理回执
    path("<int:pk>/reply-draft", hot_topics.reply_draft, name="reply_draft"),
    # One POST endpoint per operation of the closed loop: /cases/<id>/<action>.
    *(path(f"<int:pk>/{action}", view, name=action) for action, view in ENDPOINTS.items()),
]
