"""Notices that asked staff for something now done (收到新的居民诉求 once the case is handed
over, 有诉求申请延期 once decided) are read for all who got them, in two statements whatever the
number of recipients and of keys: `services.notifications_answered` for several key prefixes."""

from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils import timezone

from gongzhi.core.models import Notification
from gongzhi.core.notifications.services import _cancel_pending_deliveries


def notices_answered(*, recipient_ids: Iterable[int | None], key_prefixes: Iterable[str]) -> int:
    """Mark read every unread notice of `recipient_ids` whose dedupe key starts with one of
    `key_prefixes`, and cancel its email or text still held (quiet hours, a retry). Returns how
    many were marked."""
    ids = {pk for pk in recipient_ids if pk is not None}
    prefixes = sorted({prefix for prefix in key_prefixes if prefix})
    if not ids or not prefixes:
        return 0
    keys = reduce(or_, (Q(dedupe_key__startswith=prefix) for prefix in prefixes))
    unread = Notification.objects.filter(keys, recipient_id__in=ids, read_at__isnull=True)
    _cancel_pending_deliveries(unread)
    return unread.update(read_at=timezone.now())
