"""/api/v1/: 改派, as on the web: the same service, policy and words; a refused request changes
nothing."""

import pytest

from gongzhi.api.tests.conftest import bearer
from gongzhi.cases import services
from gongzhi.cases.choices import Level
from gongzhi.cases.models import CaseEvent
from gongzhi.cases.workflow import Status
from gongzhi.core.models import Notification
from tests.security.state import changes, world_state

pytestmark = pytest.mark.django_db

REASON = "物业无法处理，改由社区协调"


def refused(user, path: str, body: dict, status: int, code: str) -> str:
    """POST, expect the refusal, check that nothing changed; the message for the user."""
    client = bearer(user)  # issuing the token is audited: before the snapshot
    before = world_state()
    response = client.post(f"/api/v1{path}", body, content_type="application/json")
    assert response.status_code == status, response.content
    error = response.json()
    assert error["code"] == code and error["message"], error
    assert not changes(before, world_state())
    return error["message"]


def test_the_community_takes_an_accepted_case_from_the_company(personas, make):
    p = personas
    case = make.accepted()
    response = bearer(p.community_worker).post(
        f"/api/v1/cases/{case.pk}/reassign",
        {"level": "community", "reason": REASON, "expected_version": case.version},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["status_label"]) == (Status.DISPATCHED, "已交办")
    case.refresh_from_db()
    assert body["version"] == case.version
    assert (case.assigned_level, case.assigned_company) == (Level.COMMUNITY, None)
    assert CaseEvent.objects.get(case=case, kind="reassigned").note == REASON
    assert Notification.objects.filter(recipient=p.property_a, kind="case.reassigned").exists()


def test_the_street_names_a_department_and_the_company_by_id(personas, make):
    p = personas
    case = make.dispatched()
    client = bearer(p.street_officer)
    to_department = {"level": "department", "department": "区房管局", "reason": REASON}
    response = client.post(
        f"/api/v1/cases/{case.pk}/reassign", to_department, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    back = {"level": "compound", "company_id": p.company_x.pk, "reason": "经协调仍由物业维修"}
    response = client.post(
        f"/api/v1/cases/{case.pk}/reassign", back, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    case.refresh_from_db()
    assert (case.assigned_level, case.assigned_company) == (Level.COMPOUND, p.company_x)
    assert case.designated_by_street


def test_a_community_worker_is_refused_a_case_the_street_designated(personas, make):
    p = personas
    case = make.assessed()
    services.case_dispatch(
        case=case, actor=p.street_officer, level=Level.COMPOUND, company=p.company_x
    )
    message = refused(
        p.community_worker,
        f"/cases/{case.pk}/reassign",
        {"level": "community", "reason": REASON},
        403,
        "forbidden",
    )
    assert message == "该诉求由街道承办或指定，社区不能改派；如需改派，请联系街道"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"level": "compound", "company_id": "X", "reason": "重新交给物业办理"},
            None,
            "该诉求已由该单位承办，请选择其他承办单位",
        ),
        ({"level": "community", "reason": "改派"}, "reason", "请写明改派理由（至少 5 个字）"),
        (
            {"level": "compound", "company_id": "Y", "reason": REASON},
            "company_id",
            "该物业企业不能承办此诉求",
        ),
    ],
)
def test_bad_requests_are_refused_in_chinese(personas, make, body, field, message):
    p = personas
    case = make.dispatched()
    companies = {"X": p.company_x.pk, "Y": p.company_y.pk}  # Y does not serve compound A
    body = {
        **body,
        **({"company_id": companies[body["company_id"]]} if "company_id" in body else {}),
    }
    said = refused(p.community_worker, f"/cases/{case.pk}/reassign", body, 422, "validation_failed")
    assert message in said


def test_a_missing_reason_and_a_resolved_case_are_refused(personas, make):
    p = personas
    case = make.dispatched()
    message = refused(
        p.community_worker,
        f"/cases/{case.pk}/reassign",
        {"level": "community"},
        422,
        "invalid_request",
    )
    assert "reason" in message
    resolved = make.resolved()
    message = refused(
        p.community_worker,
        f"/cases/{resolved.pk}/reassign",
        {"level": "community", "reason": REASON},
        409,
        "invalid_transition",
    )
    assert message == "当前状态「已处置待回访」下不能执行「改派」"
