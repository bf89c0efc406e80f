"""Issue #3, notifications of cases: a case whose clock runs through the night (紧急类 2 h, 物业类
24 h …) or that is 紧急 reaches the staff who must act in their quiet hours; residents' notices
still wait for the morning. S6: the requester of a repeat merged into a case hears its outcome."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from gongzhi.cases import services, sweeps
from gongzhi.cases.choices import Category, Level, RatingLevel, RatingVia, SlaClass, Urgency
from gongzhi.cases.tests.conftest import png
from gongzhi.core.models import Delivery, Notification
from gongzhi.org.models import Person
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NIGHT = dt.datetime(2026, 12, 2, 23, 0, tzinfo=SHANGHAI)  # a Wednesday, in quiet hours
MORNING = dt.datetime(2026, 12, 3, 7, 0, tzinfo=SHANGHAI)  # the default quiet hours end


@pytest.fixture
def reachable(personas):
    """Staff with an email address, and the company's handler with a phone too."""
    p = personas
    for user in (p.property_a, p.community_worker, p.street_officer):
        user.email = f"{user.username}@example.com"
        user.save(update_fields=["email"])
    p.property_a.person = Person.objects.create(name="物业X员工", phone="13700001111")
    p.property_a.save(update_fields=["person"])
    return p


def _due(user, kind) -> dict[str, dt.datetime]:
    """When each external delivery of `user`'s notice of `kind` is to be attempted, by channel."""
    rows = Delivery.objects.filter(notification__recipient=user, notification__kind=kind)
    return {channel: due for channel, due in rows.values_list("channel", "next_attempt_at")}


def _dispatch(make, p, *, sla_class, urgency=Urgency.NORMAL):
    case = make.received()
    case = services.case_assess(
        case=case,
        actor=p.community_worker,
        category=Category.REPAIR,
        sla_class=sla_class,
        urgency=urgency,
    )
    return services.case_dispatch(
        case=case, actor=p.community_worker, level=Level.COMPOUND, company=p.company_x
    )


def test_an_emergency_dispatched_at_night_reaches_the_company_at_once(make, reachable) -> None:
    p = reachable
    with time_machine.travel(NIGHT, tick=False):
        _dispatch(make, p, sla_class=SlaClass.EMERGENCY)
        now = timezone.now()
    assert _due(p.property_a, "case.assigned") == {"email": now, "sms": now}


def test_a_general_case_signed_for_waits_for_the_morning(make, reachable) -> None:
    p = reachable
    with time_machine.travel(NIGHT - dt.timedelta(hours=3), tick=False):
        case = _dispatch(make, p, sla_class=SlaClass.GENERAL)
        case = services.case_accept(case=case, actor=p.property_a)
    with time_machine.travel(NIGHT, tick=False):  # 5 working days left: no need to wake them
        services.case_supervise(case=case, actor=p.community_worker, reason="请加快进度")
    assert _due(p.property_a, "case.supervised") == {"email": MORNING, "sms": MORNING}


def test_an_urgent_case_of_a_working_day_class_goes_out_at_night(make, reachable) -> None:
    p = reachable
    with time_machine.travel(NIGHT, tick=False):
        _dispatch(make, p, sla_class=SlaClass.GENERAL, urgency=Urgency.URGENT)
        now = timezone.now()
    assert _due(p.property_a, "case.assigned") == {"email": now, "sms": now}


def test_the_overdue_and_deadline_notices_of_an_emergency_go_out_at_night(make, reachable) -> None:
    p = reachable
    with time_machine.travel(dt.datetime(2026, 12, 2, 21, 50, tzinfo=SHANGHAI), tick=False):
        case = _dispatch(make, p, sla_class=SlaClass.EMERGENCY)  # 签收 within 15 min, 2 h
    with time_machine.travel(dt.datetime(2026, 12, 2, 22, 10, tzinfo=SHANGHAI), tick=False):
        assert sweeps.sweep_respond_breaches(timezone.now()) == 1
        overdue = timezone.now()
    services.case_accept(case=case, actor=p.property_a)
    with time_machine.travel(dt.datetime(2026, 12, 2, 23, 30, tzinfo=SHANGHAI), tick=False):
        assert sweeps.sweep_warnings(timezone.now()) == 1
        warned = timezone.now()
    assert _due(p.property_a, "case.respond_overdue") == {"email": overdue, "sms": overdue}
    assert _due(p.community_worker, "case.respond_overdue") == {"email": overdue}
    assert _due(p.property_a, "case.deadline_warning") == {"email": warned, "sms": warned}


def test_the_desk_hears_of_a_fire_at_night_the_resident_in_the_morning(make, reachable) -> None:
    p = reachable
    with time_machine.travel(NIGHT, tick=False):
        make.received(category=Category.FIRE_SAFETY, title="楼道堆放杂物堵塞消防通道")
        now = timezone.now()
    assert _due(p.community_worker, "case.created") == {"email": now}
    assert _due(p.resident_a, "case.created") == {"sms": MORNING}  # the requester is not woken


def test_a_residents_resolution_notice_waits_for_the_morning(make, reachable) -> None:
    p = reachable
    with time_machine.travel(NIGHT, tick=False):
        make.resolved(sla_class=SlaClass.EMERGENCY)
    assert _due(p.resident_a, "case.rate_request") == {"sms": MORNING}


def test_the_requester_of_a_merged_repeat_hears_the_outcome(make, reachable) -> None:
    p = reachable
    original = make.accepted(title="1栋101张三家门口水管爆裂")
    repeat = make.received(title="楼下水管爆了", requester=p.resident_b)
    services.case_merge(case=repeat, actor=p.community_worker, original=original.number)
    services.case_start(case=original, actor=p.property_a)
    services.case_resolve(
        case=original,
        actor=p.property_a,
        public_reply="已更换破裂水管，恢复供水。",
        evidence=[png()],
    )

    told = Notification.objects.get(recipient=p.resident_b, kind="case.resolved")
    assert told.title == "您反映的问题已处置"
    assert original.number in told.body and "已更换破裂水管，恢复供水。" in told.body
    for trace in ("张三", "水管爆裂", "13812341234"):
        assert trace not in told.title + told.body  # the original's requester stays unseen
    client = Client()
    assert client.login(username=p.resident_b.username, password=PASSWORD)
    assert told.link and client.get(told.link).status_code == 200

    services.case_visit(
        case=original,
        actor=p.community_worker,
        resolved=True,
        level=RatingLevel.SATISFIED,
        via=RatingVia.PHONE,
    )
    closed = Notification.objects.get(recipient=p.resident_b, kind="case.closed")
    assert original.number in closed.body and "已办结" in closed.body
    assert client.get(closed.link).status_code == 200
    kinds = Notification.objects.filter(recipient=p.resident_b).values_list("kind", flat=True)
    assert sorted(kinds) == ["case.closed", "case.created", "case.repeated", "case.resolved"]
