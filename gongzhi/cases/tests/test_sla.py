"""S3/S4: deadlines from the policy (clock hours vs working days with holidays), warnings once,
a breach escalates exactly once per deadline up the levels, resolved cases auto-close."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from gongzhi.cases import services, sweeps
from gongzhi.cases.choices import Level, RatingLevel, RatingVia, SlaClass
from gongzhi.cases.models import Case, CaseEvent, SlaPolicy
from gongzhi.core.models import CalendarOverride, Notification

SH = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


@pytest.mark.django_db
def test_property_class_gives_15_minutes_to_respond_and_24_clock_hours(make) -> None:
    with time_machine.travel(at(2026, 10, 1, 9, 0), tick=False):  # a holiday: clock hours run
        case = make.dispatched(sla_class=SlaClass.PROPERTY)
    assert case.respond_due_at == at(2026, 10, 1, 9, 15)
    assert case.due_at == at(2026, 10, 2, 9, 0)
    assert case.warn_at == at(2026, 10, 2, 4, 12)  # 20 % of 24 h (4.8 h) before the end


@pytest.mark.django_db
def test_general_class_counts_working_days_across_national_day(make) -> None:
    # Dispatched Wed 30 Sep 2026; 1-7 Oct are holidays, Sat 10 Oct is a make-up workday.
    with time_machine.travel(at(2026, 9, 30, 10, 0), tick=False):
        case = make.dispatched(sla_class=SlaClass.GENERAL)
    # 8 Oct, 9 Oct, 10 Oct (调休), 12 Oct, 13 Oct → end of 13 Oct.
    assert case.due_at == at(2026, 10, 13, 23, 59, 59)


@pytest.mark.django_db
def test_an_administrator_override_moves_the_deadline(make) -> None:
    CalendarOverride.objects.create(date=dt.date(2026, 11, 2), is_workday=False, note="停电放假")
    with time_machine.travel(at(2026, 10, 30, 10, 0), tick=False):  # a Friday
        case = make.dispatched(sla_class=SlaClass.GENERAL)
    # Nov 3, 4, 5, 6, 9 (Nov 2 is off by override, 7-8 a weekend).
    assert case.due_at == at(2026, 11, 9, 23, 59, 59)


@pytest.mark.django_db
def test_the_street_edits_the_policy_and_new_dispatches_follow_it(make) -> None:
    SlaPolicy.objects.filter(code=SlaClass.PROPERTY).update(resolve_hours=12)
    with time_machine.travel(at(2026, 11, 2, 8, 0), tick=False):
        case = make.dispatched(sla_class=SlaClass.PROPERTY)
    assert case.due_at == at(2026, 11, 2, 20, 0)


@pytest.mark.django_db
def test_a_dispatcher_may_shorten_but_never_lengthen_the_deadline(make, personas) -> None:
    p = personas
    with time_machine.travel(at(2026, 11, 2, 8, 0), tick=False):
        case = make.assessed(sla_class=SlaClass.PROPERTY)
        with pytest.raises(ValidationError):
            services.case_dispatch(
                case=case, actor=p.community_worker, level=Level.COMPOUND, company=p.company_x,
                due_at=at(2026, 11, 3, 9, 0),
            )  # fmt: skip
        services.case_dispatch(
            case=case, actor=p.community_worker, level=Level.COMPOUND, company=p.company_x,
            due_at=at(2026, 11, 2, 12, 0),
        )  # fmt: skip
    assert case.due_at == at(2026, 11, 2, 12, 0)


def _events(case, kind) -> int:
    return CaseEvent.objects.filter(case=case, kind=kind).count()


@pytest.mark.django_db
def test_a_warning_goes_out_once_per_deadline(make, personas) -> None:
    with time_machine.travel(at(2026, 11, 2, 8, 0), tick=False):
        case = make.accepted(sla_class=SlaClass.PROPERTY)
    assert sweeps.sweep_warnings(at(2026, 11, 3, 3, 0)) == 0  # 5 h left: not yet
    assert sweeps.sweep_warnings(at(2026, 11, 3, 4, 0)) == 1
    assert sweeps.sweep_warnings(at(2026, 11, 3, 5, 0)) == 0
    assert _events(case, "sla_warned") == 1
    assert (
        Notification.objects.filter(
            recipient=personas.property_a, kind="case.deadline_warning"
        ).count()
        == 1
    )


@pytest.mark.django_db
def test_a_breach_escalates_exactly_once_then_climbs_level_by_level(make, personas) -> None:
    p = personas
    with time_machine.travel(at(2026, 11, 2, 8, 0), tick=False):
        case = make.accepted(sla_class=SlaClass.PROPERTY)  # due 3 Nov 08:00, escalation 24 h
    now = at(2026, 11, 3, 8, 1)
    assert sweeps.sweep_breaches(now) == 1
    assert sweeps.sweep_breaches(now) == 0  # the rerun changes nothing
    assert sweeps.sweep_breaches(at(2026, 11, 3, 9, 0)) == 0
    case.refresh_from_db()
    assert (case.assigned_level, case.escalation_level, case.breach_count) == (
        Level.COMMUNITY,
        1,
        1,
    )
    assert case.due_at == at(2026, 11, 4, 8, 1) and case.breached_at is None
    assert case.status == "accepted"  # escalation hands over, it does not change the status
    assert (_events(case, "sla_breached"), _events(case, "escalated")) == (1, 1)
    assert (
        Notification.objects.filter(recipient=p.community_worker, kind="case.escalated").count()
        == 1
    )
    # The community misses its own deadline too: street, then the department (吹哨).
    assert sweeps.sweep_breaches(at(2026, 11, 4, 8, 2)) == 1
    assert sweeps.sweep_breaches(at(2026, 11, 5, 8, 3)) == 1
    case.refresh_from_db()
    assert case.assigned_level == Level.DEPARTMENT and case.escalation_level == 3
    assert case.assigned_department  # someone the street will call
    # Nobody above a department: flagged once, then left alone.
    assert sweeps.sweep_breaches(at(2026, 11, 6, 9, 0)) == 1
    assert sweeps.sweep_breaches(at(2026, 11, 7, 9, 0)) == 0
    case.refresh_from_db()
    assert case.breached_at == at(2026, 11, 6, 9, 0) and case.breach_count == 4


@pytest.mark.django_db
def test_sweeps_ignore_cases_that_are_not_running_a_clock(make) -> None:
    with time_machine.travel(at(2026, 11, 2, 8, 0), tick=False):
        resolved = make.resolved(sla_class=SlaClass.PROPERTY)
        received = make.received()
    assert sweeps.sweep_breaches(at(2026, 11, 5, 8, 0)) == 0
    resolved.refresh_from_db()
    assert resolved.escalation_level == 0 and received.due_at is None


@pytest.mark.django_db
def test_an_extension_moves_the_deadline_once_and_tells_the_requester(make, personas) -> None:
    p = personas
    with time_machine.travel(at(2026, 11, 2, 8, 0), tick=False):
        case = make.in_progress(sla_class=SlaClass.PROPERTY)  # max 1 extension of <= 3 days
        with pytest.raises(ValidationError):
            services.case_extend(
                case=case, actor=p.community_worker, reason="等配件", until=at(2026, 11, 7, 8, 0)
            )
        with pytest.raises(ValidationError):
            services.case_extend(
                case=case, actor=p.community_worker, reason=" ", until=at(2026, 11, 4)
            )
        services.case_extend(
            case=case, actor=p.community_worker, reason="等配件", until=at(2026, 11, 5, 8, 0)
        )
        assert case.due_at == at(2026, 11, 5, 8, 0) and case.extension_count == 1
        with pytest.raises(ValidationError, match="延期次数已用完"):
            services.case_extend(
                case=case, actor=p.community_worker, reason="还要等", until=at(2026, 11, 6, 8, 0)
            )
    assert Notification.objects.filter(recipient=p.resident_a, kind="case.extended").exists()
    event = CaseEvent.objects.get(case=case, kind="extended")
    assert event.note == "等配件\n新期限 2026-11-05 08:00"  # the timeline says until when
    assert sweeps.sweep_breaches(at(2026, 11, 4, 8, 0)) == 0  # the old deadline no longer counts


@pytest.mark.django_db
def test_a_resolved_case_nobody_rates_closes_itself_after_the_silent_days(make, personas) -> None:
    with time_machine.travel(at(2026, 11, 2, 8, 0), tick=False):
        case = make.resolved(sla_class=SlaClass.PROPERTY)  # auto close after 7 days
    assert sweeps.sweep_auto_close(at(2026, 11, 9, 7, 59)) == 0
    assert sweeps.sweep_auto_close(at(2026, 11, 9, 8, 1)) == 1
    assert sweeps.sweep_auto_close(at(2026, 11, 9, 8, 2)) == 0
    case.refresh_from_db()
    assert case.status == "closed" and _events(case, "auto_closed") == 1
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do: the round is over
        services.case_visit(
            case=case, actor=personas.resident_a, resolved=False,
            level=RatingLevel.DISSATISFIED, via=RatingVia.ONLINE,
        )  # fmt: skip


@pytest.mark.django_db
def test_run_all_is_the_scheduler_entry_and_is_listed(settings, make) -> None:
    assert "gongzhi.cases.sweeps.run_all" in settings.GONGZHI_SWEEPS
    with time_machine.travel(at(2026, 11, 2, 8, 0), tick=False):
        make.accepted(sla_class=SlaClass.PROPERTY)
    assert sweeps.run_all(at(2026, 11, 3, 9, 0)) == 1
    assert sweeps.run_all(at(2026, 11, 3, 9, 0)) == 0
    assert Case.objects.get().escalation_level == 1


@pytest.mark.django_db
def test_a_returned_case_dispatched_again_starts_with_its_own_extensions(make, personas) -> None:
    """Found by the workflow state machine: extended, returned, re-assessed as an emergency
    (no extension allowed) and dispatched again, the case still counted the old extension."""
    p = personas
    with time_machine.travel(at(2026, 11, 2, 8, 0), tick=False):
        case = make.accepted(sla_class=SlaClass.PROPERTY)  # may extend, may still return
        services.case_extend(
            case=case, actor=p.community_worker, reason="等配件", until=at(2026, 11, 5, 8, 0)
        )
        services.case_return(case=case, actor=p.property_a, reason="该事项属于市政管辖范围")
        services.case_assess(
            case=case, actor=p.community_worker, category=case.category,
            sla_class=SlaClass.EMERGENCY, urgency=case.urgency,
        )  # fmt: skip
        services.case_dispatch(
            case=case, actor=p.community_worker, level=Level.COMPOUND, company=p.company_x
        )
        case.refresh_from_db()
        emergency = SlaPolicy.objects.get(code=SlaClass.EMERGENCY)
        assert case.extension_count == 0 <= emergency.max_extensions
        assert case.due_at == at(2026, 11, 2, 10, 0)  # the emergency class's 2 hours
