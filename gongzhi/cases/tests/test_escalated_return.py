"""A case escalated for being late (S4) stays with its company for the work, under the level it
was taken to: the company may still 签收 and handle it, but may no longer 退单 it ("not our
jurisdiction" after missing the deadline). The level now holding it keeps every right.
One policy (`policies.can_return`) decides for the button, the web endpoint and the API."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import Client

from gongzhi.api.services import token_issue
from gongzhi.cases import policies, selectors, services, sweeps
from gongzhi.cases.choices import Level, SlaClass
from gongzhi.cases.models import Case, CaseEvent
from gongzhi.cases.workflow import Status
from gongzhi.core.models import Notification
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
REASON = "属于供电公司的线路，非本单位职责"
REFUSED_COMMUNITY = "该诉求已超时升级至社区，物业企业不能退单；如确非本单位职责，请联系社区"


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


DISPATCHED_AT = at(2026, 11, 2, 8, 0)  # a Monday; property class: due 3 Nov 08:00
ESCALATED_AT = at(2026, 11, 3, 8, 1)  # the sweep hands it to the community, due 4 Nov 08:01
LATER = at(2026, 11, 3, 9, 0)  # when the people below act


@pytest.fixture
def escalated(make, personas) -> Case:
    """Dispatched to company X, never signed for, escalated once: at the community now."""
    with time_machine.travel(DISPATCHED_AT, tick=False):
        case = make.dispatched(sla_class=SlaClass.PROPERTY)
    assert sweeps.sweep_breaches(ESCALATED_AT) == 1
    case.refresh_from_db()
    assert (case.status, case.assigned_level, case.escalation_level) == (
        Status.DISPATCHED,
        Level.COMMUNITY,
        1,
    )
    assert case.assigned_company == personas.company_x  # the company keeps the work
    return case


@pytest.fixture
def later():
    with time_machine.travel(LATER, tick=False):
        yield


def _snapshot(case: Case) -> tuple:
    return (
        Case.objects.filter(pk=case.pk).values().get(),
        CaseEvent.objects.filter(case=case).count(),
        Notification.objects.count(),
    )


def _web(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _api(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_issue(actor=user).secret}"})


def _page(client: Client, case: Case) -> str:
    response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_company_is_refused_with_the_reason_and_nothing_changes(
    escalated, personas, later
) -> None:
    before = _snapshot(escalated)
    with pytest.raises(PermissionDenied) as refused:
        services.case_return(case=escalated, actor=personas.property_a, reason=REASON)
    assert str(refused.value) == REFUSED_COMMUNITY
    assert _snapshot(escalated) == before


def test_the_company_is_offered_no_return_button_and_a_post_is_refused(
    escalated, personas, later
) -> None:
    client = _web(personas.property_a)
    page = _page(client, escalated)
    assert 'data-testid="action-return"' not in page
    assert 'data-testid="action-accept"' in page  # it still signs for the work
    assert 'data-testid="escalated"' in page and "超时升级至社区" in page
    # Told why the buttons are gone; the community holding the case is told only that it may
    # not hand the case back to the company (S4, test_escalation_hand_back.py).
    assert "物业企业继续办理，但不能退单、延期或申请终止；如有困难，请联系社区" in page
    community_page = _page(_web(personas.community_worker), escalated)
    assert "不能退单、延期或申请终止" not in community_page
    assert "社区不能将其改派回小区物业重新计时" in community_page
    before = _snapshot(escalated)
    response = client.post(
        f"/cases/{escalated.pk}/return", {"reason": REASON, "version": escalated.version}
    )
    assert response.status_code == 403
    assert REFUSED_COMMUNITY in response.content.decode()
    assert _snapshot(escalated) == before


def test_the_api_refuses_the_company_the_same_way(escalated, personas, later) -> None:
    before = _snapshot(escalated)
    response = _api(personas.property_a).post(
        f"/api/v1/cases/{escalated.pk}/return",
        {"reason": REASON, "expected_version": escalated.version},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["message"] == REFUSED_COMMUNITY
    assert _snapshot(escalated) == before


def test_the_community_holding_the_case_may_return_it(escalated, personas, later) -> None:
    client = _web(personas.community_worker)
    assert 'data-testid="action-return"' in _page(client, escalated)
    response = client.post(
        f"/cases/{escalated.pk}/return", {"reason": REASON, "version": escalated.version}
    )
    assert response.status_code == 302
    escalated.refresh_from_db()
    assert escalated.status == Status.RETURNED and escalated.assigned_company is None
    event = CaseEvent.objects.get(case=escalated, kind="returned")
    assert event.actor == personas.community_worker


def test_before_escalation_the_company_may_still_return(make, personas) -> None:
    case = make.dispatched(sla_class=SlaClass.PROPERTY)
    client = _web(personas.property_a)
    assert 'data-testid="action-return"' in _page(client, case)
    response = client.post(f"/cases/{case.pk}/return", {"reason": REASON, "version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.RETURNED and case.return_count == 1


def test_the_api_lets_the_community_return_an_escalated_case(escalated, personas, later) -> None:
    response = _api(personas.community_worker).post(
        f"/api/v1/cases/{escalated.pk}/return",
        {"reason": REASON},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == Status.RETURNED


@pytest.mark.parametrize(
    ("escalations", "level", "contact", "holder"),
    [(2, "街道", "街道", "street_officer"), (3, "职能部门", "街道", "street_officer")],
)
def test_higher_up_the_message_names_the_level_and_the_street(
    escalated, personas, escalations, level, contact, holder
) -> None:
    for n in range(1, escalations):  # each level misses its own 24 hours
        assert sweeps.sweep_breaches(ESCALATED_AT + dt.timedelta(days=n, minutes=n)) == 1
    escalated.refresh_from_db()
    assert escalated.escalation_level == escalations
    with pytest.raises(PermissionDenied) as refused:
        services.case_return(case=escalated, actor=personas.property_a, reason=REASON)
    assert str(refused.value) == (
        f"该诉求已超时升级至{level}，物业企业不能退单；如确非本单位职责，请联系{contact}"
    )
    # The street holds the case at both levels; the community no longer handles it.
    assert "return" in selectors.allowed_actions(getattr(personas, holder), escalated)
    assert "return" not in selectors.allowed_actions(personas.community_worker, escalated)
    services.case_return(case=escalated, actor=getattr(personas, holder), reason=REASON)
    assert escalated.status == Status.RETURNED


def test_the_company_still_signs_for_and_works_on_the_escalated_case(
    escalated, personas, later
) -> None:
    """Both the company and the community find it in their 待办; after the company's 签收 the
    page names the community as the level and the company as the one handling it."""
    p = personas
    for user in (p.property_a, p.community_worker):
        assert escalated in selectors.case_queue(user, bucket="todo"), user.username
    client = _web(p.property_a)
    response = client.post(f"/cases/{escalated.pk}/accept", {"version": escalated.version})
    assert response.status_code == 302
    escalated.refresh_from_db()
    assert escalated.status == Status.ACCEPTED and escalated.assigned_user == p.property_a
    assert escalated.assigned_level == Level.COMMUNITY  # still supervised by the community
    page = _page(client, escalated)
    assert f"社区 · {p.company_x.name}" in page and "超时升级至社区" in page
    assert 'data-testid="action-start"' in page and 'data-testid="action-return"' not in page
    for user in (p.property_a, p.community_worker):
        assert escalated in selectors.case_queue(user, bucket="todo"), user.username
    # Accepted, still escalated: the company may not return it now either.
    with pytest.raises(PermissionDenied):
        services.case_return(case=escalated, actor=p.property_a, reason=REASON)


def test_after_the_community_returned_it_only_the_street_hands_it_to_the_company_again(
    escalated, personas, later
) -> None:
    """The community's 退单 of the case escalated to it does not let the community hand it back
    to the late company with a fresh clock (S4, test_escalation_hand_back.py): the street does."""
    p = personas
    services.case_return(case=escalated, actor=p.community_worker, reason=REASON)
    services.case_assess(
        case=escalated,
        actor=p.community_worker,
        category="repair",
        sla_class=SlaClass.PROPERTY,
        urgency="normal",
    )
    with pytest.raises(PermissionDenied, match="社区不能将其交办给小区物业重新计时"):
        services.case_dispatch(
            case=escalated, actor=p.community_worker, level=Level.COMPOUND, company=p.company_x
        )
    services.case_dispatch(
        case=escalated, actor=p.street_officer, level=Level.COMPOUND, company=p.company_x
    )
    # A fresh start under the street's designation: no longer the late company (it may ask
    # for an extension again), but it may not refuse what the street designated.
    assert escalated.escalation_level == 0 and escalated.designated_by_street
    assert not policies.is_late_company(p.property_a, escalated)
    assert "return" not in selectors.allowed_actions(p.property_a, escalated)
    assert "accept" in selectors.allowed_actions(p.property_a, escalated)


def test_a_stale_page_posting_an_empty_return_is_told_it_can_no_longer_return(
    escalated, personas, later
) -> None:
    """The 退单 form of a page opened before the escalation, sent empty: not a bare 400 with
    its errors under a button the page no longer shows, but the case page saying why."""
    before = _snapshot(escalated)
    client = _web(personas.property_a)
    response = client.post(f"/cases/{escalated.pk}/return", {"version": escalated.version})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "您当前不能执行「退单」" in page
    assert _snapshot(escalated) == before
