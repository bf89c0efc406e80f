"""The inbox and 通知设置 with a screen reader: each button says which notification it acts
on, and a refused preferences form lists its errors, each tied to its field."""

import re

import pytest
from django.urls import reverse

from gongzhi.core.notifications import notify
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _button_names(html: str) -> list[str]:
    """A button's accessible name: its words, hidden ones included, tags dropped."""
    buttons = re.findall(r'<button class="btn btn-sm [^"]*">(.*?)</button>', html, flags=re.S)
    return [re.sub(r"<[^>]+>", "", b).strip() for b in buttons]


def test_each_inbox_button_names_its_notification(client, personas) -> None:
    for key, title in (("1", "诉求已交办：楼道灯不亮"), ("2", "诉求已交办：电梯异响")):
        notify(
            recipient=personas.resident_a,
            kind="case.assigned",
            title=title,
            link="/cases/7/",
            dedupe_key=key,
        )
    html = _login(client, personas.resident_a).get(reverse("me:notifications")).content.decode()
    names = [n for n in _button_names(html) if n.startswith(("查看", "标为已读"))]
    assert len(names) == 4 and len(set(names)) == 4, names
    assert "查看：诉求已交办：电梯异响" in names and "标为已读：诉求已交办：楼道灯不亮" in names


def test_a_refused_preference_lists_its_error_and_ties_it_to_the_field(client, personas) -> None:
    _login(client, personas.resident_a)
    response = client.post(reverse("me:preferences"), {"quiet_start": "", "quiet_end": "07:00"})
    html = response.content.decode()
    summary = re.search(r'<div [^>]*data-testid="error-summary"[^>]*>(.*?)</div>', html, re.S)
    assert summary and "autofocus" in summary[0]
    assert (
        '<a class="alert-link fw-normal" href="#id_quiet_start">免打扰开始：请填写时间。</a>'
        in html
    )
    field = re.search(r'<input[^>]*name="quiet_start"[^>]*>', html)[0]
    assert 'aria-invalid="true"' in field and 'aria-describedby="id_quiet_start_error"' in field
    assert re.search(r'id="id_quiet_start_error">\s*<div>请填写时间。</div>', html)
    end = re.search(r'<input[^>]*name="quiet_end"[^>]*>', html)[0]
    assert "aria-invalid" not in end
