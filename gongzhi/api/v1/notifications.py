"""The caller's own notification inbox (gongzhi.core.notifications)."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from gongzhi.api.inputs import Id
from gongzhi.api.v1.schemas import NotificationOut
from gongzhi.core.models import Notification
from gongzhi.core.notifications import selectors, services
from gongzhi.core.notifications.links import closed_links

router = Router()


@router.get("/notifications", response=list[NotificationOut], url_name="notifications")
def notifications(request: HttpRequest, unread: bool = False):
    """我的通知：未读在前，最新在前（最多 200 条）。"""
    inbox = selectors.inbox(request.user)
    if unread:
        inbox = inbox.filter(read_at__isnull=True)
    return with_closed_links(request.user, list(inbox[:200]))


@router.post(
    "/notifications/{notification_id}/read", response=NotificationOut, url_name="notification_read"
)
def notification_read(request: HttpRequest, notification_id: Id):
    """标为已读。"""
    found = selectors.notification_get(request.user, notification_id)
    read = services.notification_mark_read(actor=request.user, notification=found)
    return with_closed_links(request.user, [read])[0]


def with_closed_links(user: Any, notices: list[Notification]) -> list[Notification]:
    """As the inbox page: a link to a page taken from the reader since (a case 改派, 退单 or
    escalated away, links.py) is given as null, not as a link that answers 404."""
    closed = closed_links(user, [notice.link for notice in notices])
    for notice in notices:
        notice.link_closed = notice.link in closed
    return notices
