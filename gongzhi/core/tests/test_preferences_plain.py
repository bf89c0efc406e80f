"""通知设置 in plain terms: a tick means "send me this by email and SMS too", and a channel the
account has no address for cannot be ticked."""

import re

import pytest
from django.urls import reverse

from gongzhi.core.models import NotificationPreference
from gongzhi.core.notifications.kinds import kinds_for
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _page(client, user) -> str:
    assert client.login(username=user.username, password=PASSWORD)
    return client.get(reverse("me:preferences")).content.decode()


def _ticked(page: str) -> set[str]:
    boxes = re.findall(r'<input[^>]*name="sent_kinds"[^>]*>', page)
    assert boxes, "no 发邮件和短信 boxes on the page"
    return {re.search(r'value="([^"]+)"', box)[1] for box in boxes if "checked" in box}


def test_a_tick_means_this_kind_also_comes_by_email_and_sms(client, personas) -> None:
    offered = set(kinds_for(staff=False))
    page = _page(client, personas.resident_a)
    assert "以下类型也发邮件和短信给我" in page and "只在站内提醒，不发邮件和短信" not in page
    assert _ticked(page) == offered  # nothing muted yet: every kind is sent, every box ticked

    data = {"sms_enabled": "on", "quiet_start": "22:00", "quiet_end": "07:00"}
    response = client.post(reverse("me:preferences"), data | {"sent_kinds": ["case.resolved"]})
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=personas.resident_a)
    assert set(pref.muted_kinds) == offered - {"case.resolved"}  # the unticked stay in the inbox
    assert _ticked(client.get(reverse("me:preferences")).content.decode()) == {"case.resolved"}


def test_a_muted_kind_the_page_does_not_offer_stays_muted(client, personas) -> None:
    NotificationPreference.objects.create(user=personas.resident_a, muted_kinds=["case.supervised"])
    assert client.login(username=personas.resident_a.username, password=PASSWORD)
    data = {
        "quiet_start": "22:00",
        "quiet_end": "07:00",
        "sent_kinds": sorted(kinds_for(staff=False)),
    }
    assert client.post(reverse("me:preferences"), data).status_code == 302
    pref = NotificationPreference.objects.get(user=personas.resident_a)
    assert pref.muted_kinds == ["case.supervised"]


def test_the_email_box_is_disabled_with_a_hint_without_an_address(client, personas) -> None:
    page = _page(client, personas.resident_a)  # no email on file, a phone on file
    email_box = re.search(r'<input[^>]*name="email_enabled"[^>]*>', page)[0]
    assert "disabled" in email_box and "checked" not in email_box
    assert 'data-testid="email_enabled-hint"' in page and "账户登记电子邮箱后才能开启" in page
    sms_box = re.search(r'<input[^>]*name="sms_enabled"[^>]*>', page)[0]
    assert "disabled" not in sms_box and 'data-testid="sms_enabled-hint"' not in page

    personas.resident_a.email = "zhangsan@example.cn"
    personas.resident_a.save(update_fields=["email"])
    page = client.get(reverse("me:preferences")).content.decode()
    email_box = re.search(r'<input[^>]*name="email_enabled"[^>]*>', page)[0]
    assert "disabled" not in email_box and "账户登记电子邮箱后才能开启" not in page
