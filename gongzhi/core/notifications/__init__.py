"""In-app, email and SMS notifications (contract: notes/notifications-api.md).

from gongzhi.core.notifications import notify
notify(recipient=user, kind="case.assigned", title=..., body=..., link=..., dedupe_key=...)
"""

from gongzhi.core.notifications.kinds import KINDS, URGENT_KINDS, register_kind
from gongzhi.core.notifications.services import notify, notify_many

__all__ = ["KINDS", "URGENT_KINDS", "notify", "notify_many", "register_kind"]
