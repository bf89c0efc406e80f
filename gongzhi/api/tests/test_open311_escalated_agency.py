"""Open311 `agency_responsible` names who handles a case now: the property company only while
the case is at the 小区 level; once escalated (S4) the community, the street or the department
it went to, never the late company it came from, nor a placeholder for a department the street
has yet to name."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine

from gongzhi.cases import services, sweeps
from gongzhi.cases.choices import Category, Level, SlaClass
from gongzhi.cases.models import Case, RoutingRule

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
SH = ZoneInfo("Asia/Shanghai")
DISPATCHED_AT = dt.datetime(2026, 11, 2, 8, 0, tzinfo=SH)  # property class: due 3 Nov 08:00


def _agency(client, case: Case) -> str | None:
    response = client.get(f"{BASE}/requests/{case.pk}.json")
    assert response.status_code == 200
    return json.loads(response.content)[0]["agency_responsible"]


def _breach(case: Case) -> Case:
    case.refresh_from_db()
    assert sweeps.sweep_breaches(case.due_at + dt.timedelta(minutes=1)) == 1
    case.refresh_from_db()
    return case


def test_the_agency_follows_the_case_up_the_levels_not_the_late_company(client, make) -> None:
    with time_machine.travel(DISPATCHED_AT, tick=False):
        case = make.dispatched(sla_class=SlaClass.PROPERTY, is_public=True)
    assert _agency(client, case) == "测试物业X有限公司"
    case = _breach(case)
    assert case.assigned_level == Level.COMMUNITY and case.assigned_company_id  # keeps the work
    assert _agency(client, case) == "华锦社区"
    case = _breach(case)
    assert case.assigned_level == Level.STREET
    assert _agency(client, case) == "南湖测试街道"


def test_a_department_is_named_once_the_street_names_it(client, make, personas) -> None:
    with time_machine.travel(DISPATCHED_AT, tick=False):
        case = make.assessed(sla_class=SlaClass.PROPERTY, is_public=True)
        case = services.case_dispatch(case=case, actor=personas.street_officer, level=Level.STREET)
    case = _breach(case)  # no routing rule names a department
    assert case.assigned_level == Level.DEPARTMENT
    assert _agency(client, case) == "职能部门"
    RoutingRule.objects.create(
        compound=personas.compound_a,
        category=Category.REPAIR,
        level=Level.DEPARTMENT,
        department="区房管局",
    )
    with time_machine.travel(DISPATCHED_AT, tick=False):
        other = make.assessed(sla_class=SlaClass.PROPERTY, is_public=True)
        other = services.case_dispatch(
            case=other, actor=personas.street_officer, level=Level.STREET
        )
    other = _breach(other)
    assert _agency(client, other) == "区房管局"
