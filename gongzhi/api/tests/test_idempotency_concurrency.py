"""Idempotency-Key under real concurrency on PostgreSQL: two requests with one key, each on its
own thread and database connection, at the same time. One runs, the other is told 409; the
replay afterwards returns what the one that ran answered, and exactly one case exists."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from gongzhi.api import services
from gongzhi.api.models import IdempotencyRecord
from gongzhi.cases import services as case_services
from gongzhi.cases.models import Case
from gongzhi.cases.sla import ensure_default_policies

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent sessions"),
]


@pytest.fixture
def filing(personas, settings):
    ensure_default_policies()  # a transactional test starts from a flushed database
    settings.GONGZHI_TRIAGE_AT_FILING = "inline"
    secret = services.token_issue(actor=personas.resident_a).secret
    body = {"compound_id": personas.compound_a.pk, "type": "help", "title": "电梯异响",
            "content": "2号电梯运行有异响"}  # fmt: skip

    def post(key: str):
        response = Client().post(
            "/api/v1/cases",
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}", "Idempotency-Key": key},
        )
        return response.status_code, response.content, response.get("Idempotent-Replayed")

    return post


def _at_once(job, workers: int = 2) -> list:
    barrier = threading.Barrier(workers)
    results: list = [None] * workers

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = job(i)
        except Exception as exc:  # noqa: BLE001 - the outcome is what we compare
            results[i] = exc
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_duplicate_gets_409_and_the_replay_the_stored_response(filing, monkeypatch):
    """The first request is held inside the case service until the second has its answer, so
    the two overlap for certain; which thread is first is up to the scheduler."""
    real_case_file = case_services.case_file
    inside = threading.Event()
    answered = threading.Event()

    def held_case_file(**kwargs):
        inside.set()
        answered.wait(timeout=20)  # never released if both got in: then two cases exist
        return real_case_file(**kwargs)

    monkeypatch.setattr(case_services, "case_file", held_case_file)

    def job(i: int):
        result = filing("same-key")
        if result[0] != 201:
            answered.set()  # the duplicate has been told: let the first one finish
        return result

    results = _at_once(job)
    statuses = sorted(status for status, _, _ in results)
    assert statuses == [201, 409], results
    assert inside.is_set()
    refused = next(content for status, content, _ in results if status == 409)
    assert b'"idempotency_in_progress"' in refused
    created = next(content for status, content, _ in results if status == 201)
    assert Case.objects.count() == 1

    monkeypatch.setattr(case_services, "case_file", real_case_file)
    status, content, replayed = filing("same-key")
    assert (status, content, replayed) == (201, created, "true")
    assert Case.objects.count() == 1
    record = IdempotencyRecord.objects.get(key="same-key")
    assert record.response_status == 201 and bytes(record.response_body) == created


@pytest.mark.django_db(transaction=True)
def test_racing_duplicates_never_write_twice_and_never_fail(filing):
    """Unheld races, several rounds: whichever way the timing falls (409 while in flight, or a
    replay once done), each key files exactly one case and nobody gets a server error."""
    for round_no in range(5):
        key = f"race-{round_no}"
        results = _at_once(lambda i, key=key: filing(key))
        statuses = sorted(status for status, _, _ in results)
        assert statuses in ([201, 201], [201, 409]), results
        if statuses == [201, 201]:  # the later one was a replay of the earlier one
            assert results[0][1] == results[1][1]
            assert sorted(str(r[2]) for r in results) == ["None", "true"]
    assert Case.objects.count() == 5
