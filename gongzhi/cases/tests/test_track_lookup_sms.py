"""进度查询 (/track/) works like a password reset: a matching case number and phone send the
tracking link by text message to the phone on file; the page never hands the link to whoever
asked. A property company that read the requester's phone on a repair's page (it may call them)
therefore can neither open the resident's tracking page nor rate its own work as the resident."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from gongzhi.cases.models import CaseRating
from gongzhi.cases.tests.test_requester_sms import RecordingSms, path_of, step
from gongzhi.cases.tests.test_tracking import PHONE, WalkIn, link, signed_in
from gongzhi.cases.tracking import tracking_token
from gongzhi.cases.workflow import Status
from gongzhi.core.models import PhoneSms

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
DAYTIME = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SH)
SENT = (
    "如诉求编号与登记的手机号一致，我们已将查询链接以短信发送到该手机，"
    "请点击短信中的链接查看进度和评价。"
)


@pytest.fixture
def walk_in(make) -> WalkIn:
    return WalkIn(make.p)


@pytest.fixture
def texts(settings):
    settings.GONGZHI_SMS_BACKEND = "gongzhi.cases.tests.test_requester_sms.RecordingSms"
    settings.GONGZHI_PUBLIC_BASE_URL = "https://gongzhi.example.cn/"
    RecordingSms.sent = []
    RecordingSms.failures = 0
    return RecordingSms.sent


def _lookups(message_count: int, texts) -> list:
    return [m for m in texts[message_count:] if "您查询的诉求" in m.text]


def test_the_company_that_saw_the_phone_cannot_get_the_link_nor_rate(
    walk_in, texts, django_capture_on_commit_callbacks
) -> None:
    p = walk_in.p
    with time_machine.travel(DAYTIME, tick=False):
        case = step(django_capture_on_commit_callbacks, walk_in.resolved)
        company = signed_in(p.property_a)
        shown = company.post(f"/cases/{case.pk}/", {"reveal": "1"}).content.decode()
        assert PHONE in shown  # a repair: it may call the requester
        company.logout()
        before = len(texts)
        response = step(
            django_capture_on_commit_callbacks,
            lambda: company.post("/track/", {"number": case.number, "phone": PHONE}),
        )
    page = response.content.decode()
    assert response.status_code == 200 and SENT in page
    assert tracking_token(case) not in page and "rate-form" not in page
    assert "Location" not in response
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and not CaseRating.objects.filter(case=case).exists()
    # The link went to the resident's phone only, and opens their case there.
    [message] = _lookups(before, texts)
    assert message.phone == PHONE and message.text.startswith("【共治】")
    assert case.number in message.text and PHONE not in message.text
    assert path_of(message.text) == link(case)
    assert "rate-form" in Client().get(link(case)).content.decode()


def test_repeated_lookups_send_at_most_one_text_per_ten_minutes(
    walk_in, texts, django_capture_on_commit_callbacks
) -> None:
    with time_machine.travel(DAYTIME, tick=False) as clock:
        case = step(django_capture_on_commit_callbacks, walk_in.received)
        before = len(texts)
        client = Client()

        def ask():
            return step(
                django_capture_on_commit_callbacks,
                lambda: client.post("/track/", {"number": case.number, "phone": PHONE}),
            )

        answers = [ask() for _ in range(3)]
        clock.shift(dt.timedelta(minutes=9))
        answers.append(ask())  # another window of the key, still within ten minutes
        assert len(_lookups(before, texts)) == 1
        clock.shift(dt.timedelta(minutes=2))
        answers.append(ask())
        assert len(_lookups(before, texts)) == 2
    assert all(a.status_code == 200 and SENT in a.content.decode() for a in answers)
    assert PhoneSms.objects.filter(kind="case.tracking_link").count() == 2


def test_the_receipt_link_and_the_text_at_filing_still_work(
    walk_in, texts, django_capture_on_commit_callbacks
) -> None:
    with time_machine.travel(DAYTIME, tick=False):
        case = step(django_capture_on_commit_callbacks, walk_in.received)
    [filed] = texts
    assert "已受理" in filed.text and path_of(filed.text) == link(case)
    assert Client().get(link(case)).status_code == 200
    desk = signed_in(walk_in.p.community_worker)
    assert link(case) in desk.get(f"/cases/{case.pk}/receipt").content.decode()


def test_a_lookup_at_night_is_texted_at_once(
    walk_in, texts, django_capture_on_commit_callbacks
) -> None:
    """Quiet hours hold the platform's own texts till 07:00, not one the owner just asked for."""
    with time_machine.travel(DAYTIME, tick=False):
        case = step(django_capture_on_commit_callbacks, walk_in.received)
    with time_machine.travel(DAYTIME.replace(hour=23, minute=30), tick=False):
        before = len(texts)
        step(
            django_capture_on_commit_callbacks,
            lambda: Client().post("/track/", {"number": case.number, "phone": PHONE}),
        )
        [message] = _lookups(before, texts)
    assert path_of(message.text) == link(case)


def test_the_page_tells_everyone_that_complaints_are_followed_by_their_link() -> None:
    """A complainant who lost the link learns why no text comes; the same words for everyone,
    so they tell nobody which case is a complaint."""
    page = Client().get("/track/").content.decode()
    assert "投诉、举报类诉求为保护反映人，不能凭手机号查询" in page
