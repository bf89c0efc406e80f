"""改派 says everything wrong with the form at once, in its own words (改派到小区须指定物业企业,
not 交办's): on the page, from the service and through the API; a refused 改派 changes nothing."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from gongzhi.api.tests.conftest import bearer
from gongzhi.cases import services
from gongzhi.cases.choices import Level
from gongzhi.cases.forms import DispatchForm, ReassignForm
from gongzhi.cases.models import Case, CaseEvent
from gongzhi.core.models import Notification
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
REASON_MISSING = "请填写改派理由"
REASON_SHORT = "请写明改派理由（至少 5 个字）"
NO_COMPANY = "改派到小区须指定物业企业"
NO_DEPARTMENT = "改派到职能部门须填写部门名称"
BAD_DEADLINE = "办理期限须晚于现在且不晚于时限规则规定的期限"


def _snapshot(case: Case) -> tuple:
    return (
        Case.objects.filter(pk=case.pk).values().get(),
        CaseEvent.objects.filter(case=case).count(),
        Notification.objects.count(),
    )


def _post(user, case: Case, data: dict) -> str:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    before = _snapshot(case)
    response = client.post(f"/cases/{case.pk}/reassign", {**data, "version": case.version})
    assert response.status_code == 400
    assert _snapshot(case) == before
    return response.content.decode()


def _too_late(case: Case) -> str:
    """A deadline past what the policy allows (the property class: 24 hours)."""
    return (case.due_at + dt.timedelta(days=3)).astimezone(SH).strftime("%Y-%m-%d %H:%M")


def test_the_page_shows_every_error_at_once(make, personas) -> None:
    case = make.dispatched()
    page = _post(
        personas.street_officer,
        case,
        {"level": "compound", "company": "", "reason": "", "due_at": _too_late(case)},
    )
    for message in (REASON_MISSING, NO_COMPANY, BAD_DEADLINE):
        assert message in page, message
    page = _post(personas.street_officer, case, {"level": "department", "reason": "改派"})
    assert REASON_SHORT in page and NO_DEPARTMENT in page


def test_the_form_lists_its_own_and_the_services_errors_per_field(make, personas) -> None:
    case = make.dispatched()
    form = ReassignForm(
        {"level": "compound", "reason": "", "due_at": _too_late(case), "version": case.version},
        case=case,
        options={"companies": [personas.company_x], "suggestion": None},
    )
    assert not form.is_valid()
    assert form.errors == {
        "reason": [REASON_MISSING],
        "company": [NO_COMPANY],
        "due_at": [BAD_DEADLINE],
    }


def test_the_service_raises_every_field_error_at_once(make, personas) -> None:
    case = make.dispatched()
    before = _snapshot(case)
    with pytest.raises(ValidationError) as refused:
        services.case_reassign(
            case=case,
            actor=personas.street_officer,
            level=Level.DEPARTMENT,
            department=" ",
            reason="改派",
            due_at=case.due_at + dt.timedelta(days=3),
        )
    assert refused.value.message_dict == {
        "reason": [REASON_SHORT],
        "department": [NO_DEPARTMENT],
        "due_at": [BAD_DEADLINE],
    }
    assert _snapshot(case) == before


def test_the_api_reports_every_field_error_at_once(make, personas) -> None:
    case = make.dispatched()
    client = bearer(personas.street_officer)
    before = _snapshot(case)
    response = client.post(
        f"/api/v1/cases/{case.pk}/reassign",
        {"level": "compound", "reason": "改派"},
        content_type="application/json",
    )
    assert response.status_code == 422
    error = response.json()
    assert error["fields"] == {"reason": [REASON_SHORT], "company": [NO_COMPANY]}
    assert NO_COMPANY in error["message"] and REASON_SHORT in error["message"]
    assert _snapshot(case) == before


def test_dispatch_keeps_its_own_words(make, personas) -> None:
    case = make.assessed()
    form = DispatchForm({"level": "compound"}, case=case)
    assert form.is_valid()  # its party is checked by the service, in 交办's words
    with pytest.raises(ValidationError) as refused:
        services.case_dispatch(case=case, actor=personas.community_worker, level=Level.COMPOUND)
    assert refused.value.message_dict == {"company": ["由小区承办须指定物业企业"]}
