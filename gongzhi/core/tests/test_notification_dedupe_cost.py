"""What `notify_many` costs whatever the number of notifications already sent: its read of
used dedupe keys goes through the partial unique index, and a key nobody can have used yet
(`fresh`) is not read at all."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from gongzhi.core.models import Delivery, Notification
from gongzhi.core.notifications import notify_many

pytestmark = pytest.mark.django_db


def _desk(personas) -> list:
    return [personas.community_worker, personas.street_officer, personas.grid_worker]


def _dedupe_reads(run) -> list[tuple[str, tuple]]:
    """The statements `run` sends that read notifications (not those that write them)."""
    seen: list[tuple[str, tuple]] = []

    def record(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("SELECT") and '"core_notification"' in sql:
            seen.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        run()
    return seen


def _plan(sql: str, params: tuple) -> str:
    """The plan of a notification read, as at scale: on PostgreSQL a few rows make a table scan
    cheapest, so scans are off and the plan shows whether the index can answer it at all."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " / ".join(str(row[-1]) for row in cursor.fetchall())
        transaction.set_rollback(True)
    return plan


def test_the_dedupe_read_uses_the_partial_index_and_sorts_nothing(personas) -> None:
    """At 50,000 notifications of the desk, a read of every one of them took 46 ms per notice
    on SQLite: it must look up (recipient, key) in `notification_dedupe`."""
    desk = _desk(personas)
    notify_many(recipients=desk[:1], kind="case.created", title="收到新的居民诉求", dedupe_key="k")
    reads = _dedupe_reads(
        lambda: notify_many(
            recipients=desk, kind="case.created", title="收到新的居民诉求", dedupe_key="k"
        )
    )
    assert len(reads) == 1
    plan = _plan(*reads[0])
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan
    if connection.vendor == "sqlite":
        # SQLite used the partial index only with its condition written in the query. On
        # PostgreSQL, which always could, the planner may rather read the recipients' own
        # index on a table this small (as it does in the full suite): the name is not pinned.
        assert "notification_dedupe" in plan, plan
    # The one already told is skipped; the others are told once.
    assert Notification.objects.filter(dedupe_key="k").count() == 3


def test_a_fresh_key_is_written_without_a_read_or_savepoint(personas) -> None:
    desk = _desk(personas)
    with CaptureQueriesContext(connection) as captured:
        written = notify_many(
            recipients=desk,
            kind="case.created",
            title="收到新的居民诉求",
            link="/cases/1/",
            dedupe_key="case:1:created",
            fresh=True,
        )
    statements = [q["sql"] for q in captured.captured_queries]
    assert len(written) == 3
    assert {n.recipient_id for n in Notification.objects.filter(dedupe_key="case:1:created")} == {
        u.pk for u in desk
    }
    assert not [s for s in statements if s.startswith("SELECT") and '"core_notification"' in s]
    assert not [s for s in statements if "SAVEPOINT" in s]


def test_a_fresh_key_already_used_fails_the_whole_transaction_loudly(personas) -> None:
    """`fresh` is a promise; broken, nothing is written twice nor half: the caller's
    transaction fails with the duplicate."""
    desk = _desk(personas)
    notify_many(recipients=desk[:1], kind="case.created", title="收到", dedupe_key="case:2:created")
    before = (Notification.objects.count(), Delivery.objects.count())
    with pytest.raises(IntegrityError), transaction.atomic():
        notify_many(
            recipients=desk,
            kind="case.created",
            title="收到",
            dedupe_key="case:2:created",
            fresh=True,
        )
    assert (Notification.objects.count(), Delivery.objects.count()) == before


def test_without_fresh_a_rerun_still_tells_nobody_twice(personas) -> None:
    desk = _desk(personas)
    for _ in range(2):
        notify_many(recipients=desk, kind="case.created", title="收到", dedupe_key="case:3:created")
    assert Notification.objects.filter(dedupe_key="case:3:created").count() == 3
