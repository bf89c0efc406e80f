"""The requester without an account hears why their case was terminated: the text names the
reason the community or street gave, cleaned of names, phones and rooms (as any staff words a
notice carries), and stays one short message with its tracking link."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from gongzhi.cases import services
from gongzhi.cases.tests.test_requester_sms import path_of, step, without_link
from gongzhi.cases.tests.test_tracking import NAME, PHONE, WalkIn
from gongzhi.core.models import PhoneSms

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
DAYTIME = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SH)


@pytest.fixture
def texts(settings, django_capture_on_commit_callbacks):
    from gongzhi.cases.tests.test_requester_sms import RecordingSms

    settings.GONGZHI_SMS_BACKEND = "gongzhi.cases.tests.test_requester_sms.RecordingSms"
    settings.GONGZHI_PUBLIC_BASE_URL = "https://gongzhi.example.cn/"
    RecordingSms.sent = []
    RecordingSms.failures = 0
    return RecordingSms.sent


def _terminated_text(make, capture, texts, reason: str) -> str:
    walk_in = WalkIn(make.p)
    with time_machine.travel(DAYTIME, tick=False):
        case = step(capture, walk_in.in_progress)
        step(
            capture,
            lambda: services.case_terminate(case=case, actor=make.p.street_officer, reason=reason),
        )
    [row] = PhoneSms.objects.filter(kind="case.terminated")
    [message] = [m for m in texts if m.text == row.text]
    assert message.phone == PHONE and case.number in message.text
    assert message.text.startswith("【共治】") and path_of(message.text)
    return message.text


def test_the_termination_text_gives_the_reason_without_a_phone_or_name(
    make, texts, django_capture_on_commit_callbacks
) -> None:
    reason = f"经核实该路段属市政管辖，已转市政热线，联系人{NAME}电话{PHONE}"
    text = _terminated_text(make, django_capture_on_commit_callbacks, texts, reason)
    assert "理由：经核实该路段属市政管辖，已转市政热线" in text
    for secret in (NAME, "夏", PHONE, "1234", "3单元", "楼道灯"):
        assert secret not in text
    assert len(without_link(text)) <= 70


def test_a_long_reason_is_cut_to_keep_one_message(
    make, texts, django_capture_on_commit_callbacks
) -> None:
    reason = "经街道、社区与物业三方多次现场核实，" * 5 + "该问题不属于本平台受理范围"
    text = _terminated_text(make, django_capture_on_commit_callbacks, texts, reason)
    body = without_link(text)
    assert "理由：经街道、社区与物业三方多次现场核实" in body
    assert "…。详情：" in body and len(body) == 70
