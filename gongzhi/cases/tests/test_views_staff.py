"""Staff pages: the scoped work queue, intake, only the allowed buttons, confidentiality."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from gongzhi.cases import services
from gongzhi.cases.choices import CaseType, Channel
from gongzhi.cases.models import Case
from gongzhi.cases.workflow import Status
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _buttons(page: str) -> set[str]:
    import re

    return set(re.findall(r'data-testid="action-([a-z_]+)"', page))


def test_each_party_sees_only_its_own_queue(personas, make) -> None:
    in_a = make.dispatched(title="A小区电梯故障")
    in_b = make.dispatched(compound=personas.compound_b, title="B小区垃圾清运")
    pages = {
        name: _client(getattr(personas, name)).get("/cases/?bucket=all").content.decode()
        for name in ("property_a", "property_b", "community_worker", "committee_a")
    }
    assert in_a.number in pages["property_a"] and in_b.number not in pages["property_a"]
    assert in_b.number in pages["property_b"] and in_a.number not in pages["property_b"]
    assert in_a.number in pages["community_worker"] and in_b.number in pages["community_worker"]
    assert in_a.number not in pages["committee_a"]  # not public
    assert _client(personas.property_b).get(f"/cases/{in_a.pk}/").status_code == 404


def test_queue_filters_search_and_overdue_in_red(personas, make) -> None:
    late = make.dispatched(title="电梯困人")
    make.dispatched(title="草坪修剪")
    client = _client(personas.community_worker)
    found = client.get("/cases/", {"q": "困人"}).content.decode()
    assert late.number in found and "草坪修剪" not in found
    assert late.number in client.get("/cases/", {"q": late.number}).content.decode()
    assert "草坪修剪" not in client.get("/cases/", {"sla_class": "general"}).content.decode()

    with time_machine.travel(late.due_at + dt.timedelta(hours=3, minutes=5)):
        client = _client(personas.community_worker)  # the old session has expired by then
        page = client.get("/cases/", {"overdue": "on"}).content.decode()
    assert "已超时 3 小时" in page and "gz-overdue" in page


def test_htmx_filter_returns_only_the_results(personas, make) -> None:
    make.received()
    response = _client(personas.community_worker).get("/cases/", HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert 'id="queue-results"' in page and "<html" not in page
    assert "HX-Request" in response["Vary"]  # never served from cache as the whole page


def test_htmx_history_restore_gets_the_whole_page(personas, make) -> None:
    """Back to a queue htmx no longer holds in its history cache: it asks again with
    HX-History-Restore-Request and must get the page with its navbar and filters."""
    make.received()
    response = _client(personas.community_worker).get(
        "/cases/", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    page = response.content.decode()
    assert "<html" in page and 'id="queue-results"' in page


def test_queue_is_paginated(personas, make) -> None:
    for i in range(21):
        make.received(title=f"诉求{i}")
    client = _client(personas.community_worker)
    assert "第 1 / 2 页" in client.get("/cases/").content.decode()
    assert "第 2 / 2 页" in client.get("/cases/", {"page": 2}).content.decode()


def test_only_allowed_buttons_are_rendered(personas, make) -> None:
    received = make.received()
    page = _client(personas.community_worker).get(f"/cases/{received.pk}/").content.decode()
    assert _buttons(page) == {"assess", "merge", "not_accept", "request_termination"}
    page = _client(personas.party_a).get(f"/cases/{received.pk}/").content.decode()
    assert _buttons(page) == set()

    dispatched = make.dispatched()
    page = _client(personas.property_a).get(f"/cases/{dispatched.pk}/").content.decode()
    assert _buttons(page) == {"accept", "return", "request_termination"}
    page = _client(personas.community_worker).get(f"/cases/{dispatched.pk}/").content.decode()
    assert "accept" not in _buttons(page) and "supervise" in _buttons(page)


def test_property_company_never_sees_who_complained(personas, make) -> None:
    case = make.dispatched(type=CaseType.COMPLAINT, content="物业不作为，请联系我13812341234")
    page = _client(personas.property_a).post(f"/cases/{case.pk}/", {"reveal": "1"}).content.decode()
    assert "张三" not in page and "13812341234" not in page and "138****1234" not in page
    assert "诉求人信息保密" in page and "请联系我[已隐去]" in page
    page = (
        _client(personas.community_worker)
        .post(f"/cases/{case.pk}/", {"reveal": "1"})
        .content.decode()
    )
    assert "张三" in page and "13812341234" in page


def test_a_case_naming_nobody_offers_no_contact_to_reveal(personas, make) -> None:
    """A patrol finding names no requester: there is nothing to reveal, so no link that would
    write a personal-data audit record for nothing; a resident's case keeps it."""
    patrol = services.case_file(
        actor=personas.grid_worker, compound=personas.compound_a, channel=Channel.PATROL,
        type=CaseType.OTHER, title="消防通道堵塞", content="5栋前消防通道被杂物堵塞",
    )  # fmt: skip
    resident = make.received()
    staff = _client(personas.community_worker)
    assert 'data-testid="reveal"' not in staff.get(f"/cases/{patrol.pk}/").content.decode()
    assert 'data-testid="reveal"' in staff.get(f"/cases/{resident.pk}/").content.decode()


def test_the_location_does_not_repeat_the_building_and_unit(personas, make) -> None:
    unit = personas.unit_a
    where = f"{unit.building.name}{unit.label}"
    same = make.received(building=unit.building, unit=unit, address=f" {where} ")
    more = make.received(building=unit.building, unit=unit, address=f"{where}门口")
    staff = _client(personas.community_worker)
    page = staff.get(f"/cases/{same.pk}/").content.decode()
    assert f"{unit.building.name} {unit.label}" in page and where not in page
    assert f"（{where}门口）" in staff.get(f"/cases/{more.pk}/").content.decode()


@pytest.mark.django_db
def test_staff_intake_records_a_phone_demand(personas) -> None:
    client = _client(personas.grid_worker)
    response = client.post(
        "/cases/intake/",
        {
            "channel": "sentinel",
            "type": "report",
            "compound": personas.compound_a.pk,
            "address": "1栋1单元",
            "content": "有人在楼顶违章搭建",
            "requester_name": "王五",
            "requester_phone": "13700001111",
        },
        follow=True,
    )
    case = Case.objects.get()
    assert f"诉求已登记，编号 {case.number}" in response.content.decode()
    assert case.channel == "sentinel" and case.requester_name == "王五"


def test_intake_refuses_bad_phone_and_unknown_compound(personas) -> None:
    client = _client(personas.grid_worker)
    base = {"channel": "visit", "type": "help", "content": "求助"}
    page = client.post(
        "/cases/intake/", {**base, "compound": personas.compound_a.pk, "requester_phone": "abc"}
    ).content.decode()
    assert "联系电话格式不正确" in page
    page = client.post("/cases/intake/", {**base, "compound": personas.compound_c.pk})
    assert "选择一个有效的选项" in page.content.decode()  # compound C is not in the grid's scope
    assert not Case.objects.exists()
    assert _client(personas.resident_a).get("/cases/intake/").status_code == 403


def test_bulk_dispatch_sends_several_cases_to_one_party(personas, make) -> None:
    first, second = make.assessed(), make.assessed()
    unassessed = make.received()
    response = _client(personas.community_worker).post(
        "/cases/bulk-dispatch",
        {
            "cases": [f"{c.pk}:{c.version}" for c in (first, second, unassessed)],
            "target": f"company:{personas.company_x.pk}",
        },
        follow=True,
    )
    page = response.content.decode()
    assert (
        "已交办 2 件" in page
        and f"{unassessed.number}：当前状态「已受理」下不能执行「交办」" in page
    )
    statuses = set(
        Case.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    )
    assert statuses == {Status.DISPATCHED}
    assert Case.objects.get(pk=unassessed.pk).status == Status.RECEIVED


def test_bulk_dispatch_comes_back_to_the_queue_as_it_was_filtered(personas, make) -> None:
    case = make.assessed()
    client = _client(personas.community_worker)
    page = client.get("/cases/", {"status": "assessed", "page": "1"}).content.decode()
    assert 'name="back" value="status=assessed"' in page  # the filters, not the page number
    data = {"cases": [f"{case.pk}:{case.version}"], "target": "community"}
    response = client.post("/cases/bulk-dispatch", {**data, "back": "status=assessed"})
    assert response["Location"] == "/cases/?status=assessed"
    # Only ever the queue's own query string, whatever is posted.
    response = client.post("/cases/bulk-dispatch", {"back": "//evil.example/x?a=1"})
    assert response["Location"].startswith("/cases/?")


def test_bulk_dispatch_with_a_stale_selection_changes_nothing(personas, make) -> None:
    case = make.assessed()
    response = _client(personas.community_worker).post(
        "/cases/bulk-dispatch",
        {"cases": [f"{case.pk}:{case.version - 1}"], "target": "community"},
        follow=True,
    )
    assert "该诉求已被他人处理，请刷新后重试" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == Status.ASSESSED


def test_metrics_page_shows_the_rates(personas, make) -> None:
    case = make.resolved()
    _client(personas.resident_a).post(
        f"/cases/{case.pk}/rate", {"version": case.version, "resolved": "1", "level": "basic"}
    )
    page = _client(personas.community_worker).get("/cases/metrics/").content.decode()
    assert "A小区" in page and "100.0%" in page and 'id="metrics-data"' in page
    assert _client(personas.property_a).get("/cases/metrics/").status_code == 403


def test_tabs_where_nothing_can_be_dispatched_offer_no_bulk_dispatch(personas, make) -> None:
    assessed = make.assessed()
    closed = make.dispatched()
    Case.objects.filter(pk=closed.pk).update(status="closed")
    client = _client(personas.community_worker)
    page = client.get("/cases/").content.decode()
    assert 'data-testid="bulk-dispatch"' in page and f'value="{assessed.pk}:' in page
    page = client.get("/cases/?bucket=closed").content.decode()
    assert closed.number in page  # listed, but not offered for dispatch
    assert 'data-testid="bulk-dispatch"' not in page and f'value="{closed.pk}:' not in page


@pytest.mark.parametrize(
    ("who", "channel"),
    [("grid_worker", "grid_worker"), ("property_a", "property_hotline"),
     ("community_worker", "visit"), ("street_officer", "visit")],
)  # fmt: skip
def test_intake_preselects_the_channel_each_role_records_from(personas, who, channel) -> None:
    form = _client(getattr(personas, who)).get("/cases/intake/").context["form"]
    assert form["channel"].value() == channel
