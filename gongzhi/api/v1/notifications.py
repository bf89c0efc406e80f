"""The caller's own notification inbox (gongzhi.core.notifications)."""

from django.http import HttpRequest
from ninja import Router

from gongzhi.api.inputs import Id
from gongzhi.api.v1.schemas import NotificationOut
from gongzhi.core.notifications import selectors, services

router = Router()


@router.get("/notifications", response=list[NotificationOut], url_name="notifications")
def notifications(request: HttpRequest, unread: bool = False):
    """我的通知：未读在前，最新在前（最多 200 条）。"""
    inbox = selectors.inbox(request.user)
    if unread:
        inbox = inbox.filter(read_at__isnull=True)
    return inbox[:200]


@router.post(
    "/notifications/{notification_id}/read", response=NotificationOut, url_name="notification_read"
)
def notification_read(request: HttpRequest, notification_id: Id):
    """标为已读。"""
    found = selectors.notification_get(request.user, notification_id)
    return services.notification_mark_read(actor=request.user, notification=found)
