"""Scheduler sweeps of the notifications package (listed in settings.GONGZHI_SWEEPS)."""

import datetime as dt

from gongzhi.core.models import Delivery
from gongzhi.core.notifications import phone
from gongzhi.core.notifications.delivery import SENT, attempt, expire_stale_claims

BATCH = 500  # per pass; the next pass picks up the rest


class Delivered(int):
    """What a pass sent, an int as the scheduler expects, with its `parts` for the log line:
    "通知投递 3 条，投递失败 1 条，待重试 2 条" (a failure is not a delivery)."""

    parts: tuple[tuple[str, int, int], ...] = ()


def deliver_pending(now: dt.datetime) -> int:
    """Send every due pending delivery (first tries deferred by quiet hours, and retries), and
    every due text to a bare phone number (`phone.PhoneSms`). Returns how many were sent by
    this runner (a `Delivered` that also says how many failed or wait for a retry). Safe with
    any number of runners."""
    expire_stale_claims(now)
    due = (
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:BATCH]
    )
    outcomes = [attempt(delivery_id, now=now) for delivery_id in list(due)]
    outcomes += phone.deliver_due(now)
    sent = outcomes.count(SENT)
    failed = outcomes.count(Delivery.Status.FAILED)
    retrying = outcomes.count(Delivery.Status.PENDING)
    result = Delivered(sent)
    result.parts = (
        ("通知投递", sent, 0),
        *((("投递失败", failed, 0),) if failed else ()),
        *((("待重试", retrying, 0),) if retrying else ()),
    )
    return result
