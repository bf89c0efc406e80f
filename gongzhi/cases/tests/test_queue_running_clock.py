"""The work queue's "most urgent first" counts down the clock each row shows (S3): the desk's
研判 or 交办 deadline while it holds a case, the 签收 one while nobody signed for it, else the
resolve deadline; overdue first. And its search box finds a compound's cases by its name."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client

from gongzhi.cases import selectors
from gongzhi.cases.choices import Level, SlaClass
from gongzhi.cases.models import Case
from gongzhi.cases.tests.plans import plan_at_scale
from gongzhi.org.models import Compound
from gongzhi.org.testing import PASSWORD

SH = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=SH)


def _in_work(make, *, hours_left: float, **kw) -> Case:
    """Signed for and in the community's hands (its 待我处理), `hours_left` to its deadline."""
    with time_machine.travel(NOW - dt.timedelta(hours=1), tick=False):
        case = make.accepted(**kw)
    Case.objects.filter(pk=case.pk).update(
        assigned_level=Level.COMMUNITY,
        due_at=NOW + dt.timedelta(hours=hours_left),
        warn_at=NOW + dt.timedelta(hours=hours_left / 2),
    )
    return case


def _filed(make, *, minutes_left: float, **kw) -> Case:
    """Filed, not assessed: its 研判 deadline `minutes_left` away (negative: missed)."""
    with time_machine.travel(NOW - dt.timedelta(minutes=5), tick=False):
        case = make.received(**kw)
    Case.objects.filter(pk=case.pk).update(assess_due_at=NOW + dt.timedelta(minutes=minutes_left))
    return case


def _awaiting_signature(make, *, minutes_left: float, **kw) -> Case:
    """交办 to a company and not signed for: 签收 due in `minutes_left`, resolve in a day."""
    with time_machine.travel(NOW - dt.timedelta(minutes=1), tick=False):
        case = make.dispatched(**kw)
    Case.objects.filter(pk=case.pk).update(
        respond_due_at=NOW + dt.timedelta(minutes=minutes_left),
        due_at=NOW + dt.timedelta(hours=23),
    )
    return case


def _titles(user, **filters) -> list[str]:
    return [c.title for c in selectors.case_queue(user, now=NOW, order="urgency", **filters)]


@pytest.mark.django_db
@pytest.mark.parametrize("bucket", ["todo", "open", None])  # 待我处理, 全部未结束, 全部
def test_a_case_minutes_from_its_assess_deadline_comes_before_one_with_hours_left(
    make, personas, bucket
) -> None:
    _in_work(make, hours_left=20, title="二十小时")
    _filed(make, minutes_left=10, title="研判十分钟")
    worker = personas.community_worker
    assert _titles(worker, bucket=bucket)[:2] == ["研判十分钟", "二十小时"]


@pytest.mark.django_db
@pytest.mark.parametrize("bucket", ["open", None])
def test_a_case_awaiting_signature_is_ranked_by_its_sign_for_deadline(
    make, personas, bucket
) -> None:
    _in_work(make, hours_left=1, title="一小时")
    _awaiting_signature(make, minutes_left=5, title="签收五分钟")
    for user in (personas.community_worker, personas.street_officer):
        assert _titles(user, bucket=bucket)[:2] == ["签收五分钟", "一小时"], user


@pytest.mark.django_db
def test_overdue_first_whichever_clock_it_missed_and_urgency_still_leads(make, personas) -> None:
    _in_work(make, hours_left=0.5, title="半小时")
    _awaiting_signature(make, minutes_left=20, title="签收二十分钟")
    _filed(make, minutes_left=-3, title="研判已超时")
    urgent = _filed(make, minutes_left=90, title="紧急待研判")
    Case.objects.filter(pk=urgent.pk).update(urgency="urgent")
    assessed = make.assessed(title="已研判无时钟")  # its 研判 clock stopped: no deadline runs
    assert assessed.assess_due_at is None
    expected = ["紧急待研判", "研判已超时", "签收二十分钟", "半小时", "已研判无时钟"]
    assert _titles(personas.community_worker, bucket="open") == expected
    assert _titles(personas.community_worker)[: len(expected)] == expected


@pytest.mark.django_db
def test_the_page_lists_the_new_case_first_with_its_clock(make, personas) -> None:
    work = _in_work(make, hours_left=20)
    new = _filed(make, minutes_left=10)
    client = Client()
    assert client.login(username=personas.community_worker.username, password=PASSWORD)
    with time_machine.travel(NOW, tick=False):
        page = client.get("/cases/", {"bucket": "todo"}).content.decode()
    numbers = re.findall(r"NH\d{12}", page)
    assert numbers.index(new.number) < numbers.index(work.number)
    assert "待研判，剩余 10 分钟" in page


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("index", ["case_queue_active_idx", "case_queue_idx"])
def test_the_queue_page_is_read_in_the_order_of_its_index(make, personas, index) -> None:
    """A page costs the rows it reads, not a sort of every case in scope: the running clock is
    the index's own term (migration 0027)."""
    if connection.vendor == "postgresql" and index == "case_queue_active_idx":
        # With a few rows PostgreSQL reads the active scope indexes (case_active_scope_idx …)
        # and sorts: cheaper at that size, and which one depends on earlier tests' rows.
        pytest.skip("PostgreSQL's choice among the active partial indexes at test size")
    _in_work(make, hours_left=20)
    _filed(make, minutes_left=10)
    bucket = "open" if index == "case_queue_active_idx" else None
    query = selectors.case_queue(
        personas.street_officer, now=NOW, bucket=bucket, order="urgency"
    ).values("pk")[:20]
    plan = plan_at_scale(query, index)
    assert index in plan, plan
    if connection.vendor == "sqlite":  # PostgreSQL sorts a handful of rows: cheaper at that size
        assert "TEMP B-TREE" not in plan, plan


@pytest.mark.django_db
def test_searching_a_compound_name_lists_its_cases(make, personas) -> None:
    Compound.objects.filter(pk=personas.compound_a.pk).update(name="中央花园二期")
    in_a = make.dispatched(title="门禁坏了")
    in_b = make.dispatched(compound=personas.compound_b, title="门禁坏了")
    for user in (personas.street_officer, personas.community_worker, personas.property_a):
        assert set(selectors.case_queue(user, q="中央花园二期")) == {in_a}, user
        assert set(selectors.case_queue(user, q="花园 门禁")) == {in_a}, user
        assert selectors.queue_count(user, q="中央花园二期") == 1, user
    assert in_b in set(selectors.case_queue(personas.street_officer, q="门禁"))
    client = Client()
    assert client.login(username=personas.property_a.username, password=PASSWORD)
    page = client.get("/cases/", {"q": "中央花园二期"}).content.decode()
    assert in_a.number in page and in_b.number not in page


@pytest.mark.django_db
def test_a_case_awaiting_signature_is_due_soon_within_its_class_lead(make, personas) -> None:
    """即将超时 by the running 签收 clock: 水电气热 (60 minutes to sign, warned at 20 %: 12
    minutes before) is due soon 5 minutes before; 物业类 (15 minutes, 3 before) only then."""
    utilities = _awaiting_signature(make, minutes_left=5, sla_class=SlaClass.UTILITIES)
    Case.objects.filter(pk=utilities.pk).update(warn_at=NOW + dt.timedelta(hours=18))
    prop = _awaiting_signature(make, minutes_left=5)
    Case.objects.filter(pk=prop.pk).update(warn_at=NOW + dt.timedelta(hours=18))
    officer = personas.street_officer
    assert {c.pk for c in selectors.case_queue(officer, now=NOW, bucket="warning")} == {
        utilities.pk
    }
    assert selectors.queue_counts(officer, now=NOW)["warning"] == 1
    later = NOW + dt.timedelta(minutes=2, seconds=30)
    assert selectors.queue_counts(officer, now=later)["warning"] == 2
