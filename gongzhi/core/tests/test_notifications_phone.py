"""sms_to_phone(): a text to a number with no account, through the notifications' queue: once per
(number, key), after commit, at the end of quiet hours, at most once, listed masked (G1)."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client

from gongzhi.core.models import PhoneSms
from gongzhi.core.notifications import sms_to_phone
from gongzhi.core.notifications.phone import attempt
from gongzhi.core.notifications.sweeps import deliver_pending

SH = ZoneInfo("Asia/Shanghai")
DAYTIME = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SH)
PHONE = "13812341234"

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox(settings, tmp_path):
    settings.GONGZHI_SMS_BACKEND = "gongzhi.core.notifications.sms.ConsoleSmsBackend"
    settings.GONGZHI_SMS_OUTBOX = tmp_path / "sms.log"
    return tmp_path / "sms.log"


def lines(path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def queue(phone: str = PHONE, key: str = "case:1:created", text: str = "【共治】您的诉求已受理"):
    return sms_to_phone(phone=phone, kind="case.created", text=text, title="已受理", dedupe_key=key)


def test_one_text_per_number_and_key_sent_after_commit(
    outbox, django_capture_on_commit_callbacks
) -> None:
    with time_machine.travel(DAYTIME, tick=False):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            first = queue()
            assert queue() is None  # the same step again: nothing
        assert lines(outbox) == []  # not before the commit
        for callback in callbacks:
            callback()
        assert queue(phone="13900001111") is not None  # another number may get the same key
    assert first is not None
    [line] = lines(outbox)
    assert line["phone"] == "138****1234" and line["text"] == "【共治】您的诉求已受理"
    assert PhoneSms.objects.get(phone=PHONE).status == "sent"


def test_a_text_is_never_sent_twice_and_a_dead_sender_is_not_retried(outbox) -> None:
    with time_machine.travel(DAYTIME, tick=False):
        row = queue()
        assert attempt(row.pk) == "sent"
        assert attempt(row.pk) == ""
        stuck = queue(key="case:1:closed")
        PhoneSms.objects.filter(pk=stuck.pk).update(status="sending", claimed_at=DAYTIME)
    later = DAYTIME + dt.timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        assert deliver_pending(later) == 0
    stuck.refresh_from_db()
    assert stuck.status == "failed" and "不再重试" in stuck.last_error
    assert len(lines(outbox)) == 1


def test_rejects_what_is_not_a_mobile_and_masks_numbers_in_the_text(outbox) -> None:
    for phone in ("", "02787654321", "1381234123", "+8613812341234"):
        with pytest.raises(ValueError):
            queue(phone=phone)
    with time_machine.travel(DAYTIME, tick=False):
        queue(text="【共治】请回电 13900001111")
        # A link's token may hold a run of digits that looks like a number: it stays whole.
        link = "https://gongzhi.example.cn/track/NH202603100001/a13800001111b02787654321/"
        sms_to_phone(phone=PHONE, kind="case.created", text="【共治】查看：", title="t",
                     dedupe_key="k2", link=link)  # fmt: skip
        with pytest.raises(ValueError):
            sms_to_phone(phone=PHONE, kind="case.created", text="x", title="t", dedupe_key="k3",
                         link="/track/NH1/abc/")  # fmt: skip
    first, second = PhoneSms.objects.order_by("id")
    assert first.text == "【共治】请回电 139****1111"
    assert second.text == f"【共治】查看：{link}"


def test_the_admin_lists_the_number_masked(outbox) -> None:
    with time_machine.travel(DAYTIME, tick=False):
        row = queue()
    admin = get_user_model().objects.create_superuser(username="root-sms", password="pw-12345678")
    client = Client()
    client.force_login(admin)
    for url in ("/admin/core/phonesms/", f"/admin/core/phonesms/{row.pk}/change/"):
        page = client.get(url).content.decode()
        assert "138****1234" in page and PHONE not in page
    assert PHONE not in str(row)
