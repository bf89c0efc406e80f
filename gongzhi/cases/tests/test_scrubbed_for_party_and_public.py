"""S9 where the audit found names left in: the company's notice of a complaint about it, a
closed case's public reply in Open311, the street's cases on the dashboard, and the public
reply a merged repeat's requester hears. Each reads the text as the company's case page and
the public page show it (`texts.without_people`), not only without the requester's own name."""

import json

import pytest
import time_machine
from django.test import Client

from gongzhi.api.tests.conftest import bearer
from gongzhi.cases import services
from gongzhi.cases.choices import CaseType, Channel, Level
from gongzhi.cases.tests.conftest import png
from gongzhi.core.models import Notification

TITLE = "业主王建国投诉保安打人"  # filed by resident_a (张三): 王建国 is not the requester's name
REPLY = "经核实，业主王建国反映的问题物业已处理完毕。联系人李红梅。"
NAMES = ("王建国", "李红梅")


def _complaint_dispatched_to_x(p):
    case = services.case_file(
        actor=p.resident_a, compound=p.compound_a, channel=Channel.ONLINE,
        type=CaseType.COMPLAINT, title=TITLE, content="小区保安在东门打人，请处理",
        requester=p.resident_a, respondent_company=p.company_x, is_public=True,
    )  # fmt: skip
    services.case_assess(case=case, actor=p.community_worker, category="property_service",
                         sla_class="property", urgency="normal")  # fmt: skip
    return services.case_dispatch(
        case=case, actor=p.community_worker, level=Level.COMPOUND, company=p.company_x
    )


def _no_names(text: str) -> bool:
    return not any(name in text for name in NAMES)


@pytest.mark.django_db
def test_the_company_reads_its_notice_as_its_case_page_shows_the_title(client, personas):
    p = personas
    case = _complaint_dispatched_to_x(p)
    client.force_login(p.property_a)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "业主[已隐去]投诉保安打人" in page and _no_names(page)
    told = list(Notification.objects.filter(recipient=p.property_a))
    assert told and all(_no_names(n.title + n.body) for n in told)
    inbox = client.get("/me/notifications/").content.decode()
    assert "业主[已隐去]投诉保安打人" in inbox and _no_names(inbox)
    api = bearer(p.property_a).get("/api/v1/me/notifications")
    assert api.status_code == 200
    body = json.dumps(api.json(), ensure_ascii=False)
    assert "业主[已隐去]投诉保安打人" in body and _no_names(body)


def _closed_with_reply(p):
    case = _complaint_dispatched_to_x(p)
    case = services.case_accept(case=case, actor=p.property_a)
    case = services.case_start(case=case, actor=p.property_a)
    return services.case_resolve(
        case=case, actor=p.property_a, public_reply=REPLY, evidence=[png()]
    )


@pytest.mark.django_db
def test_open311_shows_the_public_reply_and_title_as_the_public_page(client, make, personas):
    p = personas
    case = _closed_with_reply(p)
    rows = json.loads(client.get("/open311/v2/requests.json").content)
    row = next(r for r in rows if r["service_request_id"] == case.pk)
    assert row["status"] == "closed"
    assert row["status_notes"] == "经核实，业主[已隐去]反映的问题物业已处理完毕。联系人[已隐去]。"
    body = json.dumps(rows, ensure_ascii=False)
    assert _no_names(body) and "张三" not in body
    one = json.loads(client.get(f"/open311/v2/requests/{case.pk}.json").content)
    assert _no_names(json.dumps(one, ensure_ascii=False))


@pytest.mark.django_db
def test_a_merged_repeats_requester_hears_the_reply_as_the_public_reads_it(make, personas):
    """S6: the requester of a repeat hears the case's outcome with its public reply: another
    resident, who reads it as the public page shows it."""
    p = personas
    case = services.case_start(
        case=services.case_accept(case=_complaint_dispatched_to_x(p), actor=p.property_a),
        actor=p.property_a,
    )
    repeat = make.received(title="保安打人", requester=p.resident_b)
    services.case_merge(case=repeat, actor=p.community_worker, original=case.number)
    services.case_resolve(case=case, actor=p.property_a, public_reply=REPLY, evidence=[png()])
    told = [n.body for n in Notification.objects.filter(recipient=p.resident_b)]
    assert any("联系人[已隐去]" in body for body in told), told
    assert all(_no_names(body) for body in told)


@pytest.mark.django_db
def test_the_street_cases_on_the_dashboard_name_nobody(personas, make):
    p = personas
    with time_machine.travel("2026-11-20 10:00:00+08:00", tick=False):
        held = make.assessed(
            compound=p.compound_c, requester=None, title=TITLE, type=CaseType.COMPLAINT
        )
        services.case_dispatch(case=held, actor=p.street_officer, level=Level.STREET)
    client = Client()
    client.force_login(p.street_officer)
    with time_machine.travel("2026-11-20 11:00:00+08:00", tick=False):
        response = client.get("/insights/")
    assert [c.title for c in response.context["street"].cases] == ["业主[已隐去]投诉保安打人"]
    assert _no_names(response.content.decode())
