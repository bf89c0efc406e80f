"""Two sweepers at once never send a message twice (compare-and-swap claims).

Runs on PostgreSQL only: it needs real concurrent sessions (threads with their own
connections); SQLite serialises writers anyway.
"""

import datetime as dt
import threading
import time
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from gongzhi.core.models import Delivery
from gongzhi.core.notifications import notify
from gongzhi.core.notifications.sweeps import deliver_pending


class SlowRecordingSms:
    """Records every send; slow enough that two sweepers overlap on the same rows."""

    sent: list[str] = []
    lock = threading.Lock()

    def send(self, message) -> str:
        time.sleep(0.005)
        with self.lock:
            self.sent.append(message.params["title"])
        return "ok"


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL sessions")
@pytest.mark.django_db(transaction=True)
def test_three_concurrent_sweepers_send_each_message_exactly_once(personas, settings):
    settings.GONGZHI_SMS_BACKEND = (
        "gongzhi.core.tests.test_notifications_concurrency.SlowRecordingSms"
    )
    SlowRecordingSms.sent = []
    # Written during quiet hours, so nothing goes out on commit: the sweepers get every row.
    late = dt.datetime(2026, 3, 10, 23, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    morning = late + dt.timedelta(hours=9)
    with time_machine.travel(late, tick=False):
        for i in range(30):
            for user in (personas.resident_a, personas.resident_b):
                title = f"通知{user.pk}-{i}"
                notify(recipient=user, kind="case.assigned", title=title, dedupe_key=str(i))
    assert Delivery.objects.filter(status="pending").count() == 60

    barrier = threading.Barrier(3)
    claimed: list[int] = []
    errors: list[BaseException] = []

    def sweeper() -> None:
        try:
            barrier.wait()
            claimed.append(deliver_pending(morning))
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweeper) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    counts = Counter(SlowRecordingSms.sent)
    assert len(counts) == 60
    assert set(counts.values()) == {1}, [t for t, n in counts.items() if n > 1]
    assert sum(claimed) == 60
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
