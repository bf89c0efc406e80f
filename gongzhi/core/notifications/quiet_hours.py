"""Quiet hours (免打扰): external messages wait until the quiet period ends.

Rule: during a recipient's quiet hours, email and SMS deliveries are scheduled for the end of
the quiet period. The in-app notification is written at once (it makes no noise).
Exception: an URGENT notification (a kind in `kinds.URGENT_KINDS`, e.g. case.escalated, or
`notify(..., urgent=True)`) goes out at once when the recipient is STAFF (any role other than
resident, or a Django staff/superuser) and has not switched off `urgent_bypasses_quiet_hours`.
Residents are never woken up: their urgent messages wait like any other.

Quiet hours are wall-clock times in settings.TIME_ZONE (Asia/Shanghai); start > end wraps
midnight (22:00–07:00); start == end means no quiet period.
"""

import datetime as dt
from typing import Any

from django.utils import timezone

from gongzhi.core.models import NotificationPreference


def quiet_until(*, start: dt.time, end: dt.time, now: dt.datetime) -> dt.datetime | None:
    """The end of the quiet period `now` falls in (aware), or None outside quiet hours."""
    if start == end:
        return None
    local = timezone.localtime(now)
    tz = local.tzinfo
    clock = local.time()
    if start < end:
        inside = start <= clock < end
        end_date = local.date()
    else:  # wraps midnight
        inside = clock >= start or clock < end
        end_date = local.date() + dt.timedelta(days=1) if clock >= start else local.date()
    if not inside:
        return None
    return dt.datetime.combine(end_date, end, tzinfo=tz)


def is_staff_recipient(user: Any) -> bool:
    """Duck-typed (core may not import org): any role grant other than resident is staff."""
    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return True
    grants = getattr(user, "grants", None)
    if grants is None:
        return False
    return grants.exclude(role="resident").exists()


def send_not_before(
    *, preference: NotificationPreference, user: Any, now: dt.datetime, urgent: bool
) -> dt.datetime:
    """When an external delivery to `user` may be attempted: `now`, or the end of quiet hours."""
    if not preference.quiet_hours_enabled:
        return now
    until = quiet_until(start=preference.quiet_start, end=preference.quiet_end, now=now)
    if until is None:
        return now
    if urgent and preference.urgent_bypasses_quiet_hours and is_staff_recipient(user):
        return now
    return until
