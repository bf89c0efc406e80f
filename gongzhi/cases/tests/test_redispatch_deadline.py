"""交办期限: a case handed back to the desk (退单 by the party it was dispatched to, or 重办
after an unsatisfied return visit) must be handed over again within its class's response
window; the queue shows the clock, the scheduler warns and then records one 交办超时 event
and wakes the community and street staff once, and 交办 stops the clock."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from gongzhi.cases import selectors, services, sweeps
from gongzhi.cases.choices import Category, Level, RatingLevel, RatingVia, SlaClass, Urgency
from gongzhi.cases.models import Case, CaseEvent
from gongzhi.cases.workflow import Status
from gongzhi.core.models import Notification
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
DAY = dt.datetime(2026, 11, 3, 23, 0, tzinfo=SH)  # late evening: the staff's quiet hours
KIND = "case.dispatch_overdue"


def _returned(make, personas, when: dt.datetime = DAY, **kw) -> Case:
    """A 物业类 case (15 minutes' response window) the company sends back at `when`."""
    with time_machine.travel(when - dt.timedelta(minutes=30), tick=False):
        case = make.dispatched(**kw)
    with time_machine.travel(when, tick=False):
        return services.case_return(
            case=case, actor=personas.property_a, reason="道路属市政管辖，非物业职责"
        )


def _queue(user, when: dt.datetime, params: dict | None = None) -> str:
    with time_machine.travel(when, tick=False):
        client = Client()
        assert client.login(username=user.username, password=PASSWORD)
        return client.get("/cases/", params or {}).content.decode()


def _overdue(case: Case) -> int:
    return CaseEvent.objects.filter(case=case, kind="dispatch_overdue").count()


def test_a_returned_case_must_be_handed_over_again_in_time(make, personas) -> None:
    case = _returned(make, personas)
    assert case.status == Status.RETURNED
    assert case.assess_due_at == DAY + dt.timedelta(minutes=15)
    user = personas.community_worker
    page = _queue(user, DAY + dt.timedelta(minutes=5))
    assert case.number in page and "待重新交办，剩余 10 分钟" in page
    assert sweeps.sweep_assess_breaches(DAY + dt.timedelta(minutes=14)) == 0
    late = DAY + dt.timedelta(minutes=20)
    # Red under 已超时 before any sweep has run.
    page = _queue(user, late, {"overdue": "on"})
    assert case.number in page and "交办已超时 5 分钟" in page and "gz-overdue" in page
    assert selectors.queue_counts(user, now=late)["overdue"] == 1
    assert sweeps.sweep_assess_breaches(late) == 1
    assert sweeps.sweep_assess_breaches(late + dt.timedelta(hours=1)) == 0  # once
    event = CaseEvent.objects.get(case=case, kind="dispatch_overdue")
    assert event.get_kind_display() == "交办超时"
    assert "超过交办时限（15分钟" in event.note and "仍未重新交办" in event.note
    told = Notification.objects.filter(kind=KIND)
    assert sorted(n.recipient.username for n in told) == sorted(
        [user.username, personas.street_officer.username]
    )
    notice = told.get(recipient=user)
    assert f"诉求 {case.number} 退单或重办后已超过交办时限（15分钟）" in notice.body
    assert notice.urgent  # 物业类 runs through the night: staff are reached in quiet hours
    # The property company that sent it back hears nothing of the desk's lateness.
    assert not told.filter(recipient=personas.property_a).exists()


def test_handing_it_over_again_stops_the_clock(make, personas) -> None:
    case = _returned(make, personas)
    with time_machine.travel(DAY + dt.timedelta(minutes=10), tick=False):
        services.case_dispatch(case=case, actor=personas.community_worker, level=Level.COMMUNITY)
    later = DAY + dt.timedelta(hours=1)
    assert sweeps.sweep_assess_breaches(later) == 0 and _overdue(case) == 0
    page = _queue(personas.community_worker, later)
    assert "待重新交办" not in page and "交办已超时" not in page


def test_a_new_assessment_keeps_the_returned_case_on_the_clock(make, personas) -> None:
    """研判 from 受理 stops the 研判 deadline; a case handed back is not done with by being
    re-assessed: its 交办 deadline runs on until it is handed over."""
    case = _returned(make, personas)
    with time_machine.travel(DAY + dt.timedelta(minutes=5), tick=False):
        case = services.case_assess(
            case=case, actor=personas.community_worker, category=Category.ROADS,
            sla_class=SlaClass.GENERAL, urgency=Urgency.NORMAL,
        )  # fmt: skip
    assert case.status == Status.ASSESSED
    assert case.assess_due_at == DAY + dt.timedelta(minutes=15)
    assert sweeps.sweep_assess_breaches(DAY + dt.timedelta(minutes=16)) == 1
    assert _overdue(case) == 1
    # A case assessed from 受理 has no such clock.
    with time_machine.travel(DAY, tick=False):
        fresh = make.assessed()
    assert fresh.assess_due_at is None and fresh.warn_at is None
    tomorrow = DAY + dt.timedelta(days=1)
    late = selectors.case_queue(personas.community_worker, now=tomorrow, overdue=True)
    assert {c.pk for c in late} == {case.pk}


def test_a_reopened_case_is_warned_then_flagged(make, personas) -> None:
    """重办 after 不满意: the desk has the class's response window to hand the next round
    over, warned when 20 % of it is left (the last 3 of 15 minutes)."""
    with time_machine.travel(DAY - dt.timedelta(hours=2), tick=False):
        case = make.resolved()
    with time_machine.travel(DAY, tick=False):
        case = services.case_visit(
            case=case, actor=personas.resident_a, resolved=False,
            level=RatingLevel.DISSATISFIED, via=RatingVia.PHONE,
        )  # fmt: skip
    assert case.status == Status.REOPENED and case.round == 2
    assert case.assess_due_at == DAY + dt.timedelta(minutes=15)
    assert case.warn_at == DAY + dt.timedelta(minutes=12)
    sweeps.run_all(DAY + dt.timedelta(minutes=11))
    assert not CaseEvent.objects.filter(case=case, kind="sla_warned").exists()
    sweeps.run_all(DAY + dt.timedelta(minutes=13))
    [warned] = CaseEvent.objects.filter(case=case, kind="sla_warned")
    assert warned.note == "即将超过交办期限（11-03 23:15）"
    assert (
        Notification.objects.get(
            kind="case.deadline_warning", recipient=personas.community_worker
        ).title
        == "诉求即将超过交办时限，请尽快重新交办"
    )
    sweeps.run_all(DAY + dt.timedelta(minutes=16))
    assert _overdue(case) == 1
