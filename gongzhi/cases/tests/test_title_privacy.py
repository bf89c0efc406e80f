"""A title made from the content (none typed) keeps nothing of the requester: not their name,
phone, email or WeChat, and no half of one cut off at the title's length (S9, G1). Display-time
masking finds only whole names and 11-digit numbers, so "投诉人夏静" or "请回我199000003" in a
title would reach public pages, the company complained about and the reports."""

import re

import pytest
from django.test import Client

from gongzhi.api import services as api_services
from gongzhi.cases.imports import import_hotline
from gongzhi.cases.models import Case
from gongzhi.cases.tests.test_imports import xlsx
from gongzhi.cases.texts import TITLE_CHARS, title_from
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

NAME, PHONE = "夏静琳", "19900000372"
# The brief's case: the content opens with who and how to call back.
OPENS_WITH_CONTACT = f"{NAME}{PHONE}，我家楼上卫生间漏水一个多月了，物业一直说找不到人"
# The cut at TITLE_CHARS falls inside the name, or inside the phone.
NAME_AT_THE_CUT = "小区停车位被占用很久了，物业一直不处理，请尽快回复投诉人" + NAME + "，谢谢"
PHONE_AT_THE_CUT = "小区停车位被占用很久了，物业一直不处理，请回我" + PHONE + "，谢谢"


def leaked(title: str) -> list[str]:
    """Any two characters of the name, or five digits in a row of the phone, in the title."""
    pieces = {NAME[i : i + 2] for i in range(len(NAME) - 1)}
    pieces |= {PHONE[i : i + 5] for i in range(len(PHONE) - 4)}
    return sorted(piece for piece in pieces if piece in title)


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_cuts_of_these_contents_do_fall_in_the_name_and_the_phone() -> None:
    """The contents below test what they mean to: cut raw, they would leak a part."""
    assert NAME[:2] in NAME_AT_THE_CUT[:TITLE_CHARS] and NAME not in NAME_AT_THE_CUT[:TITLE_CHARS]
    assert PHONE[:5] in PHONE_AT_THE_CUT[:TITLE_CHARS]
    assert PHONE not in PHONE_AT_THE_CUT[:TITLE_CHARS]


@pytest.mark.parametrize("content", [OPENS_WITH_CONTACT, NAME_AT_THE_CUT, PHONE_AT_THE_CUT])
def test_a_resident_filing_without_a_title_gets_one_without_their_name_or_phone(
    personas, content
) -> None:
    person = personas.resident_a.person
    person.name = NAME
    person.save(update_fields=["name"])
    response = _client(personas.resident_a).post(
        "/cases/new/",
        {"type": "help", "title": "", "content": content, "place": f"unit:{personas.unit_a.pk}"},
    )
    assert response.status_code == 302, response.content.decode()
    case = Case.objects.get()
    assert case.requester_name == NAME and case.content == content
    assert leaked(case.title) == [], case.title
    assert "小区停车位" in case.title or "卫生间漏水" in case.title


@pytest.mark.parametrize("content", [OPENS_WITH_CONTACT, NAME_AT_THE_CUT, PHONE_AT_THE_CUT])
def test_the_desk_recording_a_demand_without_a_title_keeps_the_caller_out_of_it(
    personas, content
) -> None:
    response = _client(personas.grid_worker).post(
        "/cases/intake/",
        {"channel": "visit", "type": "help", "compound": personas.compound_a.pk,
         "content": content, "requester_name": NAME, "requester_phone": PHONE},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    case = Case.objects.get()
    assert case.requester_name == NAME and leaked(case.title) == [], case.title


def test_a_hotline_order_gets_a_title_without_the_callers_name_or_phone(personas) -> None:
    rows = [
        ["12345-0101", "2026-11-21 10:00", "12345热线", "投诉", NAME_AT_THE_CUT,
         "武汉市南湖路1号A小区", NAME, PHONE, None],
        ["12345-0102", "2026-11-21 10:05", "12345热线", "投诉", OPENS_WITH_CONTACT,
         "武汉市南湖路1号A小区", NAME, PHONE, None],
    ]  # fmt: skip
    assert import_hotline(xlsx(rows)).created == 2
    for case in Case.objects.all():
        assert leaked(case.title) == [], case.title


def test_an_open311_request_without_a_title_gets_one_without_the_name_or_phone(
    personas,
) -> None:
    secret = api_services.open311_client_create(
        actor=personas.street_officer, name="南湖随手拍", street=personas.street
    ).secret
    response = Client().post(
        "/open311/v2/requests.json",
        {"api_key": secret, "service_code": "repair", "description": NAME_AT_THE_CUT,
         "address_string": "A小区", "last_name": "夏", "first_name": "静琳", "phone": PHONE},
    )  # fmt: skip
    assert response.status_code == 200, response.content.decode()
    case = Case.objects.get()
    assert case.requester_name == NAME and leaked(case.title) == [], case.title


def test_contacts_go_before_the_cut_and_the_title_still_says_what_is_wrong() -> None:
    assert title_from(f"{NAME} {PHONE}：楼道灯坏了", [NAME]) == "楼道灯坏了"
    assert title_from("微信号 xiajinglin_wx88，邮箱 xjl372@qq.com\n灯坏了") == (
        "微信号 [已隐去]，邮箱 [已隐去]"
    )
    # Nothing but a contact: the title says something was there, not the number.
    assert title_from(PHONE) == "[已隐去]"


def test_a_cut_leaves_no_run_of_digits_or_marker_half_written() -> None:
    # Ten digits nothing recognises as a contact: the cut drops the run, not keeps 7 of them.
    title = title_from("小区停车位被占用很久了，物业一直不处理，请加我1234567890")
    assert not re.search(r"\d", title) and title.endswith("…")
    # The cut through a "[已隐去]": neither "[已隐" nor the phone before the marker was put in.
    title = title_from("小区停车位被占用很久了，物业一直不处理，请您尽快联系" + PHONE)
    assert title == "小区停车位被占用很久了，物业一直不处理，请您尽快联系…"
    # A cut between two words, or a title under the limit, is as before.
    assert title_from("灯" * 31) == "灯" * 30 + "…"
    assert title_from("3栋电梯2026年起经常困人") == "3栋电梯2026年起经常困人"
