"""The requester is told when their case goes up a level (S4) or to another party (改派), in
plain words, through their own notification preferences; their timeline says where it went.
They learn the handling organisation, never anything of the staff, and the party complained
about learns nothing of them (S9)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from gongzhi.cases import services, sweeps
from gongzhi.cases.choices import CaseType, Category, Level, SlaClass
from gongzhi.cases.models import Case, RoutingRule
from gongzhi.cases.services.escalation import UNNAMED_DEPARTMENT
from gongzhi.core.models import Delivery, Notification, NotificationPreference
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
DISPATCHED_AT = dt.datetime(2026, 11, 2, 8, 0, tzinfo=SH)  # property class: due 3 Nov 08:00
REASON = "经核实属区房管局职责，物业员工王五无法处理"


@pytest.fixture
def complaint(make, personas) -> Case:
    """A complaint by 张三 (resident_a) about company X, which handles it; the title names her."""
    with time_machine.travel(DISPATCHED_AT, tick=False):
        return make.accepted(
            sla_class=SlaClass.PROPERTY,
            type=CaseType.COMPLAINT,
            title="张三反映物业不修楼道灯",
            respondent_company=personas.company_x,
        )


def _escalate(case: Case) -> None:
    case.refresh_from_db()
    assert sweeps.sweep_breaches(case.due_at + dt.timedelta(minutes=1)) == 1
    case.refresh_from_db()  # the escalation bumped the version: a stale copy gets CaseChanged


def _told(user, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind).order_by("id"))


def _staff_names(personas) -> list[str]:
    staff = (
        personas.property_a,
        personas.community_worker,
        personas.grid_worker,
        personas.street_officer,
    )
    return [user.display_name for user in staff]


def _web(user, **headers) -> Client:
    client = Client(headers=headers)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_requester_hears_each_escalation_in_plain_words(complaint, personas) -> None:
    p = personas
    for _ in range(3):  # 社区, 街道, then a department nobody has named yet
        _escalate(complaint)
    sweeps.sweep_breaches(complaint.due_at - dt.timedelta(minutes=1))  # a rerun: nothing new
    told = _told(p.resident_a, "case.escalated")
    assert [n.title for n in told] == [
        "您的诉求已提级至社区办理",
        "您的诉求已提级至街道办理",
        "您的诉求已提级至职能部门办理",
    ]
    assert told[0].body == f"您的诉求（编号 {complaint.number}）已提级至社区办理，请留意办理进度。"
    for notice in told:
        text = notice.title + notice.body
        assert UNNAMED_DEPARTMENT not in text and p.company_x.name not in text
        assert not any(name in text for name in _staff_names(p))
        assert notice.link == f"/cases/{complaint.pk}/"


def test_a_department_named_by_a_routing_rule_is_named(make, personas) -> None:
    RoutingRule.objects.create(
        category=Category.REPAIR, level=Level.DEPARTMENT, department="区房管局"
    )
    with time_machine.travel(DISPATCHED_AT, tick=False):
        case = make.accepted(sla_class=SlaClass.PROPERTY)
    for _ in range(3):
        _escalate(case)
    assert _told(personas.resident_a, "case.escalated")[-1].title == "您的诉求已提级至区房管局办理"


def test_the_requester_hears_who_handles_it_after_reassignment(complaint, personas) -> None:
    p = personas
    services.case_reassign(
        case=complaint, actor=p.community_worker, level=Level.COMMUNITY, reason=REASON
    )
    services.case_reassign(
        case=complaint,
        actor=p.street_officer,
        level=Level.DEPARTMENT,
        department="区房管局",
        reason=REASON,
    )
    services.case_reassign(
        case=complaint,
        actor=p.street_officer,
        level=Level.COMPOUND,
        company=p.company_x,
        reason="经协调仍由物业维修",
    )
    told = _told(p.resident_a, "case.reassigned")
    assert [n.title for n in told] == [
        "您的诉求已转由社区办理",
        "您的诉求已转由区房管局办理",
        f"您的诉求已转由{p.company_x.name}办理",
    ]
    assert (
        told[1].body == f"您的诉求（编号 {complaint.number}）已转由区房管局办理，请留意办理进度。"
    )
    for notice in told:
        text = notice.title + notice.body
        assert "王五" not in text and "职责" not in text  # the reason stays among staff
        assert not any(name in text for name in _staff_names(p))
        assert notice.link == f"/cases/{complaint.pk}/"


def test_the_requester_reassigning_their_own_case_is_not_told_of_it(make, personas) -> None:
    p = personas
    case = make.accepted(requester=p.community_worker)  # a worker's own demand, in their scope
    services.case_reassign(
        case=case, actor=p.community_worker, level=Level.COMMUNITY, reason=REASON
    )
    assert not [
        n for n in _told(p.community_worker, "case.reassigned") if n.title.startswith("您的诉求")
    ]


def test_the_party_complained_about_learns_nothing_of_the_requester(complaint, personas) -> None:
    """S9: every notice of these moves but the requester's own is free of her name and number,
    and none of hers goes to anyone else."""
    p = personas
    services.case_reassign(
        case=complaint, actor=p.community_worker, level=Level.COMMUNITY, reason=REASON
    )
    services.case_reassign(
        case=complaint, actor=p.community_worker, level=Level.COMPOUND, company=p.company_x,
        reason="经协调仍由物业维修",
    )  # fmt: skip
    _escalate(complaint)
    for notice in Notification.objects.exclude(recipient=p.resident_a):
        text = notice.title + notice.body
        assert "张三" not in text and "1234" not in text, (notice.recipient, text)
        assert not notice.title.startswith("您的诉求"), notice.recipient
    assert _told(p.property_a, "case.reassigned")  # company X heard of the moves, anonymously
    assert len(_told(p.resident_a, "case.reassigned")) == 2
    assert len(_told(p.resident_a, "case.escalated")) == 1


def test_the_requesters_preferences_apply(complaint, personas) -> None:
    """Muted kinds stay in the inbox only; quiet hours hold for a resident even for an
    escalation, which may wake staff."""
    p = personas
    NotificationPreference.objects.create(user=p.resident_a, muted_kinds=["case.reassigned"])
    services.case_reassign(
        case=complaint, actor=p.community_worker, level=Level.COMMUNITY, reason=REASON
    )
    [moved] = _told(p.resident_a, "case.reassigned")
    assert not Delivery.objects.filter(notification=moved).exists()

    with time_machine.travel(dt.datetime(2026, 11, 9, 1, 0, tzinfo=SH), tick=False):
        night = services.case_reassign(
            case=complaint, actor=p.community_worker, level=Level.COMPOUND,
            company=p.company_x, reason="经协调仍由物业维修",
        )  # fmt: skip
    night.refresh_from_db()
    breach = night.due_at + dt.timedelta(minutes=1)  # 01:01 the next night
    with time_machine.travel(breach, tick=False):
        assert sweeps.sweep_breaches(breach) == 1
    [up] = _told(p.resident_a, "case.escalated")
    [sms] = Delivery.objects.filter(notification=up)
    assert sms.channel == Delivery.Channel.SMS
    assert sms.next_attempt_at == dt.datetime(2026, 11, 10, 7, 0, tzinfo=SH)  # at 07:00


def test_the_requesters_timeline_says_where_the_case_went(complaint, personas) -> None:
    p = personas
    _escalate(complaint)  # to 社区, the company keeps the work
    services.case_reassign(
        case=complaint,
        actor=p.street_officer,
        level=Level.DEPARTMENT,
        department="区房管局",
        reason=REASON,
    )
    page = _web(p.resident_a).get(f"/cases/{complaint.pk}/").content.decode()
    parties = [
        line.split("：", 1)[1].split("<", 1)[0]
        for line in page.splitlines()
        if 'data-testid="timeline-party"' in line
    ]
    assert parties == ["社区", "区房管局"]  # the escalation's row, then the 改派's
    assert p.company_x.name not in page  # the 交办 row keeps to the step
    assert p.property_a.display_name not in page  # (staff are shown masked, as before)
    english = _web(p.resident_a, Accept_Language="en").get(f"/cases/{complaint.pk}/")
    assert "Handled by: the community office" in english.content.decode()


def test_a_placeholder_department_is_not_shown_to_the_requester(complaint, personas) -> None:
    for _ in range(3):
        _escalate(complaint)
    page = _web(personas.resident_a).get(f"/cases/{complaint.pk}/").content.decode()
    assert UNNAMED_DEPARTMENT not in page
    assert page.count('data-testid="timeline-party">') == 3
    staff_page = _web(personas.street_officer).get(f"/cases/{complaint.pk}/").content.decode()
    assert UNNAMED_DEPARTMENT in staff_page  # the street sees it must name one
