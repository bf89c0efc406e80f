"""S3's response clock: a dispatched case nobody signed for (签收) by respond_due_at gets one
响应超时 event and notices to its handlers and its dispatcher, is shown red, and is not escalated
for it; the queue's clock counts down to the 签收 deadline first, then to the case's deadline."""

import datetime as dt
import importlib
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from gongzhi.cases import services, sweeps
from gongzhi.cases.choices import Level, SlaClass
from gongzhi.cases.models import Case, CaseEvent
from gongzhi.cases.sla import ensure_default_policies
from gongzhi.cases.templatetags.cases_ui import sla_clock
from gongzhi.cases.tests.plans import plan_at_scale
from gongzhi.core.models import Notification
from gongzhi.org.testing import PASSWORD

SH = ZoneInfo("Asia/Shanghai")
KIND = "case.respond_overdue"


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


def _breaches(case) -> int:
    return CaseEvent.objects.filter(case=case, kind="respond_breached").count()


def _told(kind: str = KIND) -> list[str]:
    return sorted(n.recipient.username for n in Notification.objects.filter(kind=kind))


@pytest.fixture
def dispatched(make):
    """A property-class case dispatched by the community worker to company X at 08:00 on a
    Monday: 签收 by 08:15, resolved by 08:00 the next day."""
    with time_machine.travel(at(2026, 11, 2, 8, 0), tick=False):
        return make.dispatched(sla_class=SlaClass.PROPERTY)


@pytest.mark.django_db
def test_a_missed_respond_deadline_is_recorded_once_and_told(dispatched, personas) -> None:
    case = dispatched
    assert case.respond_due_at == at(2026, 11, 2, 8, 15)
    assert sweeps.sweep_respond_breaches(at(2026, 11, 2, 8, 14)) == 0  # not yet
    assert _breaches(case) == 0
    assert sweeps.sweep_respond_breaches(at(2026, 11, 2, 8, 16)) == 1
    assert sweeps.sweep_respond_breaches(at(2026, 11, 2, 8, 16)) == 0  # the rerun: nothing
    assert sweeps.sweep_respond_breaches(at(2026, 11, 2, 9, 30)) == 0  # nor later
    assert _breaches(case) == 1
    event = CaseEvent.objects.get(case=case, kind="respond_breached")
    assert event.get_kind_display() == "响应超时"
    assert event.note == f"超过签收期限（11-02 08:15）未签收：{personas.company_x.name}"
    assert event.payload["respond_due_at"] == case.respond_due_at.isoformat()
    before = (case.status, case.assigned_level, case.assigned_company_id, case.due_at)
    case.refresh_from_db()
    assert case.respond_breached_at == at(2026, 11, 2, 8, 16)
    # Not escalated: same status, party, level and deadline (S4 escalates on due_at only).
    assert (case.status, case.assigned_level, case.assigned_company_id, case.due_at) == before
    assert (case.escalation_level, case.breach_count, case.breached_at) == (0, 0, None)
    # The handling party (company X's staff) and the dispatcher, once each; nobody else.
    assert _told() == sorted([personas.property_a.username, personas.community_worker.username])
    handler = Notification.objects.get(kind=KIND, recipient=personas.property_a)
    assert "请立即签收" in handler.title and case.number in handler.body
    dispatcher = Notification.objects.get(kind=KIND, recipient=personas.community_worker)
    assert "仍未签收" in dispatcher.title and "签收期限 2026-11-02 08:15" in dispatcher.body


@pytest.mark.django_db
def test_no_dispatcher_left_tells_the_community_and_street(dispatched, personas) -> None:
    Case.objects.filter(pk=dispatched.pk).update(dispatched_by=None)
    assert sweeps.sweep_respond_breaches(at(2026, 11, 2, 8, 20)) == 1
    told = set(_told())
    assert {personas.property_a.username, personas.community_worker.username} <= told
    assert personas.street_officer.username in told
    assert personas.property_b.username not in told and personas.resident_a.username not in told


@pytest.mark.django_db
def test_cases_signed_for_are_left_alone(dispatched, make, personas) -> None:
    with time_machine.travel(at(2026, 11, 2, 8, 0), tick=False):
        on_time = make.accepted(sla_class=SlaClass.PROPERTY)
    with time_machine.travel(at(2026, 11, 2, 8, 25), tick=False):  # late, before any sweep
        services.case_accept(case=dispatched, actor=personas.property_a)
    assert sweeps.sweep_respond_breaches(at(2026, 11, 2, 8, 30)) == 0
    assert _breaches(on_time) == _breaches(dispatched) == 0
    assert not sweeps.respond_breach_candidates(at(2026, 11, 2, 8, 30)).exists()
    assert _told() == []


@pytest.mark.django_db
def test_a_new_dispatch_brings_its_own_respond_deadline(dispatched, personas) -> None:
    p, case = personas, dispatched
    assert sweeps.sweep_respond_breaches(at(2026, 11, 2, 8, 16)) == 1
    with time_machine.travel(at(2026, 11, 2, 8, 20), tick=False):
        services.case_return(case=case, actor=p.property_a, reason="该事项属于市政管辖范围")
    assert sweeps.sweep_respond_breaches(at(2026, 11, 2, 8, 25)) == 0  # returned: no clock
    with time_machine.travel(at(2026, 11, 2, 8, 30), tick=False):
        services.case_assess(
            case=case, actor=p.community_worker, category=case.category,
            sla_class=SlaClass.PROPERTY, urgency=case.urgency,
        )  # fmt: skip
        services.case_dispatch(
            case=case, actor=p.community_worker, level=Level.COMPOUND, company=p.company_x
        )
    case.refresh_from_db()
    assert case.respond_due_at == at(2026, 11, 2, 8, 45)  # the old flag (08:16) is stale
    assert sweeps.sweep_respond_breaches(at(2026, 11, 2, 8, 44)) == 0
    assert sweeps.sweep_respond_breaches(at(2026, 11, 2, 8, 46)) == 1
    assert sweeps.sweep_respond_breaches(at(2026, 11, 2, 8, 50)) == 0
    assert _breaches(case) == 2
    assert Notification.objects.filter(kind=KIND, recipient=p.property_a).count() == 2


@pytest.mark.django_db
def test_the_case_deadline_still_escalates_a_case_nobody_signed_for(dispatched) -> None:
    case = dispatched
    assert sweeps.run_all(at(2026, 11, 3, 8, 1)) == 2  # the 签收 miss, then the breach
    assert sweeps.run_all(at(2026, 11, 3, 8, 1)) == 0
    case.refresh_from_db()
    assert case.status == "dispatched" and case.escalation_level == 1
    assert case.assigned_level == Level.COMMUNITY and _breaches(case) == 1
    # Escalated, still not signed for: nothing more on the response clock.
    assert sweeps.sweep_respond_breaches(at(2026, 11, 3, 12, 0)) == 0


@pytest.mark.django_db
def test_seeded_history_has_no_missed_response_left_to_sweep(personas) -> None:
    ensure_default_policies()
    call_command(
        "seed_scale", "--cases", "300", "--days", "3", "--seed", "11", stdout=io.StringIO()
    )
    assert not sweeps.respond_breach_candidates(timezone.now()).exists()
    flagged = Case.objects.filter(status="dispatched", respond_breached_at__isnull=False)
    assert flagged.exists()
    assert CaseEvent.objects.filter(kind="respond_breached").count() == flagged.count()


@pytest.mark.django_db
def test_the_migration_marks_deadlines_missed_before_it_silently(dispatched, make) -> None:
    """Upgrading must not send a burst of notices about old dispatches nobody signed for."""
    migration = importlib.import_module("gongzhi.cases.migrations.0009_respond_breach")
    fresh = make.dispatched()  # dispatched now: its 签收 deadline is still ahead
    migration.mark_missed_before_now(apps, None)
    dispatched.refresh_from_db()
    assert dispatched.respond_breached_at == dispatched.respond_due_at
    assert list(sweeps.respond_breach_candidates(timezone.now() + dt.timedelta(hours=1))) == [fresh]
    assert _breaches(dispatched) == 0 and _told() == []


def _clock(case, *when):
    with time_machine.travel(at(*when), tick=False):
        return sla_clock(case)


@pytest.mark.django_db
def test_the_clock_counts_to_the_respond_deadline_until_signed_for(dispatched, personas) -> None:
    case = dispatched
    clock = _clock(case, 2026, 11, 2, 8, 7)
    assert (clock.text, clock.overdue) == ("待签收，剩余 8 分钟", False)
    assert clock.deadline == clock.respond_due == at(2026, 11, 2, 8, 15)
    clock = _clock(case, 2026, 11, 2, 8, 27)
    assert (clock.text, clock.overdue, clock.running) == ("签收已超时 12 分钟", True, True)
    assert _clock(case, 2026, 11, 2, 8, 15, 20).text == "签收已超时 1 分钟"  # never "0 分钟"
    assert _clock(case, 2026, 11, 2, 11, 30).text == "签收已超时 3 小时"
    clock = _clock(case, 2026, 11, 3, 11, 5)  # the case's own deadline passed as well
    assert (clock.text, clock.overdue) == ("已超时 3 小时，仍未签收", True)
    assert clock.deadline == case.due_at and clock.respond_due == case.respond_due_at
    with time_machine.travel(at(2026, 11, 2, 8, 16), tick=False):
        services.case_accept(case=case, actor=personas.property_a)
    clock = _clock(case, 2026, 11, 2, 8, 16)  # signed for: the case's deadline as before
    assert (clock.text, clock.overdue) == ("剩余 23 小时 44 分", False)
    assert clock.deadline == case.due_at and clock.respond_due is None


@pytest.mark.django_db
def test_long_overdue_reads_in_days(make) -> None:
    with time_machine.travel(at(2026, 8, 1, 8, 0), tick=False):
        case = make.accepted(sla_class=SlaClass.PROPERTY)  # due 2 Aug 08:00
    assert _clock(case, 2026, 8, 2, 8, 40).text == "已超时 40 分钟"
    assert _clock(case, 2026, 8, 2, 11, 5).text == "已超时 3 小时"
    assert _clock(case, 2026, 8, 5, 12, 10).text == "已超时 3 天 4 小时"
    assert _clock(case, 2026, 11, 5, 17, 0).text == "已超时 95 天 9 小时"  # not "2289 小时"
    assert _clock(case, 2026, 8, 1, 9, 0).text == "剩余 23 小时 0 分"


@pytest.mark.django_db
def test_the_queue_shows_a_missed_respond_deadline_in_red(dispatched, personas) -> None:
    with time_machine.travel(at(2026, 11, 2, 8, 27), tick=False):
        client = Client()
        assert client.login(username=personas.property_a.username, password=PASSWORD)
        page = client.get("/cases/").content.decode()
    assert "签收已超时 12 分钟" in page and "gz-overdue" in page
    assert "剩余 23 小时" not in page


@pytest.mark.django_db(transaction=True)
def test_the_response_sweep_reads_its_partial_index(make) -> None:
    """Its cost follows the few dispatched cases whose 签收 deadline is not flagged yet, not all
    cases: the query's terms match the partial index's condition (on PostgreSQL with sequential
    scans off, as the planner chooses at scale)."""
    query = sweeps.respond_breach_candidates(at(2026, 11, 2, 8, 16))
    plan = plan_at_scale(query, "case_respond_due_idx")
    assert "case_respond_due_idx" in plan, plan
