"""In-app, email and SMS notifications (contract: notes/notifications-api.md).

from gongzhi.core.notifications import notify
notify(recipient=user, kind="case.assigned", title=..., body=..., link=..., dedupe_key=...)
sms_to_phone(phone="13800001234", kind=..., text=..., title=..., dedupe_key=...)  # no account
"""

from gongzhi.core.notifications.kinds import KINDS, URGENT_KINDS, register_kind
from gongzhi.core.notifications.phone import sms_answered, sms_to_phone
from gongzhi.core.notifications.services import (
    notification_answered,
    notifications_answered,
    notify,
    notify_many,
)

__all__ = [
    "KINDS",
    "URGENT_KINDS",
    "notification_answered",
    "notifications_answered",
    "notify",
    "notify_many",
    "register_kind",
    "sms_answered",
    "sms_to_phone",
]
