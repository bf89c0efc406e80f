"""POST /api/v1/cases as a resident: the requester is their own account (no one else's name or
phone, refused with the field named, nothing saved), and their filings count on the web form's
per-account limit (GONGZHI_FILING_RATE_PER_MINUTE), answered with the API's 429 JSON error."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from gongzhi.api.tests.conftest import bearer
from gongzhi.cases.models import Case
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


def _body(personas, **extra) -> dict:
    return {
        "compound_id": personas.compound_b.pk,
        "type": "complaint",
        "title": "楼下夜间噪音",
        "content": "楼下商铺每晚十一点后仍在施工，影响休息",
        **extra,
    }


def _file(client: Client, body: dict):
    return client.post(f"{V1}/cases", body, content_type="application/json")


def test_a_resident_files_under_no_one_elses_name_or_phone(personas) -> None:
    client = bearer(personas.resident_b)
    response = _file(
        client, _body(personas, requester_name="冒名者", requester_phone="13711112222")
    )
    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "validation_failed"
    assert "居民只能以本人名义反映诉求" in error["fields"]["requester_name"][0]
    assert "联系电话为您账号登记的手机号" in error["fields"]["requester_phone"][0]
    assert not Case.objects.exists()

    # Another phone alone is refused too; nothing is kept.
    response = _file(client, _body(personas, requester_phone="13711112222"))
    assert response.status_code == 422 and set(response.json()["fields"]) == {"requester_phone"}
    assert not Case.objects.exists()


def test_a_resident_files_as_themselves(personas) -> None:
    client = bearer(personas.resident_b)
    for extra in ({}, {"requester_name": "李四", "requester_phone": "139 1234 5678"}):
        assert _file(client, _body(personas, **extra)).status_code == 201
    cases = Case.objects.all()
    assert {(c.requester_id, c.requester_name, c.requester_phone) for c in cases} == {
        (personas.resident_b.pk, "李四", "13912345678")
    }


def test_a_resident_without_a_phone_on_file_is_told_so(personas) -> None:
    person = personas.resident_b.person
    person.phone = ""
    person.save(update_fields=["phone"])
    response = _file(bearer(personas.resident_b), _body(personas, requester_phone="13711112222"))
    assert response.status_code == 422
    assert "您的账号未登记手机号" in response.json()["fields"]["requester_phone"][0]
    assert not Case.objects.exists()


def test_staff_still_file_on_someones_behalf(personas) -> None:
    body = _body(personas, channel="visit", requester_name="王五", requester_phone="13711112222")
    response = _file(bearer(personas.grid_worker), body)
    assert response.status_code == 201
    case = Case.objects.get()
    assert (case.requester_id, case.requester_name) == (None, "王五")


def test_the_web_form_files_as_the_resident_whatever_is_posted(personas) -> None:
    client = Client()
    assert client.login(username=personas.resident_b.username, password=PASSWORD)
    data = {"place": f"unit:{personas.unit_b.pk}", "type": "help", "title": ""}
    extra = {"requester_name": "冒名者", "requester_phone": "13711112222"}
    response = client.post("/cases/new/", {**data, "content": "电梯异响很久了", **extra})
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.requester_id, case.requester_name) == (personas.resident_b.pk, "李四")
    assert case.requester_phone == "13912345678"


@pytest.fixture
def one_window():
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, 30, tzinfo=dt.UTC), tick=False):
        yield


def test_the_api_counts_on_the_web_forms_filing_limit(personas, settings, one_window) -> None:
    settings.GONGZHI_FILING_RATE_PER_MINUTE = 2
    web = Client()
    assert web.login(username=personas.resident_b.username, password=PASSWORD)
    data = {"place": f"unit:{personas.unit_b.pk}", "type": "help", "title": ""}
    assert web.post("/cases/new/", {**data, "content": "楼道灯坏了"}).status_code == 302
    api = bearer(personas.resident_b)
    assert _file(api, _body(personas)).status_code == 201

    refused = _file(api, _body(personas, title="第三件事"))
    assert refused.status_code == 429 and int(refused["Retry-After"]) == 30
    assert refused.json() == {"code": "rate_limited", "message": "操作过于频繁，请 30 秒后再试"}
    assert Case.objects.count() == 2
    # The web form counts the API's filings too.
    assert web.post("/cases/new/", {**data, "content": "电梯异响"}).status_code == 429
    assert Case.objects.count() == 2


def test_staff_recording_calls_through_the_api_are_not_limited(
    personas, settings, one_window
) -> None:
    settings.GONGZHI_FILING_RATE_PER_MINUTE = 2
    client = bearer(personas.grid_worker)
    for n in range(4):
        body = _body(personas, channel="visit", requester_name=f"来访{n}", title=f"来访诉求{n}")
        assert _file(client, body).status_code == 201
    assert Case.objects.count() == 4
