"""Concurrent runners on PostgreSQL: compare-and-swap lets exactly one of them win."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection, connections

from gongzhi.cases import services, sweeps
from gongzhi.cases.choices import SlaClass
from gongzhi.cases.models import Case, CaseEvent, CaseRating
from gongzhi.cases.services.closure import AlreadyRated
from gongzhi.cases.workflow import CaseChanged

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent sessions"),
]


def _race(workers: int, job) -> list:
    barrier = threading.Barrier(workers)
    results: list = [None] * workers

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = job(i)
        except Exception as exc:  # noqa: BLE001 - the outcome is what we compare
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_four_sweepers_escalate_a_breach_exactly_once(make) -> None:
    start = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        cases = [make.accepted(sla_class=SlaClass.PROPERTY) for _ in range(3)]
    now = start + dt.timedelta(hours=25)
    results = _race(4, lambda i: sweeps.sweep_breaches(now))
    assert sum(results) == 3, results  # three breaches, each escalated once in total
    for case in cases:
        case.refresh_from_db()
        assert case.escalation_level == 1 and case.breach_count == 1
        assert CaseEvent.objects.filter(case=case, kind="escalated").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_handlers_signing_at_once_one_gets_case_changed(make, personas) -> None:
    case = make.dispatched()
    # Both read the case before either acts (as two open forms would): read inside the race, a
    # slow thread could see the other's accepted case and fail on the transition instead.
    copies = [Case.objects.select_related("compound").get(pk=case.pk) for _ in range(2)]

    def accept(i: int):
        return services.case_accept(case=copies[i], actor=personas.property_a).status

    results = _race(2, accept)
    assert sum(isinstance(r, CaseChanged) for r in results) == 1, results
    assert "accepted" in results
    assert CaseEvent.objects.filter(case=case, kind="accepted").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_ratings_of_a_round_at_once_one_is_told_it_was_rated(make, personas) -> None:
    """The requester rates online while a worker records the phone visit: one rating counts,
    the other is told the round is rated (it was a database error)."""
    case = make.resolved()
    copies = [Case.objects.select_related("compound").get(pk=case.pk) for _ in range(2)]
    actors = [personas.resident_a, personas.community_worker]

    def visit(i: int):
        moved = services.case_visit(
            case=copies[i], actor=actors[i], resolved=True, level="satisfied", via="phone"
        )
        return moved.status

    results = _race(2, visit)
    assert results.count("closed") == 1, results
    [refused] = [r for r in results if r != "closed"]
    assert isinstance(refused, AlreadyRated), results
    assert CaseRating.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_the_sweeps_can_use_the_partial_indexes(make) -> None:
    """The sweep queries match the partial indexes' conditions, so their cost follows the number
    of due cases, not the size of the table."""
    from django.utils import timezone

    make.accepted()
    now = timezone.now()
    breach_query = sweeps.breach_candidates(now)
    warn_query = sweeps.warning_candidates(now)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        assert "case_open_due_idx" in breach_query.explain()
        assert "case_open_warn_idx" in warn_query.explain()
