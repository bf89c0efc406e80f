"""The staff pages' audit: a stale form keeps what was typed, 批量交办 says why a row has no
checkbox, 交办/改派 name the property company as 批量交办 does, and the intake form offers each
person only the channels they record."""

import re

import pytest
from django.test import Client

from gongzhi.cases import services
from gongzhi.cases.choices import Level
from gongzhi.cases.models import Case, CaseEvent
from gongzhi.cases.tests.conftest import png
from gongzhi.cases.workflow import Status
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

REPLY = "已联系电工更换3单元楼道灯，现已恢复照明。"


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _hidden_version(page: str, action: str) -> int:
    form = page.split(f'id="act-{action}"', 1)[1]
    return int(re.search(r'name="version" value="(\d+)"', form).group(1))


# --- A stale form keeps what was typed -------------------------------------------------------


def test_a_stale_resolve_form_comes_back_filled_in_against_the_fresh_case(personas, make):
    case = make.in_progress()
    opened = case.version  # the handler's tab
    services.case_supervise(case=case, actor=personas.community_worker, reason="请尽快处理")
    client = _client(personas.property_a)

    response = client.post(
        f"/cases/{case.pk}/resolve",
        {"version": opened, "public_reply": REPLY, "evidence": png()},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "该诉求已被他人处理（当前状态：办理中），请核对后重新提交" in page
    assert "附件须重新选择" in page
    assert REPLY in page  # the public reply is still in its box
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    assert _hidden_version(page, "resolve") == case.version != opened

    again = client.post(
        f"/cases/{case.pk}/resolve",
        {"version": _hidden_version(page, "resolve"), "public_reply": REPLY, "evidence": png()},
    )
    assert again.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and case.public_reply == REPLY


def test_a_lost_dispatch_says_what_the_case_is_now_and_hands_back_the_note(personas, make):
    case = make.assessed()
    opened = case.version  # the street officer's page, open while the community dispatches
    services.case_dispatch(
        case=case, actor=personas.community_worker, level=Level.COMPOUND, company=personas.company_x
    )
    note = "请物业今天内上门查看，并与业主约好时间"

    response = _client(personas.street_officer).post(
        f"/cases/{case.pk}/dispatch",
        {"version": opened, "level": Level.COMMUNITY, "note": note},
        follow=True,
    )

    page = response.content.decode()
    assert "该诉求已被他人处理（当前状态：已交办），不能再「交办」，未提交" in page
    assert note in page
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED and case.assigned_level == Level.COMPOUND
    assert CaseEvent.objects.filter(case=case, new_status=Status.DISPATCHED).count() == 1


# --- 批量交办: why a row has no checkbox ---------------------------------------------------------


def test_bulk_dispatch_says_why_some_rows_have_no_checkbox(personas, make):
    make.assessed(title="可批量交办")
    make.received(title="还没研判")
    make.dispatched(title="已在办理")

    page = _client(personas.community_worker).get("/cases/", {"bucket": "open"})
    hints = page.content.decode().split('data-testid="bulk-hints"', 1)[1].split("</ul>", 1)[0]

    assert "未研判的诉求须先逐件研判，不能批量交办" in hints
    assert "已交办的诉求不能再批量交办；要换承办单位，请打开诉求逐件改派" in hints


# --- 交办/改派 name the party as 批量交办 does ---------------------------------------------------


def _level_options(page: str, action: str) -> list[str]:
    form = page.split(f'id="act-{action}"', 1)[1].split("</form>", 1)[0]
    select = form.split('name="level"', 1)[1].split("</select>", 1)[0]
    return [label.strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


def test_dispatch_and_reassign_name_the_property_company(personas, make):
    street = _client(personas.street_officer)
    assessed = make.assessed()
    page = street.get(f"/cases/{assessed.pk}/").content.decode()
    assert _level_options(page, "dispatch") == ["物业（小区）", "社区", "街道", "职能部门"]

    dispatched = make.dispatched()
    page = street.get(f"/cases/{dispatched.pk}/").content.decode()
    assert _level_options(page, "reassign")[0] == "物业（小区）"
    assert '承办</dt><dd class="col-12 col-sm-8 col-md-9">物业 · ' in page


# --- 登记诉求: the channels each person records ------------------------------------------------

MACHINE_OR_DESK = ("hotline_12345", "petition", "superior", "ai_grid", "online")


def _channels(user) -> list[str]:
    page = _client(user).get("/cases/intake/").content.decode()
    select = page.split('name="channel"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]+)"', select)


def test_intake_offers_each_role_the_channels_it_records(personas):
    p = personas
    assert _channels(p.grid_worker) == ["grid_worker", "sentinel", "patrol", "visit", "phone"]
    assert _channels(p.party_a) == ["sentinel", "patrol", "visit", "phone"]
    assert _channels(p.property_a) == ["patrol", "visit", "phone", "property_hotline"]
    desk = _channels(p.community_worker)
    assert {"hotline_12345", "petition", "superior", "visit"} <= set(desk)
    assert not {"ai_grid", "online"} & set(desk)


def test_a_grid_worker_cannot_record_a_hotline_order_by_hand(personas):
    response = _client(personas.grid_worker).post(
        "/cases/intake/",
        {
            "channel": "hotline_12345",
            "type": "help",
            "compound": personas.compound_a.pk,
            "content": "小区门口路灯不亮",
        },
    )
    assert response.status_code == 200
    assert "您不能登记该来源渠道的诉求，请选择其他渠道" in response.content.decode()
    assert not Case.objects.exists()
