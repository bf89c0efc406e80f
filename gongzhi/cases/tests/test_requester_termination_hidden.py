"""A company's 申请终止 and its 驳回 are between the company and its supervisors, like a 申请延期:
the requester (their page, the receipt's link, the API) reads neither, staff read both; an
approved termination (终止, with its reason) is the requester's to read, and any other 督办 too."""

import pytest
from django.test import Client

from gongzhi.api.tests.conftest import bearer
from gongzhi.cases import services
from gongzhi.cases.models import Case
from gongzhi.cases.tracking import tracking_token
from gongzhi.cases.workflow import Status
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

ASKED = "诉求人已搬离，无法联系"
REFUSED = "经核实诉求人仍在住，请继续办理"


def _page(user, case: Case) -> str:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def _link(case: Case) -> str:
    return Client().get(f"/track/{case.number}/{tracking_token(case)}/").content.decode()


def _events(user, case: Case) -> list[dict]:
    response = bearer(user).get(f"/api/v1/cases/{case.pk}/events")
    assert response.status_code == 200
    return response.json()


def test_the_requester_reads_no_termination_request_nor_its_refusal(make, personas) -> None:
    case = make.in_progress()
    services.case_request_termination(case=case, actor=personas.property_a, reason=ASKED)
    services.case_reject_termination(case=case, actor=personas.community_worker, reason=REFUSED)
    services.case_supervise(case=case, actor=personas.community_worker, reason="请尽快处理")
    for shown in (_page(personas.resident_a, case), _link(case)):
        assert "申请终止" not in shown and "驳回终止申请" not in shown
        assert ASKED not in shown and REFUSED not in shown
        assert "开始办理" in shown and "请尽快处理" in shown  # the rest, a plain 督办 too
    events = _events(personas.resident_a, case)
    assert "termination_requested" not in {e["kind"] for e in events}
    assert not any(ASKED in e["note"] or REFUSED in e["note"] for e in events)
    assert any("请尽快处理" in e["note"] for e in events if e["kind"] == "supervised")

    # Staff (the company and its supervisors) still read the request and its refusal.
    for user in (personas.community_worker, personas.property_a):
        page = _page(user, case)
        assert "申请终止" in page and ASKED in page and f"驳回终止申请：{REFUSED}" in page
    notes = [e["note"] for e in _events(personas.community_worker, case)]
    assert ASKED in notes and f"驳回终止申请：{REFUSED}" in notes


def test_an_approved_termination_and_its_reason_stay_visible(make, personas) -> None:
    case = make.in_progress()
    services.case_request_termination(case=case, actor=personas.property_a, reason=ASKED)
    services.case_terminate(case=case, actor=personas.community_worker, reason="核实诉求人已搬离")
    assert case.status == Status.TERMINATED
    page = _page(personas.resident_a, case)
    assert "终止理由：核实诉求人已搬离" in page and "申请终止" not in page and ASKED not in page
    kinds = [e["kind"] for e in _events(personas.resident_a, case)]
    assert "terminated" in kinds and "termination_requested" not in kinds
