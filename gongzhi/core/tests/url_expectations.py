"""Who may open the /me/ pages: every signed-in user, each only their own notifications."""

from gongzhi.core.models import Notification
from gongzhi.core.notifications import notify
from gongzhi.org.testing import Personas
from gongzhi.org.url_expectations import EVERYONE_SIGNED_IN, Expect


def _resident_a_notification(p: Personas) -> Notification:
    note = notify(recipient=p.resident_a, kind="case.created", title="您的诉求已受理")
    assert note is not None
    return note


EXPECTATIONS: dict[str, Expect] = {
    "me:notifications": Expect(ok=EVERYONE_SIGNED_IN),
    "me:preferences": Expect(ok=EVERYONE_SIGNED_IN),
    "me:notifications_read_all": Expect(method="post", ok=EVERYONE_SIGNED_IN, ok_status=302),
    # Another user's notification does not exist for them: 404.
    "me:notification_read": Expect(
        method="post",
        kwargs=lambda p: {"pk": _resident_a_notification(p).pk},
        ok={"resident_a"},
        ok_status=302,
    ),
}
