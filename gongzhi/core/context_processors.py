from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from gongzhi.core.notifications.selectors import unread_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    """`unread_notifications` for the navbar badge; lazy, so pages that omit it pay nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
