"""Scheduler sweeps of the notifications package (listed in settings.GONGZHI_SWEEPS)."""

import datetime as dt

from gongzhi.core.models import Delivery
from gongzhi.core.notifications import phone
from gongzhi.core.notifications.delivery import attempt, expire_stale_claims

BATCH = 500  # per pass; the next pass picks up the rest


def deliver_pending(now: dt.datetime) -> int:
    """Send every due pending delivery (first tries deferred by quiet hours, and retries), and
    every due text to a bare phone number (`phone.PhoneSms`). Returns how many this runner
    claimed. Safe with any number of runners."""
    expire_stale_claims(now)
    due = (
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:BATCH]
    )
    sent = sum(1 for delivery_id in list(due) if attempt(delivery_id, now=now))
    return sent + phone.deliver_due(now)
