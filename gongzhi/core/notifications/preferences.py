"""A user's effective notification preferences and the addresses external channels use."""

from typing import Any

from gongzhi.core.models import Delivery, NotificationPreference


def email_address(user: Any) -> str:
    return (getattr(user, "email", "") or "").strip()


def phone_number(user: Any) -> str:
    """The recipient's own phone, through their linked person (duck-typed: core ↛ org)."""
    person = getattr(user, "person", None)
    return (getattr(person, "phone", "") or "").strip()


def preference_for(user: Any) -> NotificationPreference:
    """The stored preference, or an unsaved default: a channel is on when its address exists."""
    found = NotificationPreference.objects.filter(user=user).first()
    return found if found is not None else preference_for_default(user)


def preferences_for(users: list[Any]) -> dict[int, NotificationPreference]:
    """`preference_for` of several users in one query, keyed by user id."""
    stored = {p.user_id: p for p in NotificationPreference.objects.filter(user__in=users)}
    return {user.pk: stored.get(user.pk) or preference_for_default(user) for user in users}


def preference_for_default(user: Any) -> NotificationPreference:
    return NotificationPreference(
        user=user,
        email_enabled=bool(email_address(user)),
        sms_enabled=bool(phone_number(user)),
    )


def external_channels(user: Any, preference: NotificationPreference, kind: str) -> list[str]:
    """The external channels a notification of `kind` goes out on for this user."""
    if kind in (preference.muted_kinds or []) or not getattr(user, "is_active", True):
        return []
    channels = []
    if preference.email_enabled and email_address(user):
        channels.append(Delivery.Channel.EMAIL)
    if preference.sms_enabled and phone_number(user):
        channels.append(Delivery.Channel.SMS)
    return channels


def channel_still_wanted(
    user: Any, channel: str, preference: NotificationPreference | None = None
) -> bool:
    """Checked again at send time: the user may have switched a channel off meanwhile
    (`preference`: theirs, read just now)."""
    preference = preference or preference_for(user)
    if channel == Delivery.Channel.EMAIL:
        return preference.email_enabled and bool(email_address(user))
    return preference.sms_enabled and bool(phone_number(user))
