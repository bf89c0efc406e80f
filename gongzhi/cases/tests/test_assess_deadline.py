"""The 研判 deadline (S3 "15分钟响应", 信访 受理 within 15 days): a filed case nobody assesses gets
a clock at filing from its provisional SLA class; the scheduler records one 研判超时 event and
tells the community and street staff once; the queue shows it red under 已超时. Assessing or
merging it stops the clock; a merged repeat (S6) never gets one."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from gongzhi.cases import selectors, services, sla, sweeps
from gongzhi.cases.choices import Category, Channel, SlaClass, Urgency
from gongzhi.cases.models import Case, CaseEvent, SlaPolicy
from gongzhi.cases.tests.plans import plan_at_scale
from gongzhi.cases.workflow import Status
from gongzhi.core.models import Notification
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
FILED = dt.datetime(2026, 11, 2, 3, 0, tzinfo=SH)  # 3 a.m.: the staff's quiet hours
KIND = "case.assess_overdue"


def _file(make, when: dt.datetime = FILED, **kw) -> Case:
    with time_machine.travel(when, tick=False):
        return make.received(**kw)


def _overdue_events(case: Case) -> int:
    return CaseEvent.objects.filter(case=case, kind="assess_overdue").count()


def _told() -> list[str]:
    return sorted(n.recipient.username for n in Notification.objects.filter(kind=KIND))


def _page(user, when: dt.datetime, params: dict) -> str:
    with time_machine.travel(when, tick=False):
        client = Client()
        assert client.login(username=user.username, password=PASSWORD)
        return client.get("/cases/", params).content.decode()


def test_an_unassessed_property_case_is_flagged_once_and_the_desk_is_woken(make, personas) -> None:
    case = _file(make, category=Category.REPAIR)  # 物业类: 15 minutes to 研判
    assert case.assess_due_at == FILED + dt.timedelta(minutes=15)
    assert sweeps.sweep_assess_breaches(FILED + dt.timedelta(minutes=14)) == 0  # not yet
    with time_machine.travel(FILED + dt.timedelta(minutes=16), tick=False):
        call_command("run_scheduler", "--once", stdout=io.StringIO(), stderr=io.StringIO())
    assert _overdue_events(case) == 1
    event = CaseEvent.objects.get(case=case, kind="assess_overdue")
    assert event.get_kind_display() == "研判超时"
    assert "超过研判时限（15分钟" in event.note
    case.refresh_from_db()
    assert case.status == Status.RECEIVED
    assert case.assess_breached_at == FILED + dt.timedelta(minutes=16)
    # The community worker and the street officer over the compound, once each; not the grid
    # worker who filed it, nor the property company (not theirs until dispatched, S9).
    assert _told() == sorted([personas.community_worker.username, personas.street_officer.username])
    notice = Notification.objects.get(kind=KIND, recipient=personas.community_worker)
    assert f"诉求 {case.number} 受理已超过研判时限（15分钟），尚未研判" in notice.body
    assert notice.urgent  # 物业类 (24 h in clock hours) reaches staff at 3 a.m.
    # A second pass, or a later one, does nothing more.
    assert sweeps.sweep_assess_breaches(FILED + dt.timedelta(minutes=17)) == 0
    assert sweeps.run_all(FILED + dt.timedelta(hours=3)) >= 0
    assert _overdue_events(case) == 1 and len(_told()) == 2


def test_an_assessed_or_merged_case_is_never_flagged(make, personas) -> None:
    assessed = _file(make, category=Category.REPAIR)
    original = _file(make, title="电梯停运", content="2栋电梯停了")
    merged = _file(make, title="电梯又停了", content="2栋电梯还是停着")
    with time_machine.travel(FILED + dt.timedelta(minutes=5), tick=False):
        services.case_assess(
            case=assessed, actor=personas.community_worker, category=Category.REPAIR,
            sla_class=SlaClass.PROPERTY, urgency=Urgency.NORMAL,
        )  # fmt: skip
        services.case_merge(case=merged, actor=personas.community_worker, original=original.number)
    later = FILED + dt.timedelta(days=1)
    assert sweeps.sweep_assess_breaches(later) == 1  # only the original, still unassessed
    assert (_overdue_events(assessed), _overdue_events(merged)) == (0, 0)
    assert _overdue_events(original) == 1
    late = selectors.case_queue(personas.community_worker, now=later, overdue=True)
    assert {c.pk for c in late} == {original.pk}


def test_a_petition_has_fifteen_days_and_a_general_case_two_hours(make, personas) -> None:
    petition = _file(make, channel=Channel.PETITION)
    general = _file(make, title="咨询停车办法", content="想了解小区停车办法")
    assert petition.assess_due_at == FILED + dt.timedelta(days=15)
    assert general.assess_due_at == FILED + dt.timedelta(hours=2)
    assert sweeps.sweep_assess_breaches(FILED + dt.timedelta(days=14)) == 1  # the general one
    assert _overdue_events(petition) == 0
    assert sweeps.sweep_assess_breaches(FILED + dt.timedelta(days=15, minutes=1)) == 1
    assert "15天" in CaseEvent.objects.get(case=petition, kind="assess_overdue").note
    # 信访类 runs in days: its notice waits for the staff's quiet hours to end.
    assert not Notification.objects.get(
        kind=KIND, recipient=personas.community_worker, body__contains=petition.number
    ).urgent


def test_the_queue_shows_the_unassessed_case_red_under_overdue(make, personas) -> None:
    case = _file(make, category=Category.REPAIR)
    user = personas.community_worker
    before = _page(user, FILED + dt.timedelta(minutes=10), {})
    assert case.number in before and "待研判，剩余 5 分钟" in before
    assert case.number not in _page(user, FILED + dt.timedelta(minutes=10), {"overdue": "on"})
    # Past the 研判 deadline, before any sweep ran: red in the queue and under 已超时.
    after = FILED + dt.timedelta(minutes=20)
    page = _page(user, after, {"overdue": "on"})
    assert case.number in page and "研判已超时 5 分钟" in page and "gz-overdue" in page
    assert case.number in _page(user, after, {"bucket": "overdue"})
    assert selectors.queue_counts(user, now=after)["overdue"] == 1
    assert selectors.queue_count(user, now=after, status=Status.RECEIVED, overdue=True) == 1
    assert selectors.is_overdue(case, after)  # the case page and the API say so too


def test_a_repeat_merged_at_filing_has_no_deadline(make, personas) -> None:
    original = _file(make, category=Category.REPAIR)
    repeat = _file(make, duplicate_of=original, requester=personas.resident_b)
    assert repeat.status == Status.MERGED and repeat.assess_due_at is None
    assert sweeps.sweep_assess_breaches(FILED + dt.timedelta(days=30)) == 1  # the original
    assert _overdue_events(repeat) == 0


def test_an_imported_hotline_order_gets_its_deadline_from_its_import(personas) -> None:
    """The hotline received it two days before the street imported it: its 研判 clock starts at
    the import, when the street could first assess it, not overdue (and alarming) at once."""
    from gongzhi.cases.imports import import_hotline
    from gongzhi.cases.tests.test_imports import GOOD, xlsx

    imported = dt.datetime(2026, 11, 22, 9, 0, tzinfo=SH)
    with time_machine.travel(imported, tick=False):
        import_hotline(xlsx(GOOD[:1]))  # received 11-20 09:30, its own deadline 11-27
    case = Case.objects.get(external_order_no="12345-0001")
    assert case.created_at == dt.datetime(2026, 11, 20, 9, 30, tzinfo=SH)  # 受理 as received
    # Its timeline's 受理 entry, recorded at the import, says when the hotline received it.
    filed = CaseEvent.objects.get(case=case, kind="filed")
    assert filed.created_at == imported and filed.note == "12345热线受理于 2026-11-20 09:30"
    # The response window of its provisional class (the AI's reading of 油烟扰民), from the import.
    window = SlaPolicy.objects.get(code=sla.provisional_class(case)).respond_minutes
    assert case.assess_due_at == imported + dt.timedelta(minutes=window)
    sweeps.run_all(imported + dt.timedelta(minutes=5))  # the AI reads it; nothing is late
    case.refresh_from_db()
    assert case.assess_due_at >= imported + dt.timedelta(minutes=15)
    assert _overdue_events(case) == 0 and not _told()


def test_the_monthly_list_of_overdue_cases_counts_from_the_missed_assess_deadline(
    make, personas
) -> None:
    from gongzhi.insights.monthly import _most_overdue

    case = _file(make, category=Category.REPAIR)
    [row] = _most_overdue(Case.objects.all(), FILED + dt.timedelta(days=1, minutes=15))
    assert row.number == case.number and str(row.days) == "1.0"


@pytest.mark.django_db(transaction=True)
def test_the_assess_sweeps_read_their_partial_index(make) -> None:
    """Their cost follows the few filed cases whose 研判 deadline is not flagged yet (the
    warning's: those of them within the longest lead)."""
    for query in (
        sweeps.assess_breach_candidates(FILED),
        sweeps.assess_warning_candidates(FILED),
    ):
        plan = plan_at_scale(query, "case_assess_due_idx")
        assert "case_assess_due_idx" in plan, plan


def test_the_deadline_follows_the_class_the_ai_reads_after_filing(make, settings) -> None:
    """Deferred mode (the default): at filing nobody has read the resident's words yet, so an
    uncategorised demand gets 一般类's 2 hours; once the scheduler's AI pass reads a trapped
    lift (紧急类), 研判 is due 15 minutes after 受理 and missing that is flagged."""
    settings.GONGZHI_TRIAGE_AT_FILING = "deferred"
    case = _file(make, title="电梯困人", content="3号楼电梯困人了，里面有老人和孩子，按铃没人应")
    assert not case.category and case.assess_due_at == FILED + dt.timedelta(hours=2)
    sweeps.run_all(FILED + dt.timedelta(minutes=1))  # the AI pass, nothing overdue yet
    case.refresh_from_db()
    assert case.suggestion["sla_class"] == SlaClass.EMERGENCY
    assert case.assess_due_at == FILED + dt.timedelta(minutes=15)
    assert _overdue_events(case) == 0
    sweeps.run_all(FILED + dt.timedelta(minutes=16))
    assert _overdue_events(case) == 1


def test_staff_are_warned_once_before_the_assess_deadline_and_see_it_due_soon(
    make, personas
) -> None:
    """A petition has 15 days to 研判: due soon, and the staff over it warned, in its last 3
    (warn_percent 20 %), before any overdue flag; 研判 ends the warning's time."""
    case = _file(make, channel=Channel.PETITION)
    user = personas.community_worker
    warn = FILED + dt.timedelta(days=12)
    assert case.warn_at == warn
    assert sweeps.run_all(warn - dt.timedelta(minutes=1)) >= 0
    assert not Notification.objects.filter(kind="case.deadline_warning").exists()
    assert case.number not in _page(user, warn - dt.timedelta(minutes=1), {"bucket": "warning"})
    soon = warn + dt.timedelta(minutes=1)
    page = _page(user, soon, {"bucket": "warning"})
    assert case.number in page and "待研判，剩余 2 天" in page
    assert selectors.queue_counts(user, now=soon)["warning"] == 1
    sweeps.run_all(soon)
    sweeps.run_all(soon + dt.timedelta(hours=1))  # a rerun, or a second runner
    told = Notification.objects.filter(kind="case.deadline_warning")
    assert sorted(n.recipient.username for n in told) == sorted(
        [user.username, personas.street_officer.username]
    )
    notice = told.get(recipient=user)
    assert notice.title == "诉求即将超过研判时限，请尽快研判交办"
    assert "研判期限 2026-11-17 03:00" in notice.body
    [event] = CaseEvent.objects.filter(case=case, kind="sla_warned")
    assert event.note == "即将超过研判期限（11-17 03:00）" and _overdue_events(case) == 0
    with time_machine.travel(soon + dt.timedelta(hours=2), tick=False):
        services.case_assess(
            case=case, actor=user, category=Category.REPAIR,
            sla_class=SlaClass.PETITION, urgency=Urgency.NORMAL,
        )  # fmt: skip
    later = soon + dt.timedelta(hours=3)
    assert case.number not in _page(user, later, {"bucket": "warning"})
    assert selectors.queue_counts(user, now=later)["warning"] == 0


def test_the_case_page_says_the_ai_set_the_assess_window(make, personas, settings) -> None:
    """The countdown a grid worker saw at filing (一般类, 2 hours) shrinks once the AI reads a
    trapped lift: the page says which class the 研判 deadline now follows, and stops saying
    so once a person has assessed the case."""
    settings.GONGZHI_TRIAGE_AT_FILING = "deferred"
    case = _file(make, title="电梯困人", content="3号楼电梯困人了，里面有老人和孩子，按铃没人应")
    user = personas.community_worker

    def page(when: dt.datetime) -> str:
        with time_machine.travel(when, tick=False):
            client = Client()
            assert client.login(username=user.username, password=PASSWORD)
            return client.get(f"/cases/{case.pk}/").content.decode()

    sweeps.sweep_missing_suggestions(FILED + dt.timedelta(minutes=1))
    shown = page(FILED + dt.timedelta(minutes=2))
    assert "研判时限按AI网格员读出的紧急类计算" in shown and "待研判，剩余 13 分钟" in shown
    case.refresh_from_db()
    with time_machine.travel(FILED + dt.timedelta(minutes=3), tick=False):
        services.case_assess(
            case=case, actor=user, category=Category.ELEVATOR,
            sla_class=SlaClass.EMERGENCY, urgency=Urgency.CRITICAL,
        )  # fmt: skip
    assert "研判时限按AI网格员读出的" not in page(FILED + dt.timedelta(minutes=4))
