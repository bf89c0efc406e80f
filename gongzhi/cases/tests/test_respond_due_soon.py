"""即将超时 includes the 签收 deadline (S3): a 已交办 case nobody signed for is due soon when
`warn_percent` of its response window is left, as a case in work is when that share of its
resolve window is; and the scheduler warns its handlers once per 签收 deadline, as it does before
the resolve deadline."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client

from gongzhi.cases import selectors, services, sweeps
from gongzhi.cases.choices import Level, SlaClass
from gongzhi.cases.models import Case, CaseEvent
from gongzhi.cases.tests.plans import plan_at_scale
from gongzhi.cases.tests.test_concurrency import _race
from gongzhi.core.models import Notification
from gongzhi.org.testing import PASSWORD

SH = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


# Property class: 签收 within 15 minutes, warned at 20 % (3 minutes) before; resolve in 24 h.
DISPATCHED = at(2026, 11, 2, 8, 10)  # 签收 due 08:25, due soon from 08:22
BEFORE, SOON, LATE = at(2026, 11, 2, 8, 21), at(2026, 11, 2, 8, 23), at(2026, 11, 2, 8, 26)


def _dispatched(make, when=DISPATCHED, **kw) -> Case:
    with time_machine.travel(when, tick=False):
        return make.dispatched(sla_class=kw.pop("sla_class", SlaClass.PROPERTY), **kw)


def _warning(user, now) -> set[int]:
    return {c.pk for c in selectors.case_queue(user, now=now, bucket="warning", order="urgency")}


def _warnings_to(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind="case.deadline_warning"))


@pytest.mark.django_db
def test_a_case_awaiting_signature_is_due_soon_near_its_respond_deadline(make, personas) -> None:
    case = _dispatched(make)
    assert case.respond_due_at == at(2026, 11, 2, 8, 25)
    for user in (personas.street_officer, personas.community_worker, personas.property_a):
        assert _warning(user, BEFORE) == set(), user.username
        assert _warning(user, SOON) == {case.pk}, user.username
        assert selectors.queue_counts(user, now=SOON)["warning"] == 1, user.username
        assert _warning(user, LATE) == set(), user.username  # late: 已超时, no longer soon
    assert selectors.queue_counts(personas.property_b, now=SOON)["warning"] == 0
    # Signed for: the 签收 clock stops, the resolve deadline is a day away.
    with time_machine.travel(SOON, tick=False):
        services.case_accept(case=case, actor=personas.property_a)
    assert _warning(personas.street_officer, SOON) == set()


@pytest.mark.django_db
def test_each_class_is_due_soon_by_its_own_response_window(make, personas) -> None:
    """A petition has 15 days to be signed for: due soon in its last 3 days."""
    petition = _dispatched(make, sla_class=SlaClass.PETITION)
    officer = personas.street_officer
    respond_due = petition.respond_due_at
    assert respond_due == DISPATCHED + dt.timedelta(days=15)
    assert _warning(officer, respond_due - dt.timedelta(days=3, minutes=1)) == set()
    assert _warning(officer, respond_due - dt.timedelta(days=2, hours=23)) == {petition.pk}


@pytest.mark.django_db
def test_the_tab_counts_a_case_due_soon_on_both_clocks_once(make, personas) -> None:
    """Dispatched at 08:00 with a deadline of 08:14 (a dispatcher may shorten it): at 08:13 both
    the resolve deadline (warned from 08:11:12) and the 签收 deadline (08:15) are near."""
    with time_machine.travel(at(2026, 11, 2, 8, 0), tick=False):
        case = make.assessed(sla_class=SlaClass.PROPERTY)
        services.case_dispatch(
            case=case,
            actor=personas.community_worker,
            level=Level.COMPOUND,
            company=personas.company_x,
            due_at=at(2026, 11, 2, 8, 14),
        )
    respond_only = _dispatched(make, when=at(2026, 11, 2, 7, 59))  # 签收 due 08:14
    resolve_only = make.accepted(sla_class=SlaClass.PROPERTY)
    Case.objects.filter(pk=resolve_only.pk).update(
        due_at=at(2026, 11, 2, 9, 0), warn_at=at(2026, 11, 2, 8, 0)
    )
    now = at(2026, 11, 2, 8, 13)
    for name, user in personas.all_users().items():
        listed = _warning(user, now)
        assert selectors.queue_counts(user, now=now)["warning"] == len(listed), name
        if name in ("street_officer", "community_worker", "property_a"):
            assert listed == {case.pk, respond_only.pk, resolve_only.pk}, name


@pytest.mark.django_db
def test_the_queue_page_lists_it_under_due_soon(make, personas) -> None:
    case = _dispatched(make, title="门禁坏了")
    client = Client()
    assert client.login(username=personas.property_a.username, password=PASSWORD)
    with time_machine.travel(SOON, tick=False):
        page = client.get("/cases/", {"bucket": "warning"}).content.decode()
    assert case.number in page and "待签收，剩余 2 分钟" in page


@pytest.mark.django_db
def test_the_scheduler_warns_the_handlers_once_before_the_respond_deadline(make, personas) -> None:
    case = _dispatched(make)
    sweeps.run_all(BEFORE)
    assert not _warnings_to(personas.property_a)
    sweeps.run_all(SOON)
    sweeps.run_all(SOON + dt.timedelta(minutes=1))  # a rerun, or a second runner
    [told] = _warnings_to(personas.property_a)
    assert told.title == "诉求即将超过签收期限，请尽快签收" and case.number in told.body
    assert "签收期限 2026-11-02 08:25" in told.body and told.link == f"/cases/{case.pk}/"
    [event] = CaseEvent.objects.filter(case=case, kind="sla_warned")
    assert event.note == "即将超过签收期限（11-02 08:25）"
    assert event.payload.items() >= {"respond_due_at": case.respond_due_at.isoformat()}.items()
    # The dispatcher is not warned (they hear of a missed 签收, case_flag_respond_breach).
    assert not _warnings_to(personas.community_worker)
    case.refresh_from_db()
    assert case.respond_warned_at == SOON and case.warned_at is None  # not the resolve warning


@pytest.mark.django_db
def test_no_respond_warning_once_signed_and_a_new_one_after_reassignment(make, personas) -> None:
    signed = _dispatched(make)
    with time_machine.travel(BEFORE, tick=False):
        services.case_accept(case=signed, actor=personas.property_a)
    assert sweeps.sweep_respond_warnings(SOON) == 0

    case = _dispatched(make)
    assert sweeps.sweep_respond_warnings(SOON) == 1
    with time_machine.travel(SOON, tick=False):
        services.case_reassign(
            case=case,
            actor=personas.community_worker,
            level=Level.COMMUNITY,
            reason="改由社区协调处理",
        )
    case.refresh_from_db()
    assert case.respond_warned_at is None  # a new 签收 deadline, not warned yet
    assert case.respond_due_at == SOON + dt.timedelta(minutes=15)
    assert sweeps.sweep_respond_warnings(SOON + dt.timedelta(minutes=13)) == 1
    assert sweeps.sweep_respond_warnings(SOON + dt.timedelta(minutes=14)) == 0
    told = Notification.objects.filter(
        recipient=personas.community_worker, kind="case.deadline_warning"
    )
    assert told.count() == 1  # the community signs for it now
    assert CaseEvent.objects.filter(case=case, kind="sla_warned").count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_respond_warning_candidates_read_the_respond_index(make) -> None:
    """As the response sweep's (test_respond_breach): its cost follows the few cases awaiting
    签收, not all cases."""
    _dispatched(make)
    query = sweeps.respond_warning_candidates(SOON)
    assert query.count() == 1
    plan = plan_at_scale(query, "case_respond_due_idx")
    assert "case_respond_due_idx" in plan, plan


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent sessions")
@pytest.mark.django_db(transaction=True)
def test_four_sweepers_warn_of_a_respond_deadline_exactly_once(make, personas) -> None:
    cases = [_dispatched(make) for _ in range(3)]
    results = _race(4, lambda i: sweeps.sweep_respond_warnings(SOON))
    assert sum(results) == 3, results  # three deadlines near, each warned once in total
    for case in cases:
        assert CaseEvent.objects.filter(case=case, kind="sla_warned").count() == 1
        told = Notification.objects.filter(
            recipient=personas.property_a,
            kind="case.deadline_warning",
            link=f"/cases/{case.pk}/",
        )
        assert told.count() == 1
    assert sweeps.sweep_respond_warnings(SOON + dt.timedelta(minutes=1)) == 0
