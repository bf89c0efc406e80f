"""Text messages to a phone number that belongs to no account: the requester of a hotline
(12345) order, a walk-in or a phone call recorded by staff gave only a number.

`sms_to_phone` queues a `PhoneSms` row in the caller's transaction; it goes out through the
same SMS adapter (`sms.get_backend()`), claim, backoff and sweep as a notification's delivery
(delivery.py, sweeps.deliver_pending):

- at most once: a row moves pending → sending only by compare-and-swap, and a row left in
  `sending` past the lease is marked failed, never retried (the message may have gone out);
- never twice: (phone, dedupe_key) is unique, so a rerun of the step that wrote it writes nothing;
- never at night: the default quiet hours (NotificationPreference's 22:00–07:00) apply, with no
  urgent exception, or the quiet hours of the account the number belongs to (`preference`).
"""

import datetime as dt
import logging
import re
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from gongzhi.core.masking import redact_text
from gongzhi.core.models import NotificationPreference, PhoneSms
from gongzhi.core.notifications import delivery, sms
from gongzhi.core.notifications.delivery import (
    SMS_PARAM_LIMIT,
    backoff,
    max_attempts,
    send_and_record,
)
from gongzhi.core.notifications.kinds import is_valid_kind
from gongzhi.core.notifications.quiet_hours import send_not_before

logger = logging.getLogger(__name__)

_MOBILE = re.compile(r"^1\d{10}$")
BATCH = 500  # per sweep pass; the next pass picks up the rest
TEXT_LIMIT = PhoneSms._meta.get_field("text").max_length


def is_mobile(phone: str) -> bool:
    """A mainland mobile number as stored: 11 digits starting with 1."""
    return bool(_MOBILE.match(phone or ""))


def not_before(now: dt.datetime, preference: NotificationPreference | None = None) -> dt.datetime:
    """`now`, or the end of the quiet hours `now` falls in: the default ones, or `preference`'s
    (a resident is never woken)."""
    preference = preference or NotificationPreference()
    return send_not_before(preference=preference, user=None, now=now, urgent=False)


def sms_to_phone(
    *,
    phone: str,
    kind: str,
    text: str,
    title: str,
    dedupe_key: str,
    link: str = "",
    preference: NotificationPreference | None = None,
    asked: bool = False,
) -> PhoneSms | None:
    """Queue one text to `phone` (11 digits) in the caller's transaction; it is tried after
    commit, or by the sweep at the end of quiet hours (`preference`'s when the number belongs
    to an account). Returns None when `dedupe_key` was already used for this number. Any phone
    or ID number in `text` is masked (G1); `link`, an absolute URL appended as it is (a token's
    digits are no phone number), ends the text. `asked`: the number's owner asked for this text
    just now (a tracking link at /track/): it goes at once, whatever the hour."""
    if not is_mobile(phone):
        raise ValueError("sms_to_phone needs an 11-digit mainland mobile number")
    if not is_valid_kind(kind):
        raise ValueError(f"invalid notification kind {kind!r}")
    if not dedupe_key or len(dedupe_key) > 200:
        raise ValueError("sms_to_phone needs a dedupe_key of at most 200 characters")
    text = redact_text(text.strip())
    if link and not link.startswith(("https://", "http://")):
        raise ValueError("the link of an SMS is an absolute http(s) URL")
    text = f"{text}{link}" if text else ""
    if not text or len(text) > TEXT_LIMIT:  # never cut: the end of a text is its link
        raise ValueError(f"an SMS needs a text of at most {TEXT_LIMIT} characters")
    with transaction.atomic(savepoint=False):  # the caller's transaction, if there is one
        if PhoneSms.objects.filter(phone=phone, dedupe_key=dedupe_key).exists():
            return None
        now = timezone.now()
        try:
            with transaction.atomic():  # savepoint: a concurrent duplicate must not break it
                row = PhoneSms.objects.create(
                    phone=phone,
                    kind=kind,
                    text=text,
                    title=redact_text(title.strip())[:SMS_PARAM_LIMIT],
                    link=link,
                    dedupe_key=dedupe_key,
                    next_attempt_at=now if asked else not_before(now, preference),
                    created_at=now,
                )
        except IntegrityError:
            if PhoneSms.objects.filter(phone=phone, dedupe_key=dedupe_key).exists():
                return None  # someone else wrote it meanwhile: it goes out once
            raise
        if row.next_attempt_at <= now and settings.GONGZHI_DELIVER_AT == "commit":
            transaction.on_commit(partial(_attempt_after_commit, row.pk))
    return row


def sms_answered(*, dedupe_key: str) -> int:
    """A queued text that asked for something now done (请评价 once the round is rated) is not
    sent: one still waiting for the end of quiet hours or a retry is cancelled."""
    return PhoneSms.objects.filter(dedupe_key=dedupe_key, status=PhoneSms.Status.PENDING).update(
        status=PhoneSms.Status.CANCELLED, last_error="短信所问之事已办，不再发送"
    )


# Whether a text of a kind may still go to a number, asked again at send time (a text held by
# quiet hours waits till 07:00): the cases app registers the check of the number's account, if
# any (core does not know accounts' phones).
_still_wanted: list[Callable[[str, str], bool]] = []


def register_still_wanted(check: Callable[[str, str], bool]) -> None:
    """`check(phone, kind)`: False cancels a queued text instead of sending it."""
    if check not in _still_wanted:
        _still_wanted.append(check)


def attempt(sms_id: int, *, now: dt.datetime | None = None) -> str:
    """Try one queued text if it is due and still pending. Returns the resulting status, or
    "" when another sender owns it or it is not due (nothing done)."""
    now = now or timezone.now()
    won = PhoneSms.objects.filter(
        pk=sms_id, status=PhoneSms.Status.PENDING, next_attempt_at__lte=now
    ).update(status=PhoneSms.Status.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    if not won:
        return ""
    row = PhoneSms.objects.get(pk=sms_id)
    if not all(check(row.phone, row.kind) for check in _still_wanted):
        PhoneSms.objects.filter(pk=sms_id, status=PhoneSms.Status.SENDING).update(
            status=PhoneSms.Status.CANCELLED, last_error="号码所属账号已关闭该短信通知"
        )
        return PhoneSms.Status.CANCELLED
    params = {"title": row.title, **({"link": row.link} if row.link else {})}
    message = sms.SmsMessage(phone=row.phone, text=row.text, params=params)
    return send_and_record(
        row,
        lambda: sms.get_backend().send(message),
        lambda error, permanent: _failed(row, error, permanent=permanent, now=now),
    )


def _failed(row: PhoneSms, error: str, *, permanent: bool, now: dt.datetime) -> str:
    status = PhoneSms.Status.FAILED
    fields = {}
    if not permanent and row.attempts < max_attempts():
        status = PhoneSms.Status.PENDING
        fields["next_attempt_at"] = not_before(now + backoff(row.attempts))
    PhoneSms.objects.filter(pk=row.pk, status=PhoneSms.Status.SENDING).update(
        status=status, last_error=error[:2000], **fields
    )
    return status


def expire_stale_claims(now: dt.datetime) -> int:
    """Rows stuck in `sending` past the lease: the sender died mid-send. Failed, not retried."""
    return delivery.expire_stale_claims(now, PhoneSms)


def deliver_due(now: dt.datetime) -> list[str]:
    """The sweep's part for these rows: every due pending text (first tries deferred by quiet
    hours, and retries). Returns the status each text this runner claimed ended in (sent,
    failed, pending for a retry); safe with any number of runners."""
    expire_stale_claims(now)
    due = (
        PhoneSms.objects.filter(status=PhoneSms.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:BATCH]
    )
    return [status for sms_id in list(due) if (status := attempt(sms_id, now=now))]


def _attempt_after_commit(sms_id: int) -> None:
    try:
        attempt(sms_id)
    except Exception:  # the caller's request must not fail because a sender did
        logger.exception("immediate phone sms %s failed; the sweep will retry", sms_id)
