"""Email and text messages reach each user in the language they chose in 通知设置 (简体中文 by
default, or English), whatever language the page of whoever caused them was in: the notice's
title and body, the wrapper text and the link line. A notice written before notices kept their
message is sent as it was stored."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import translation

from gongzhi.core.models import NotificationPreference
from gongzhi.core.notifications import notify
from gongzhi.org.models import Person

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
DAYTIME = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SH)
SITE = "https://gongzhi.example.cn"


@pytest.fixture
def outbox(settings, tmp_path):
    settings.GONGZHI_SMS_BACKEND = "gongzhi.core.notifications.sms.ConsoleSmsBackend"
    settings.GONGZHI_SMS_OUTBOX = tmp_path / "sms.log"
    settings.GONGZHI_SITE_URL = SITE
    settings.GONGZHI_PUBLIC_BASE_URL = SITE
    return tmp_path / "sms.log"


def texts(path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def reachable(user, *, email: str, phone: str, language: str | None) -> None:
    """Give `user` an email address and a mobile, and the language choice (None: never chose)."""
    user.person = Person.objects.create(name="联系人", phone=phone)
    user.email = email
    user.save(update_fields=["person", "email"])
    if language is not None:
        NotificationPreference.objects.create(user=user, language=language)


def dispatch(make, capture, *, page_language: str = "zh-hans"):
    """A 交办, its messages going out when the request commits, from a page in `page_language`."""
    with time_machine.travel(DAYTIME, tick=False), capture(execute=True):
        with translation.override(page_language):
            return make.dispatched(title="楼道灯不亮")


def test_an_english_preferring_company_gets_the_new_assignment_in_english(
    make, personas, outbox, django_capture_on_commit_callbacks
) -> None:
    company = personas.property_a
    reachable(company, email="wuye@example.cn", phone="13700001111", language="en")
    case = dispatch(make, django_capture_on_commit_callbacks)
    [email] = [m for m in mail.outbox if m.to == ["wuye@example.cn"]]
    assert email.subject == "[Gongzhi] A new case has been handed over to you"
    assert f"Details: {SITE}/cases/{case.pk}/" in email.body
    assert f"Change how you are notified: {SITE}/me/preferences/" in email.body
    assert case.number in email.body
    for chinese in ("新的诉求", "查看详情", "调整通知方式", "【共治】", "办理期限"):
        assert chinese not in email.subject + email.body
    [sms] = [t for t in texts(outbox) if t["phone"].startswith("137")]
    assert sms["text"].startswith("A new case has been handed over to you: ")
    assert case.number in sms["text"] and "新的诉求" not in sms["text"]
    assert sms["params"]["title"] == "A new case has been handed over to you"[:35]


def test_a_user_who_never_chose_gets_chinese_next_to_one_who_chose_english(
    make, personas, outbox, django_capture_on_commit_callbacks
) -> None:
    reachable(personas.property_a, email="wuye@example.cn", phone="13700001111", language="en")
    reachable(personas.resident_a, email="zhangsan@example.cn", phone="13800002222", language=None)
    dispatch(make, django_capture_on_commit_callbacks, page_language="en")
    [company] = [m for m in mail.outbox if m.to == ["wuye@example.cn"]]
    assert company.subject == "[Gongzhi] A new case has been handed over to you"
    resident = [m.subject for m in mail.outbox if m.to == ["zhangsan@example.cn"]]
    assert resident and all(subject.startswith("【共治】您的诉求") for subject in resident)


def test_a_chinese_preferring_company_gets_it_in_chinese_from_an_english_page(
    make, personas, outbox, django_capture_on_commit_callbacks
) -> None:
    company = personas.property_a
    reachable(company, email="wuye@example.cn", phone="13700001111", language="zh-hans")
    case = dispatch(make, django_capture_on_commit_callbacks, page_language="en")
    [email] = [m for m in mail.outbox if m.to == ["wuye@example.cn"]]
    assert email.subject == "【共治】新的诉求已交办给您"
    assert f"查看详情：{SITE}/cases/{case.pk}/" in email.body
    assert f"调整通知方式：{SITE}/me/preferences/" in email.body
    assert "handed over" not in email.body and "Details" not in email.body
    [sms] = [t for t in texts(outbox) if t["phone"].startswith("137")]
    assert sms["text"].startswith("新的诉求已交办给您：诉求 ")
    assert "handed over" not in sms["text"]


def test_an_english_preferring_requester_reads_the_dispatch_notice_in_english(
    make, personas, outbox, django_capture_on_commit_callbacks
) -> None:
    resident = personas.resident_a
    reachable(resident, email="zhangsan@example.cn", phone="13800002222", language="en")
    dispatch(make, django_capture_on_commit_callbacks)
    received, handed_over = [m for m in mail.outbox if m.to == ["zhangsan@example.cn"]]
    assert received.subject.startswith("[Gongzhi] Your request has been received")
    assert handed_over.subject.startswith("[Gongzhi] Your request has been handed over to")
    assert "(楼道灯不亮) has been handed over to" in handed_over.body  # their words as written
    sent = [t["text"] for t in texts(outbox) if t["phone"].startswith("138")]
    assert len(sent) == 2 and "Your request has been handed over to" in sent[1]
    assert not any("您的诉求" in text for text in sent)


def test_an_old_notice_without_its_message_is_sent_as_stored(
    personas, outbox, django_capture_on_commit_callbacks
) -> None:
    resident = personas.resident_a
    reachable(resident, email="zhangsan@example.cn", phone="13800002222", language="en")
    with time_machine.travel(DAYTIME, tick=False), django_capture_on_commit_callbacks(execute=True):
        notify(
            recipient=resident,
            kind="case.assigned",
            title="旧通知：您的诉求已交办",
            body="诉求 NH202603100001 已交办",
            dedupe_key="old:1",
        )
    [email] = mail.outbox
    assert email.subject == "[Gongzhi] 旧通知：您的诉求已交办"  # the wrapper follows the choice
    assert "诉求 NH202603100001 已交办" in email.body
    [sms] = texts(outbox)
    assert sms["text"] == "[Gongzhi] 旧通知：您的诉求已交办"
