"""A full disk or a read-only database: 503 in Chinese (JSON on the APIs), nothing half-applied,
and the next request after the fault is lifted succeeds without any restart.

SQLite: `PRAGMA query_only` (the database refuses writes exactly as a read-only file does) and
`PRAGMA max_page_count` pinned to the current size (the file cannot grow: SQLITE_FULL, as on a
full disk; the demands written are long enough to need new pages). PostgreSQL:
`default_transaction_read_only` on the test database, as an operator would set it. The faults
are put on every connection opened while they last.
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import IntegrityError, OperationalError, connection
from django.db.backends.signals import connection_created
from django.test import Client

from gongzhi.api import services as api_services
from gongzhi.cases.models import Case, CaseEvent
from gongzhi.core.dbfaults import is_storage_fault
from gongzhi.core.models import AuditRecord
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _counts() -> tuple[int, int, int]:
    return Case.objects.count(), CaseEvent.objects.count(), AuditRecord.objects.count()


def _sqlite_pragmas(kind: str) -> list[str]:
    if kind == "readonly":
        return ["PRAGMA query_only = 1"]
    with connection.cursor() as cursor:  # a full disk: the file may not grow by one page
        cursor.execute("VACUUM")  # no free pages left inside the file either
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
    return [f"PRAGMA max_page_count = {pages}"]


@contextmanager
def storage_fault(kind: str) -> Iterator[None]:
    """While inside: the database refuses writes (`readonly`) or cannot grow (`full`)."""
    if connection.vendor == "postgresql":
        if kind == "full":
            pytest.skip("a full disk is simulated on SQLite only")
        name = connection.settings_dict["NAME"]
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        on, off = (
            ["SET default_transaction_read_only = on"],
            [
                "SET default_transaction_read_only = off",
                f'ALTER DATABASE "{name}" RESET default_transaction_read_only',
            ],
        )
    else:
        on = _sqlite_pragmas(kind)
        off = ["PRAGMA query_only = 0", "PRAGMA max_page_count = 4294967294"]

    def apply(sender, connection, **kwargs) -> None:  # noqa: ANN001 - signal signature
        with connection.cursor() as cursor:
            for sql in on:
                cursor.execute(sql)

    connection_created.connect(apply)
    if connection.connection is not None:
        apply(None, connection)
    try:
        yield
    finally:
        connection_created.disconnect(apply)
        connection.ensure_connection()
        with connection.cursor() as cursor:
            for sql in off:
                cursor.execute(sql)


def _resident(personas) -> Client:
    client = Client()
    assert client.login(username=personas.resident_a.username, password=PASSWORD)
    return client


def _report(client: Client, personas, title: str):
    return client.post(
        "/cases/new/",
        {
            "type": "help",
            "title": title,
            # Long enough to need new pages in the file (a full disk cannot give them).
            "content": "楼道灯坏了一周，晚上很黑。" * 300,
            "place": f"unit:{personas.unit_a.pk}",
        },
    )


@pytest.mark.parametrize("kind", ["readonly", "full"])
def test_a_page_write_answers_503_in_chinese_saves_nothing_and_recovers(
    personas, settings, tmp_path, kind
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = _resident(personas)
    before = _counts()
    with storage_fault(kind):
        response = _report(client, personas, "故障期间提交")
        assert response.status_code == 503
        assert response["Retry-After"].isdigit()
        assert response["Content-Type"].startswith("text/html")
        page = response.content.decode()
        assert "服务暂时不可用" in page
        assert "没有保存" in page
        # Reading still works while the database refuses writes.
        assert client.get("/cases/mine/").status_code == 200
    assert _counts() == before
    assert not Case.objects.filter(title="故障期间提交").exists()

    # Space (or write access) is back: the very next request succeeds, no restart.
    response = _report(client, personas, "恢复后提交")
    assert response.status_code == 302
    case = Case.objects.get(title="恢复后提交")
    assert case.events.filter(kind="filed").count() == 1
    assert AuditRecord.objects.filter(action="case.file", object_id=str(case.pk)).exists()


@pytest.mark.parametrize("kind", ["readonly", "full"])
def test_an_api_write_answers_503_json_and_recovers(personas, kind) -> None:
    secret = api_services.token_issue(actor=personas.grid_worker).secret
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    body = {
        "compound_id": personas.compound_a.pk,
        "channel": "grid_worker",
        "type": "help",
        "title": "电梯异响",
        "content": "2栋电梯运行时有异响，" * 350,
    }
    api.get("/api/v1/auth/me")  # the token's first use writes last_used_at: before the fault
    before = _counts()
    with storage_fault(kind):
        response = api.post("/api/v1/cases", body, content_type="application/json")
        assert response.status_code == 503
        assert response["Retry-After"].isdigit()
        assert response.json()["code"] == "storage_unavailable"
        assert "未保存" in response.json()["message"]
    assert _counts() == before

    response = api.post("/api/v1/cases", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Case.objects.filter(number=response.json()["number"]).exists()
    assert _counts()[0] == before[0] + 1


def test_open311_answers_json_too(personas) -> None:
    with storage_fault("readonly"):
        response = Client().post("/open311/v2/requests.json", {"api_key": "x", "service_code": "1"})
    # Whatever the endpoint wanted to write, the caller learns it in JSON, not an HTML page.
    assert response.status_code in (400, 401, 403, 404, 503)
    assert response["Content-Type"].startswith("application/json")


def test_other_database_errors_are_not_mistaken_for_a_storage_fault() -> None:
    assert not is_storage_fault(IntegrityError("UNIQUE constraint failed: cases_case.number"))
    assert not is_storage_fault(OperationalError("no such table: cases_case"))
    assert not is_storage_fault(ValueError("database or disk is full"))
    assert is_storage_fault(OperationalError("database or disk is full"))
    assert is_storage_fault(OperationalError("attempt to write a readonly database"))
    assert is_storage_fault(OperationalError('could not extend file "base/16384/2619"'))
    assert is_storage_fault(OperationalError("cannot execute INSERT in a read-only transaction"))
    full = sqlite3.OperationalError("x")
    full.sqlite_errorcode = 13  # SQLITE_FULL
    assert is_storage_fault(full)
