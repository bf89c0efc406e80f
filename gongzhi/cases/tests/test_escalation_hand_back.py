"""S4: a case escalated for being late is not handed back below the level it reached by that
level. The community it reached may not 改派 (nor, after its own 退单, 交办) it back to the late
company with a fresh deadline, again and again, so that it never reaches the street; the company
keeps working on it, and its next breach climbs to the street. Only the street sends it down."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import Client

from gongzhi.cases import selectors, services, sweeps
from gongzhi.cases.choices import Level, SlaClass
from gongzhi.cases.forms import ReassignForm
from gongzhi.cases.models import Case, CaseEvent, EventKind
from gongzhi.cases.workflow import Status
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
DISPATCHED_AT = dt.datetime(2026, 11, 2, 8, 0, tzinfo=SH)  # property class: due 3 Nov 08:00
REASON = "物业已有维修方案，交回物业继续办理"
REFUSED = (
    "该诉求已超时升级至社区，社区不能将其改派回小区物业重新计时（物业企业仍可继续办理），"
    "再次超时将升级至街道；如需交回物业，请联系街道"
)


def _breach(case: Case) -> Case:
    """The sweep runs just after the case's deadline: one level up."""
    case.refresh_from_db()
    assert sweeps.sweep_breaches(case.due_at + dt.timedelta(minutes=1)) == 1
    case.refresh_from_db()
    return case


@pytest.fixture
def at_community(make, personas) -> Case:
    """Dispatched to company X, signed for, not done in 24 hours: escalated to the community."""
    with time_machine.travel(DISPATCHED_AT, tick=False):
        case = make.accepted(sla_class=SlaClass.PROPERTY)
    case = _breach(case)
    assert (case.assigned_level, case.escalation_level) == (Level.COMMUNITY, 1)
    assert case.assigned_company == personas.company_x
    return case


def _snapshot(case: Case) -> tuple:
    return Case.objects.filter(pk=case.pk).values().get(), CaseEvent.objects.count()


def test_the_community_cannot_hand_the_escalated_case_back_to_the_company(
    at_community, personas
) -> None:
    p, case = personas, at_community
    with time_machine.travel(case.due_at - dt.timedelta(hours=1), tick=False):
        before = _snapshot(case)
        with pytest.raises(PermissionDenied) as refused:
            services.case_reassign(
                case=case,
                actor=p.community_worker,
                level=Level.COMPOUND,
                company=p.company_x,
                reason=REASON,
            )
        assert str(refused.value) == REFUSED
        assert _snapshot(case) == before
        # The next breach climbs past the community: the loop of the audit ends at the street.
        case = _breach(case)
    assert (case.assigned_level, case.escalation_level) == (Level.STREET, 2)


def test_the_reassign_form_offers_the_community_only_its_own_level(at_community, personas) -> None:
    p, case = personas, at_community
    form = ReassignForm(
        case=case, options=selectors.dispatch_options(case), user=p.community_worker
    )
    assert form.levels == [Level.COMMUNITY]
    assert form.fields["level"].help_text == REFUSED
    street = ReassignForm(
        case=case, options=selectors.dispatch_options(case), user=p.street_officer
    )
    assert Level.COMPOUND in street.levels
    client = Client()
    assert client.login(username=p.community_worker.username, password=PASSWORD)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="limits-note"' in page and REFUSED in page


def test_taking_it_from_the_company_keeps_it_escalated(at_community, personas) -> None:
    """The community may do the work itself instead of the late company; the case stays
    escalated, so the community cannot then hand it down, and a breach reaches the street."""
    p, case = personas, at_community
    with time_machine.travel(case.due_at - dt.timedelta(hours=1), tick=False):
        services.case_reassign(
            case=case, actor=p.community_worker, level=Level.COMMUNITY, reason="社区直接协调处理"
        )
        assert case.escalation_level == 1 and case.assigned_company is None
        assert "reassign" not in selectors.allowed_actions(p.community_worker, case)
    assert _breach(case).assigned_level == Level.STREET


def test_a_return_and_a_new_dispatch_by_the_community_keep_it_escalated(
    at_community, personas
) -> None:
    p, case = personas, at_community
    with time_machine.travel(case.due_at - dt.timedelta(hours=1), tick=False):
        services.case_return(case=case, actor=p.community_worker, reason="需社区统一协调处理")
        services.case_assess(
            case=case,
            actor=p.community_worker,
            category="repair",
            sla_class=SlaClass.PROPERTY,
            urgency="normal",
        )
        page = Client()
        assert page.login(username=p.community_worker.username, password=PASSWORD)
        html = page.get(f"/cases/{case.pk}/").content.decode()
        assert "社区不能将其交办给小区物业重新计时" in html
        services.case_dispatch(case=case, actor=p.community_worker, level=Level.COMMUNITY)
        assert case.escalation_level == 1
        with pytest.raises(PermissionDenied, match="社区不能将其"):
            services.case_reassign(
                case=case,
                actor=p.community_worker,
                level=Level.COMPOUND,
                company=p.company_x,
                reason=REASON,
            )
    assert _breach(case).assigned_level == Level.STREET


def test_the_street_sends_it_back_down_and_a_new_breach_still_reaches_the_street(
    at_community, personas
) -> None:
    """The street, the level above, may hand the case back to the company with a fresh
    deadline; breached again it climbs to the community, which cannot hand it down, then to
    the street."""
    p, case = personas, at_community
    with time_machine.travel(case.due_at - dt.timedelta(hours=1), tick=False):
        services.case_reassign(
            case=case,
            actor=p.street_officer,
            level=Level.COMPOUND,
            company=p.company_x,
            reason=REASON,
        )
    assert (case.assigned_level, case.escalation_level) == (Level.COMPOUND, 0)
    case = _breach(case)
    assert (case.assigned_level, case.escalation_level) == (Level.COMMUNITY, 1)
    assert "reassign" not in selectors.allowed_actions(p.community_worker, case)
    case = _breach(case)
    assert (case.assigned_level, case.escalation_level) == (Level.STREET, 2)
    escalated = CaseEvent.objects.filter(case=case, kind=EventKind.ESCALATED)
    assert [e.payload["to"] for e in escalated.order_by("id")] == [
        Level.COMMUNITY,
        Level.COMMUNITY,
        Level.STREET,
    ]


def test_a_new_round_starts_the_climb_afresh(at_community, personas) -> None:
    """Resolved, then reopened by an unsatisfied visit: the desk may hand round 2 to the
    company again."""
    from gongzhi.cases.tests.conftest import png

    p, case = personas, at_community
    services.case_start(case=case, actor=p.property_a)
    services.case_resolve(case=case, actor=p.property_a, public_reply="已修复。", evidence=[png()])
    services.case_visit(
        case=case, actor=p.grid_worker, resolved=False, level="dissatisfied", via="phone"
    )
    assert case.status == Status.REOPENED and case.escalation_level == 0
    services.case_dispatch(
        case=case, actor=p.community_worker, level=Level.COMPOUND, company=p.company_x
    )
    assert case.assigned_level == Level.COMPOUND
