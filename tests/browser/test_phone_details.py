"""Details a resident meets on a phone: the filing form counts what is typed against its limit,
and unread notifications show beside the folded menu."""

import pytest

from gongzhi.core.notifications import notify
from gongzhi.org.testing import Personas
from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser]


def test_the_filing_form_counts_characters_and_the_badge_shows_folded(
    live_server, personas: Personas, phone_page, shots
) -> None:
    notify(recipient=personas.resident_a, kind="case.resolved", title="诉求已处置", dedupe_key="x")
    page, problems = phone_page
    sign_in(page, live_server.url, "resident_a")

    badge = page.get_by_test_id("notifications-badge-collapsed")
    assert badge.is_visible() and "1" in badge.inner_text()
    assert not page.get_by_test_id("notifications-badge").is_visible()  # folded in the menu

    page.goto(f"{live_server.url}/cases/new/")
    counter = page.get_by_test_id("char-counter")
    assert counter.inner_text() == "已输入 0 / 5000 字"
    page.get_by_label("反映内容").fill("楼道灯坏了一周")
    assert counter.inner_text() == "已输入 7 / 5000 字"
    page.get_by_label("反映内容").fill("长" * 5000)
    assert counter.inner_text() == "已输入 5000 / 5000 字"
    assert "text-danger" in (counter.get_attribute("class") or "")
    # A longer text pasted in is kept whole (no browser maxlength cutting off its end), the
    # counter says how much to cut, and the form refuses it in words, giving it all back.
    content = page.get_by_label("反映内容")
    content.fill("长" * 5000 + "请尽快派人处理")
    assert len(content.input_value()) == 5007
    assert counter.inner_text() == "已输入 5007 / 5000 字，超出 7 字，请删减后再提交"
    shots.take(page, "counter")
    page.get_by_role("button", name="提交").click()
    page.wait_for_load_state()
    assert "反映内容不能超过" in page.content()
    assert page.get_by_label("反映内容").input_value().endswith("请尽快派人处理")
    assert problems.failed == [] and problems.console_errors == []
