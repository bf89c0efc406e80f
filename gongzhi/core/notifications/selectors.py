"""Every read of a user's notifications starts from `Notification.objects.visible_to(user)`."""

from typing import Any

from django.db.models import Case, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from gongzhi.core.models import Notification


def inbox(user: Any) -> QuerySet[Notification]:
    """Unread first, then newest first."""
    unread_first = Case(When(read_at__isnull=True, then=Value(0)), default=Value(1))
    return (
        Notification.objects.visible_to(user)
        .alias(unread_first=unread_first)
        .order_by("unread_first", "-created_at", "-id")
    )


def notification_get(user: Any, pk: int) -> Notification:
    """404 for anyone but the recipient."""
    return get_object_or_404(Notification.objects.visible_to(user), pk=pk)


def unread_count(user: Any) -> int:
    return Notification.objects.visible_to(user).unread().count()
