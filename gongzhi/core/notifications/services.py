"""Every write of the notifications package. `notify` is the public entry point."""

import datetime as dt
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.models import Delivery, Notification, NotificationPreference
from gongzhi.core.notifications.delivery import attempt_after_commit
from gongzhi.core.notifications.kinds import KINDS, URGENT_KINDS, is_valid_kind
from gongzhi.core.notifications.preferences import (
    email_address,
    external_channels,
    phone_number,
    preference_for,
)
from gongzhi.core.notifications.quiet_hours import send_not_before


@transaction.atomic
def notify(
    *,
    recipient: Any,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    dedupe_key: str = "",
    urgent: bool = False,
) -> Notification | None:
    """Write an in-app notification and its external deliveries in the caller's transaction.

    Returns None when `dedupe_key` was already used for this recipient. Email/SMS go out after
    commit (or at the end of the recipient's quiet hours); the sweep retries failures.
    Not audited: the business action that triggers it writes the audit row.
    """
    if not is_valid_kind(kind):
        raise ValueError(f"invalid notification kind {kind!r}")
    if link and (not link.startswith("/") or link.startswith("//")):
        raise ValueError("notification links are relative URLs inside the app")
    if len(dedupe_key) > 200:
        raise ValueError("dedupe_key longer than 200 characters")
    if not title.strip():
        raise ValueError("a notification needs a title")
    if (
        dedupe_key
        and Notification.objects.filter(recipient=recipient, dedupe_key=dedupe_key).exists()
    ):
        return None
    now = timezone.now()
    urgent = urgent or kind in URGENT_KINDS
    try:
        with transaction.atomic():  # savepoint: a concurrent duplicate must not break the caller
            notification = Notification.objects.create(
                recipient=recipient,
                kind=kind,
                title=title.strip()[:200],
                body=body,
                link=link,
                dedupe_key=dedupe_key,
                urgent=urgent,
                created_at=now,
            )
    except IntegrityError:
        if (
            dedupe_key
            and Notification.objects.filter(recipient=recipient, dedupe_key=dedupe_key).exists()
        ):
            return None
        raise
    _schedule_deliveries(notification, now)
    return notification


def _schedule_deliveries(notification: Notification, now: dt.datetime) -> None:
    recipient = notification.recipient
    preference = preference_for(recipient)
    channels = external_channels(recipient, preference, notification.kind)
    if not channels:
        return
    not_before = send_not_before(
        preference=preference, user=recipient, now=now, urgent=notification.urgent
    )
    deliveries = Delivery.objects.bulk_create(
        Delivery(notification=notification, channel=c, next_attempt_at=not_before, created_at=now)
        for c in channels
    )
    if not_before <= now:
        ids = [d.pk for d in deliveries] or list(
            notification.deliveries.values_list("pk", flat=True)
        )
        transaction.on_commit(partial(attempt_after_commit, ids))


def notification_mark_read(*, actor: Any, notification: Notification) -> Notification:
    """Reading one's own inbox is not business-critical (G4), so it is not audited."""
    if notification.recipient_id != actor.pk:
        raise PermissionDenied
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


def notification_mark_all_read(*, actor: Any) -> int:
    return Notification.objects.visible_to(actor).unread().update(read_at=timezone.now())


@transaction.atomic
def preference_update(
    *,
    actor: Any,
    user: Any,
    email_enabled: bool,
    sms_enabled: bool,
    quiet_hours_enabled: bool,
    quiet_start: dt.time,
    quiet_end: dt.time,
    muted_kinds: list[str] | None = None,
    urgent_bypasses_quiet_hours: bool = True,
) -> NotificationPreference:
    """Only the user themself changes their preferences."""
    if not getattr(actor, "is_authenticated", False) or actor.pk != user.pk:
        raise PermissionDenied
    errors: dict[str, str] = {}
    if email_enabled and not email_address(user):
        errors["email_enabled"] = _("您的账户没有登记电子邮箱，无法开启邮件通知。")
    if sms_enabled and not phone_number(user):
        errors["sms_enabled"] = _("您的账户没有登记手机号，无法开启短信通知。")
    if quiet_hours_enabled and quiet_start == quiet_end:
        errors["quiet_end"] = _("免打扰的开始时间和结束时间不能相同。")
    unknown = sorted(set(muted_kinds or []) - set(KINDS))
    if unknown:
        errors["muted_kinds"] = _("未知的通知类型：%(kinds)s") % {"kinds": "、".join(unknown)}
    if errors:
        raise ValidationError(errors)
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
        user=user
    )
    preference.email_enabled = email_enabled
    preference.sms_enabled = sms_enabled
    preference.quiet_hours_enabled = quiet_hours_enabled
    preference.quiet_start = quiet_start
    preference.quiet_end = quiet_end
    preference.muted_kinds = sorted(set(muted_kinds or []))
    preference.urgent_bypasses_quiet_hours = urgent_bypasses_quiet_hours
    preference.save()
    audit.record(
        action="notifications.preference_update",
        actor=actor,
        obj=preference,
        detail={
            "email": email_enabled,
            "sms": sms_enabled,
            "quiet_hours": (
                f"{quiet_start:%H:%M}-{quiet_end:%H:%M}" if quiet_hours_enabled else "off"
            ),
            "muted": preference.muted_kinds,
        },
    )
    return preference
