"""S5: a resolved case nobody rates closes itself after `auto_close_days`; a day before, the
staff who may still phone the requester (the desk that handed it over) are told, once a round,
so that the loop does not close without a return visit unnoticed."""

import datetime as dt

import pytest

from gongzhi.cases import services, sweeps
from gongzhi.cases.choices import Category, Level, SlaClass, Urgency
from gongzhi.cases.models import CaseEvent, EventKind
from gongzhi.cases.tests.conftest import png
from gongzhi.cases.workflow import Status
from gongzhi.core.models import Notification

pytestmark = pytest.mark.django_db


def _warnings(user):
    return Notification.objects.filter(recipient=user, kind="case.visit_due")


def test_the_desk_is_warned_a_day_before_an_unrated_case_closes_itself(make, personas) -> None:
    p = personas
    case = make.resolved()
    due = case.visit_due_at
    assert sweeps.sweep_visit_warnings(due - dt.timedelta(days=2)) == 0
    assert sweeps.sweep_visit_warnings(due - dt.timedelta(hours=23)) == 1
    assert sweeps.sweep_visit_warnings(due - dt.timedelta(hours=22)) == 0  # once a round
    told = _warnings(p.community_worker).get()  # who dispatched it
    assert told.title == "诉求即将逾期自动办结，请尽快回访"
    assert case.number in told.body and "将自动办结" in told.body
    assert not _warnings(p.resident_a).exists() and not _warnings(p.property_a).exists()
    event = CaseEvent.objects.get(case=case, kind=EventKind.SLA_WARNED)
    assert "自动办结" in event.note and event.payload["visit_due_at"] == due.isoformat()
    assert sweeps.sweep_auto_close(due + dt.timedelta(minutes=1)) == 1
    case.refresh_from_db()
    assert case.status == Status.CLOSED


def test_a_rated_case_is_not_warned(make, personas) -> None:
    case = make.resolved()
    due = case.visit_due_at
    services.case_visit(
        case=case, actor=personas.resident_a, resolved=True, level="satisfied", via="online"
    )
    assert sweeps.sweep_visit_warnings(due - dt.timedelta(hours=1)) == 0
    assert not Notification.objects.filter(kind="case.visit_due").exists()


def test_a_handler_at_the_desk_is_not_the_one_warned(make, personas) -> None:
    """The community worker who handled the round may not record its visit (S5): the other
    staff over the compound are warned instead."""
    p = personas
    case = make.received()
    worker = p.community_worker
    services.case_assess(
        case=case,
        actor=worker,
        category=Category.REPAIR,
        sla_class=SlaClass.GENERAL,
        urgency=Urgency.NORMAL,
    )
    services.case_dispatch(case=case, actor=worker, level=Level.COMMUNITY)
    services.case_accept(case=case, actor=worker)
    services.case_start(case=case, actor=worker)
    services.case_resolve(case=case, actor=worker, public_reply="已处理。", evidence=[png()])
    assert sweeps.sweep_visit_warnings(case.visit_due_at - dt.timedelta(hours=1)) == 1
    assert not _warnings(worker).exists()
    assert _warnings(p.street_officer).exists()


def test_the_warning_runs_with_the_scheduler(make, personas) -> None:
    case = make.resolved()
    sweeps.run_all(case.visit_due_at - dt.timedelta(hours=2))
    assert _warnings(personas.community_worker).exists()
