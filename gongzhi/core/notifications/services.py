"""Every write of the notifications package. `notify` is the public entry point."""

import datetime as dt
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.conf import settings
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
    preferences_for,
)
from gongzhi.core.notifications.quiet_hours import send_not_before
from gongzhi.core.notifications.texts import Text, stored


def _check(kind: str, title: str, link: str, dedupe_key: str) -> None:
    if not is_valid_kind(kind):
        raise ValueError(f"invalid notification kind {kind!r}")
    if link and (not link.startswith("/") or link.startswith("//")):
        raise ValueError("notification links are relative URLs inside the app")
    if len(dedupe_key) > 200:
        raise ValueError("dedupe_key longer than 200 characters")
    if not title.strip():
        raise ValueError("a notification needs a title")


def notify(
    *,
    recipient: Any,
    kind: str,
    title: str | Text,
    body: str | Text = "",
    link: str = "",
    dedupe_key: str = "",
    urgent: bool | None = None,
) -> Notification | None:
    """Write an in-app notification and its external deliveries in the caller's transaction.

    Returns None when `dedupe_key` was already used for this recipient. Email/SMS go out after
    commit (or at the end of the recipient's quiet hours); the sweep retries failures.
    Not audited: the business action that triggers it writes the audit row. `urgent`: None
    for the kind's (`URGENT_KINDS`), else as given (quiet_hours.py).
    """
    written = notify_many(
        recipients=[recipient],
        kind=kind,
        title=title,
        body=body,
        link=link,
        dedupe_key=dedupe_key,
        urgent=urgent,
    )
    return written[0] if written else None


def notify_many(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: str | Text,
    body: str | Text = "",
    link: str = "",
    dedupe_key: str = "",
    urgent: bool | None = None,
    fresh: bool = False,
) -> list[Notification]:
    """`notify` for several recipients in a handful of statements, whatever their number: one
    read of used dedupe keys, one insert of the notifications, one read of preferences, one
    insert of deliveries. Returns the notifications written (recipients already notified under
    `dedupe_key` are skipped). A `Text` title or body is read in each reader's language
    (texts.py); a plain string is shown as written.

    `fresh=True`: nobody can have been notified under `dedupe_key` yet, as it names a row this
    transaction created (`case:<new pk>:created`): no read of used keys, no savepoint. Should
    one be used all the same, the insert fails and the caller's whole transaction with it."""
    title, title_text = stored(title)
    body, body_text = stored(body)
    _check(kind, title, link, dedupe_key)  # before the transaction: a bad call changes nothing
    texts = {k: v for k, v in (("title", title_text), ("body", body_text)) if v}
    with transaction.atomic(savepoint=False):  # the caller's transaction, if there is one
        return _write_many(
            list({user.pk: user for user in recipients}.values()),
            kind=kind,
            title=title,
            body=body,
            texts=texts,
            link=link,
            dedupe_key=dedupe_key,
            urgent=urgent,
            fresh=fresh,
        )


def _used_key(dedupe_key: str, **recipients: Any) -> Any:
    """Notifications already sent under `dedupe_key` to `recipients`, read through the partial
    unique index `notification_dedupe`: SQLite uses a partial index only when the query states
    its condition (dedupe_key <> ''), and the model's ordering would sort for nothing. Without
    both it reads every notification of the recipients (46 ms at 50,000 of them)."""
    return (
        Notification.objects.filter(dedupe_key=dedupe_key, **recipients)
        .exclude(dedupe_key="")
        .order_by()
    )


def _write_many(
    users: list[Any],
    *,
    kind: str,
    title: str,
    body: str,
    texts: dict,
    link: str,
    dedupe_key: str,
    urgent: bool | None,
    fresh: bool = False,
) -> list[Notification]:
    if dedupe_key and users and not fresh:
        recipient_ids = [u.pk for u in users]
        used = set(
            _used_key(dedupe_key, recipient__in=recipient_ids).values_list(
                "recipient_id", flat=True
            )
        )
        users = [u for u in users if u.pk not in used]
    if not users:
        return []
    now = timezone.now()
    # By its kind unless the caller says: a requester's escalation notice is not urgent.
    urgent = kind in URGENT_KINDS if urgent is None else urgent
    rows = [
        Notification(
            recipient=user,
            kind=kind,
            title=title.strip()[:200],
            body=body,
            texts=texts,
            link=link,
            dedupe_key=dedupe_key,
            urgent=urgent,
            created_at=now,
        )
        for user in users
    ]
    if fresh:
        written = Notification.objects.bulk_create(rows)
    else:
        try:
            with transaction.atomic():  # savepoint: a concurrent duplicate must not break us
                written = Notification.objects.bulk_create(rows)
        except IntegrityError:
            # Someone else notified one of them under this key meanwhile: one at a time,
            # skipping whoever already has it.
            return [n for u in users if (n := _notify_one(u, rows[0], now)) is not None]
    _schedule_deliveries(written, now)
    return written


def _notify_one(user: Any, template: Notification, now: dt.datetime) -> Notification | None:
    key = template.dedupe_key
    if key and _used_key(key, recipient=user).exists():
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=user,
                kind=template.kind,
                title=template.title,
                body=template.body,
                texts=template.texts,
                link=template.link,
                dedupe_key=template.dedupe_key,
                urgent=template.urgent,
                created_at=now,
            )
    except IntegrityError:
        if key and _used_key(key, recipient=user).exists():
            return None  # a concurrent duplicate: already notified
        raise
    _schedule_deliveries([notification], now)
    return notification


def _schedule_deliveries(notifications: list[Notification], now: dt.datetime) -> None:
    preferences = preferences_for([n.recipient for n in notifications])
    deliveries: list[Delivery] = []
    for notification in notifications:
        recipient = notification.recipient
        preference = preferences[recipient.pk]
        channels = external_channels(recipient, preference, notification.kind)
        if not channels:
            continue
        not_before = send_not_before(
            preference=preference, user=recipient, now=now, urgent=notification.urgent
        )
        deliveries += [
            Delivery(
                notification=notification, channel=c, next_attempt_at=not_before, created_at=now
            )
            for c in channels
        ]
    if not deliveries:
        return
    # Both supported databases return the new keys from a bulk insert.
    written = Delivery.objects.bulk_create(deliveries)
    due = [d.pk for d in written if d.next_attempt_at <= now]
    if due and settings.GONGZHI_DELIVER_AT == "commit":
        transaction.on_commit(partial(attempt_after_commit, due))


def notification_mark_read(*, actor: Any, notification: Notification) -> Notification:
    """Reading one's own inbox is not business-critical (G4), so it is not audited."""
    if notification.recipient_id != actor.pk:
        raise PermissionDenied
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


# Why a held email or text was not sent: what it asked for was done first (staff read it here).
ANSWERED = "通知所问之事已办，不再发送"


def notification_answered(*, recipient_id: int | None, dedupe_key: str) -> int:
    """A notice that asked for something now done (请评价 once the round is rated) is read:
    it must not keep asking from the inbox, nor by an email or text still held for the end of
    quiet hours or a retry. Returns how many were marked."""
    if recipient_id is None:
        return 0
    unread = _used_key(dedupe_key, recipient_id=recipient_id).filter(read_at__isnull=True)
    _cancel_pending_deliveries(unread)
    return unread.update(read_at=timezone.now())


def notifications_answered(*, recipient_ids: Iterable[int], key_prefix: str) -> int:
    """`notification_answered` for several recipients and every notice whose dedupe key starts
    with `key_prefix` (one per hand-over of a case, say)."""
    unread = Notification.objects.filter(
        recipient_id__in=list(recipient_ids),
        dedupe_key__startswith=key_prefix,
        read_at__isnull=True,
    )
    _cancel_pending_deliveries(unread)
    return unread.update(read_at=timezone.now())


def _cancel_pending_deliveries(notifications: Any) -> int:
    """A delivery not yet claimed by a sender is cancelled; one being sent goes out."""
    return Delivery.objects.filter(
        notification__in=notifications, status=Delivery.Status.PENDING
    ).update(status=Delivery.Status.CANCELLED, last_error=ANSWERED)


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
    language: str | None = None,
) -> NotificationPreference:
    """Only the user themself changes their preferences. `language`: of their email and text
    messages (None: unchanged)."""
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
    if language is not None and language not in dict(NotificationPreference.LANGUAGES):
        errors["language"] = _("请选择简体中文或 English。")
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
    if language is not None:
        preference.language = language
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
            "language": preference.language,
        },
    )
    return preference
