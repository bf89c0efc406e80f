"""Sending one delivery: claim (compare-and-swap), send, record; retry with backoff.

A row moves pending → sending only through `filter(status=pending).update(...)`, so of any
number of concurrent senders exactly one wins and the message goes out at most once. A row
left in `sending` by a crashed sender is NOT retried (the message may have gone out): after
the lease it is marked failed with a note, see `expire_stale_claims`.
"""

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gongzhi.core.masking import redact_text
from gongzhi.core.models import Delivery, Notification, NotificationPreference
from gongzhi.core.notifications import mail, sms
from gongzhi.core.notifications.preferences import (
    channel_still_wanted,
    email_address,
    phone_number,
    preference_for,
)
from gongzhi.core.notifications.quiet_hours import is_staff_recipient, send_not_before

logger = logging.getLogger(__name__)

SMS_TEXT_LIMIT = 200
SENT = Delivery.Status.SENT  # the same value on PhoneSms
SMS_PARAM_LIMIT = 35  # Alibaba Cloud's limit for one template variable


def max_attempts() -> int:
    return int(getattr(settings, "GONGZHI_NOTIFY_MAX_ATTEMPTS", 5))


def backoff(attempts: int) -> dt.timedelta:
    """Delay after the `attempts`-th failure: base, 2×base, 4×base… capped at 6 hours."""
    base = int(getattr(settings, "GONGZHI_NOTIFY_BACKOFF_SECONDS", 60))
    return dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "GONGZHI_NOTIFY_LEASE_SECONDS", 600)))


def site_link(link: str) -> str:
    return f"{getattr(settings, 'GONGZHI_SITE_URL', '').rstrip('/')}{link}" if link else ""


# Kinds whose title asks the resident to do something on the page it links (请评价): the link
# follows the title as where to do it; any other text ends with 详情 and the link.
ACT_ON_LINK = frozenset({"case.rate_request"})


def sms_message(notification: Notification, phone: str, *, staff: bool = True) -> sms.SmsMessage:
    """The text in the active language (`_send` sets the recipient's)."""
    # Free text leaves the platform here: mask any phone or ID number a caller wrote into it,
    # so an SMS never carries another person's number (G1).
    title = redact_text(notification.shown_title)
    if staff:
        body = notification.shown_body
        separator = pgettext("label separator", "：")
        text = redact_text(f"{title}{separator}{body}" if body else title)
    else:
        text = resident_text(notification, title)
    return sms.SmsMessage(
        phone=phone,
        text=text[:SMS_TEXT_LIMIT],
        params={"title": title[:SMS_PARAM_LIMIT]},
    )


def resident_text(notification: Notification, title: str) -> str:
    """A resident's text: one short message (the body repeats the title at length, and two
    billed messages for one step is one too many): the title and the case page's link, which
    asks to rate (请评价) when that is what the notice wants."""
    if not notification.link:
        return _("【共治】%(title)s") % {"title": title}
    base = getattr(settings, "GONGZHI_PUBLIC_BASE_URL", "") or getattr(
        settings, "GONGZHI_SITE_URL", ""
    )
    url = f"{base.rstrip('/')}{notification.link}"
    if notification.kind in ACT_ON_LINK:
        return _("【共治】%(title)s：%(url)s") % {"title": title, "url": url}
    return _("【共治】%(title)s。详情：%(url)s") % {"title": title, "url": url}


def email_parts(notification: Notification) -> tuple[str, str]:
    """Subject and body in the active language (`_send` sets the recipient's)."""
    title = redact_text(notification.shown_title)
    lines = [title, "", redact_text(notification.shown_body)]
    if notification.link:
        lines += ["", _("查看详情：%(url)s") % {"url": site_link(notification.link)}]
    lines += ["", _("调整通知方式：%(url)s") % {"url": site_link("/me/preferences/")}]
    subject = _("【共治】%(title)s") % {"title": title}
    return subject, "\n".join(lines).strip() + "\n"


def message_language(preference: NotificationPreference) -> str:
    """The language the user chose for email and SMS (通知设置); the platform's by default or
    when the stored choice is no longer offered."""
    offered = {code for code, _name in settings.LANGUAGES}
    return preference.language if preference.language in offered else settings.LANGUAGE_CODE


def _send(delivery: Delivery, user: Any, preference: NotificationPreference) -> str:
    notification = delivery.notification
    # In the recipient's chosen language, whatever language the request thread that triggered
    # the send happened to be using: title and body rendered again from their message
    # (texts.py; an old notice without one is sent as stored), the wrapper text with them.
    with translation.override(message_language(preference)):
        if delivery.channel == Delivery.Channel.EMAIL:
            subject, body = email_parts(notification)
            return mail.send_email(to=email_address(user), subject=subject, body=body)
        message = sms_message(notification, phone_number(user), staff=is_staff_recipient(user))
        return sms.get_backend().send(message)


def attempt(delivery_id: int, *, now: dt.datetime | None = None) -> str:
    """Try one delivery if it is due and still pending. Returns the resulting status, or
    "" when another sender owns it or it is not due (nothing done)."""
    now = now or timezone.now()
    won = Delivery.objects.filter(
        pk=delivery_id, status=Delivery.Status.PENDING, next_attempt_at__lte=now
    ).update(status=Delivery.Status.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    if not won:
        return ""
    delivery = Delivery.objects.select_related("notification__recipient").get(pk=delivery_id)
    user = delivery.notification.recipient
    preference = preference_for(user)
    if not channel_still_wanted(user, delivery.channel, preference):
        return _finish(
            delivery, Delivery.Status.CANCELLED, error="用户已关闭该渠道或未登记联系方式"
        )
    return send_and_record(
        delivery,
        lambda: _send(delivery, user, preference),
        lambda error, permanent: _failed(delivery, error, permanent=permanent, now=now),
    )


def send_and_record(row: Any, send: Callable[[], str], failed: Callable[[str, bool], str]) -> str:
    """Send a claimed row (a Delivery, a PhoneSms) and record what came of it: a provider's
    error goes to `failed(error, permanent)` (an SmsError says whether retrying can help; any
    other exception is retried, never raised into a sweep); once sent, the row is marked sent
    whatever happened to it meanwhile: the message did go out."""
    try:
        provider_id = send()
    except sms.SmsError as exc:
        return failed(str(exc), exc.permanent)
    except Exception as exc:
        logger.warning("%s %s failed: %s", type(row).__name__, row.pk, exc)
        return failed(f"{type(exc).__name__}: {exc}", False)
    type(row).objects.filter(pk=row.pk).update(
        status=SENT, sent_at=timezone.now(), provider_message_id=provider_id[:200], last_error=""
    )
    return SENT


def _finish(delivery: Delivery, status: str, *, error: str = "", **fields: Any) -> str:
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING).update(
        status=status, last_error=error[:2000], **fields
    )
    return status


def _failed(delivery: Delivery, error: str, *, permanent: bool, now: dt.datetime) -> str:
    if permanent or delivery.attempts >= max_attempts():
        return _finish(delivery, Delivery.Status.FAILED, error=error)
    notification = delivery.notification
    retry_at = send_not_before(
        preference=preference_for(notification.recipient),
        user=notification.recipient,
        now=now + backoff(delivery.attempts),
        urgent=notification.urgent,
    )
    return _finish(delivery, Delivery.Status.PENDING, error=error, next_attempt_at=retry_at)


def expire_stale_claims(now: dt.datetime, model: Any = Delivery) -> int:
    """Rows of `model` (Delivery, PhoneSms) stuck in `sending` past the lease: the sender died
    mid-send. Mark them failed rather than retry: the message may have gone out (never twice)."""
    return model.objects.filter(status="sending", claimed_at__lt=now - lease()).update(
        status="failed", last_error="发送过程中断，结果未知；为避免重复发送，不再重试。"
    )


def attempt_after_commit(delivery_ids: list[int]) -> None:
    """on_commit hook of `notify`: try the due deliveries at once; failures wait for the sweep."""
    for delivery_id in delivery_ids:
        try:
            attempt(delivery_id)
        except Exception:  # the caller's request must not fail because a sender did
            logger.exception("immediate delivery %s failed; the sweep will retry", delivery_id)
