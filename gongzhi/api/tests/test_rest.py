"""/api/v1/: tokens, scoping, idempotency, error shape, hostile input, rate limits, docs."""

import datetime as dt
import json
import re

import pytest
import time_machine
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from gongzhi.api.models import ApiToken, IdempotencyRecord
from gongzhi.api.tests.conftest import bearer
from gongzhi.cases.models import Case
from gongzhi.cases.workflow import Status
from gongzhi.org.testing import PASSWORD

V1 = "/api/v1"


def error_of(response) -> dict:
    body = response.json()
    assert set(body) >= {"code", "message"} and body["message"], body
    return body


@pytest.mark.django_db
def test_token_issue_use_and_revoke(personas):
    client = Client()
    response = client.post(
        f"{V1}/auth/token",
        {"username": "resident_a", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    secret = response.json()["token"]
    stored = ApiToken.objects.get(user=personas.resident_a)
    assert stored.digest != secret and secret not in stored.digest  # only a hash is kept
    auth = {"Authorization": f"Bearer {secret}"}
    assert client.get(f"{V1}/auth/me", headers=auth).json()["username"] == "resident_a"
    assert client.post(f"{V1}/auth/revoke", headers=auth).status_code == 200
    refused = client.get(f"{V1}/auth/me", headers=auth)
    assert refused.status_code == 401 and error_of(refused)["code"] == "unauthorized"


@pytest.mark.django_db
def test_wrong_password_is_401_in_the_error_shape(personas):
    response = Client().post(
        f"{V1}/auth/token", {"username": "resident_a", "password": "nope"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_credentials"
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_tokens_expire_after_the_configured_days(personas, settings):
    settings.GONGZHI_API_TOKEN_DAYS = 2
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False) as traveller:
        client = bearer(personas.resident_a)
        assert client.get(f"{V1}/auth/me").status_code == 200
        traveller.shift(dt.timedelta(days=2, seconds=1))
        assert client.get(f"{V1}/auth/me").status_code == 401


@pytest.mark.django_db
def test_out_of_scope_reads_are_404(personas, make):
    case_b = make.received(compound=personas.compound_b, requester=personas.resident_b)
    client = bearer(personas.resident_a)
    for url in (
        f"{V1}/cases/{case_b.pk}",
        f"{V1}/cases/{case_b.pk}/events",
        f"{V1}/org/units/{personas.unit_b.pk}",
        f"{V1}/org/compounds/{personas.compound_c.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert error_of(response)["code"] == "not_found"
    assert client.get(f"{V1}/cases").json()["items"] == []


@pytest.mark.django_db
def test_out_of_scope_writes_change_nothing(personas, make):
    case = make.dispatched()  # compound A, assigned to company X
    before = Case.objects.values().get(pk=case.pk)
    response = bearer(personas.property_b).post(
        f"{V1}/cases/{case.pk}/accept", {}, content_type="application/json"
    )
    assert response.status_code == 404
    response = bearer(personas.resident_a).post(
        f"{V1}/cases/{case.pk}/accept", {}, content_type="application/json"
    )
    assert response.status_code == 403  # visible to the requester, but not theirs to handle
    assert error_of(response)["code"] == "forbidden"
    assert Case.objects.values().get(pk=case.pk) == before


@pytest.mark.django_db
def test_a_workflow_action_goes_through_the_service(personas, make):
    case = make.dispatched()
    client = bearer(personas.property_a)
    response = client.post(
        f"{V1}/cases/{case.pk}/accept", {"expected_version": case.version},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.ACCEPTED
    stale = client.post(
        f"{V1}/cases/{case.pk}/start", {"expected_version": case.version},
        content_type="application/json",
    )  # fmt: skip
    assert stale.status_code == 409 and error_of(stale)["code"] == "case_changed"
    again = client.post(f"{V1}/cases/{case.pk}/accept", {}, content_type="application/json")
    assert again.status_code == 409 and error_of(again)["code"] == "invalid_transition"


def _file(client, personas, key="k-1", title="电梯异响"):
    body = {"compound_id": personas.compound_a.pk, "type": "help", "title": title,
            "content": "2号电梯运行有异响"}  # fmt: skip
    return client.post(
        f"{V1}/cases", body, content_type="application/json", headers={"Idempotency-Key": key}
    )


@pytest.mark.django_db
def test_idempotent_create_replays_refuses_other_bodies_and_in_flight_duplicates(personas):
    client = bearer(personas.resident_a)
    first = _file(client, personas)
    assert first.status_code == 201, first.content
    replay = _file(client, personas)
    assert replay.status_code == 201 and replay.content == first.content
    assert replay["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1
    other = _file(client, personas, title="另一件事")
    assert other.status_code == 422 and error_of(other)["code"] == "idempotency_key_reused"


@pytest.mark.django_db
def test_a_request_cut_off_before_its_answer_is_stored_can_be_retried(personas, monkeypatch):
    """The operation and its stored answer commit together: cut between them, neither is kept,
    and the retry with the same key files the case once (the key is never stuck)."""
    client = bearer(personas.resident_a)
    real_create = IdempotencyRecord.objects.create

    def storage_fails(**fields):
        raise OperationalError("database or disk is full")

    monkeypatch.setattr(IdempotencyRecord.objects, "create", storage_fails)
    cut = _file(client, personas, key="retry-me")
    assert cut.status_code == 503
    assert Case.objects.count() == 0 and not IdempotencyRecord.objects.exists()
    monkeypatch.setattr(IdempotencyRecord.objects, "create", real_create)
    retry = _file(client, personas, key="retry-me")
    assert retry.status_code == 201, retry.content
    assert Case.objects.count() == 1
    assert _file(client, personas, key="retry-me").content == retry.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        '{"compound_id": 1, "type": "help", "title": "a\\u0000b", "content": "x"}',
        '{"compound_id": 1, "type": "help", "title": "\\ud800", "content": "x"}',
        '{"compound_id": 1, "type": "help", "title": "' + "长" * 5000 + '", "content": "x"}',
        '{"compound_id": "一", "type": "help", "title": "t", "content": "x"}',
        '{"compound_id": 99999999999999999999999, "type": "help", "title": "t", "content": "x"}',
        '{"compound_id": 1, "type": "nonsense", "title": "t", "content": "x"}',
        '{"compound_id": 1, "type": "help", "title": ["t"], "content": "x"}',
        "not json at all",
        "[]",
    ],
)
def test_hostile_input_is_4xx_and_writes_nothing(personas, body):
    response = bearer(personas.street_officer).post(
        f"{V1}/cases", body, content_type="application/json"
    )
    assert 400 <= response.status_code < 500, response.content
    error_of(response)
    assert not Case.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/cases/99999999999999999999999",
        "/cases/-1",
        "/cases/abc/events",
        "/cases?limit=100000",
        "/cases?cursor=%00",
        "/cases?cursor=bm90IGpzb24",
        "/cases?q=%00",
        "/cases?status=nope",
        "/org/units/0",
    ],
)
def test_hostile_paths_and_queries_are_4xx(personas, url):
    response = bearer(personas.street_officer).get(V1 + url)
    assert 400 <= response.status_code < 500, (url, response.content)
    error_of(response)


@pytest.mark.django_db
def test_cursor_pagination_walks_every_case_once(personas, make):
    made = [make.received(title=f"诉求{i}") for i in range(5)]
    client = bearer(personas.street_officer)
    seen, cursor = [], None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get(f"{V1}/cases", query).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == sorted((c.pk for c in made), reverse=True)


@pytest.mark.django_db
def test_rate_limit_is_429_with_retry_after(personas, settings):
    settings.GONGZHI_API_RATE_PER_MINUTE = 3
    client = bearer(personas.resident_a)
    statuses = [client.get(f"{V1}/auth/me").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get(f"{V1}/auth/me")
    assert error_of(limited)["code"] == "rate_limited" and int(limited["Retry-After"]) > 0
    assert bearer(personas.resident_b).get(f"{V1}/auth/me").status_code == 200


@pytest.mark.django_db
def test_rate_limit_counts_in_the_database_shared_by_processes(personas, settings):
    from gongzhi.core.models import RateCounter
    from gongzhi.core.ratelimit import counted, hit, sweep_expired_counters

    settings.GONGZHI_API_RATE_PER_MINUTE = 2
    client = bearer(personas.resident_a)
    assert [client.get(f"{V1}/auth/me").status_code for _ in range(2)] == [200, 200]
    bucket = f"api-user:{personas.resident_a.pk}"
    assert counted(bucket) == 2  # one row in the database, whichever process counted
    # Another worker counts in the same row: this client is now over the limit.
    assert hit(bucket, 10) is None and counted(bucket) == 3
    assert client.get(f"{V1}/auth/me").status_code == 429
    # An hour later the scheduler removes the finished window; a new window starts from zero.
    later = timezone.now() + dt.timedelta(hours=2)
    rows = RateCounter.objects.count()
    assert rows > 0 and sweep_expired_counters(later) == rows
    assert counted(bucket) == 0
    assert client.get(f"{V1}/auth/me").status_code == 200


@pytest.mark.django_db
def test_openapi_document_and_local_docs(client):
    document = client.get(f"{V1}/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/cases/{case_id}/resolve" in document["paths"]
    assert "/api/v1/auth/token" in document["paths"]
    docs = client.get(f"{V1}/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "docs must not load a CDN"
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200
    assert (
        json.loads(re.search(r'id="swagger-settings">(.*?)</script>', html, re.S)[1])[
            "validatorUrl"
        ]
        is None
    )
