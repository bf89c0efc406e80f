from django.urls import path

from gongzhi.cases.views import detail, hot_topics, imports, metrics, photos, resident, staff
from gongzhi.cases.views.actions import ENDPOINTS

app_name = "cases"

urlpatterns = [
    path("", staff.queue, name="queue"),
    path("new/", resident.report, name="report"),
    path("mine/", resident.mine, name="mine"),
    path("intake/", staff.intake, name="intake"),
    path("bulk-dispatch", staff.bulk_dispatch, name="bulk_dispatch"),
    path("import/", imports.hotline_import, name="import"),
    path("metrics/", metrics.metrics_page, name="metrics"),
    path("hot-topics/", hot_topics.hot_topics, name="hot_topics"),
    path("files/<int:pk>", staff.attachment, name="attachment"),
    path("files/<int:pk>/view", photos.photo, name="photo"),
    path("<int:pk>/", detail.detail, name="detail"),
    path("<int:pk>/rate", resident.rate, name="rate"),
    path("<int:pk>/reply-draft", hot_topics.reply_draft, name="reply_draft"),
    # One POST endpoint per operation of the closed loop: /cases/<id>/<action>.
    *(path(f"<int:pk>/{action}", view, name=action) for action, view in ENDPOINTS.items()),
]
