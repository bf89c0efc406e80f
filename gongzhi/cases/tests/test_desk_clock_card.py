"""The staff case page's 办理时限 card for a case the desk holds: the deadline by name and time
(研判期限, 重新交办期限) with why it runs, for those who dispatch; a property company that sent
the case back does not get the desk's clock (it is not theirs to act on)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from gongzhi.cases import services
from gongzhi.cases.choices import CaseType, Category, Channel, Level, SlaClass, Urgency
from gongzhi.cases.models import Case
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
DAY = dt.datetime(2026, 11, 3, 10, 0, tzinfo=SH)
BASIS = "退单或重办后须在本类别响应时限内重新交办"


def _card(user, case: Case, when: dt.datetime) -> str:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    with time_machine.travel(when, tick=False):
        response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    return page.split('data-testid="sla-clock"', 1)[1].split("</div></div>", 1)[0]


def _hotline_case(personas) -> Case:
    """Taken on the company's own hotline (so its staff still see it after 退单), handed to it
    by the community, then sent back by it."""
    p = personas
    with time_machine.travel(DAY - dt.timedelta(minutes=30), tick=False):
        case = services.case_file(
            actor=p.property_a,
            compound=p.compound_a,
            channel=Channel.PROPERTY_HOTLINE,
            type=CaseType.HELP,
            title="路灯不亮",
            content="小区门口路灯不亮",
            requester=p.resident_a,
        )
        services.case_assess(
            case=case,
            actor=p.community_worker,
            category=Category.REPAIR,
            sla_class=SlaClass.PROPERTY,
            urgency=Urgency.NORMAL,
        )
        services.case_dispatch(
            case=case, actor=p.community_worker, level=Level.COMPOUND, company=p.company_x
        )
    with time_machine.travel(DAY, tick=False):
        return services.case_return(case=case, actor=p.property_a, reason="属市政路灯，非物业职责")


def test_the_desk_reads_the_redispatch_deadline_by_name_and_time(personas) -> None:
    case = _hotline_case(personas)
    card = _card(personas.community_worker, case, DAY + dt.timedelta(minutes=1))
    assert "重新交办期限：2026-11-03 10:15" in card  # local time
    assert "待重新交办，剩余 14 分钟" in card
    assert BASIS in card and 'class="text-muted" data-testid="desk-basis"' in card


def test_a_filed_case_names_its_assessment_deadline(make, personas) -> None:
    with time_machine.travel(DAY, tick=False):
        case = make.received()
    card = _card(personas.community_worker, case, DAY + dt.timedelta(minutes=5))
    assert f"研判期限：{case.assess_due_at.astimezone(SH):%Y-%m-%d %H:%M}" in card
    assert "待研判，剩余" in card and BASIS not in card


def test_the_company_that_sent_it_back_does_not_get_the_desks_clock(personas) -> None:
    case = _hotline_case(personas)
    card = _card(personas.property_a, case, DAY + dt.timedelta(minutes=1))
    for words in ("待重新交办", "重新交办期限", BASIS, "交办已超时"):
        assert words not in card, words
    late = _card(personas.property_a, case, DAY + dt.timedelta(minutes=40))
    assert "交办已超时" not in late and "gz-overdue" not in late
