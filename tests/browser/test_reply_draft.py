"""The AI grid worker's reply draft as the property staff meets it on a desktop: one click fills
the public reply, the character counter follows, and the page says the draft is to be checked
(nothing is sent until 确认处置完毕) and shows under it the model version, the similarity and the
closed case it came from, as a link (G3)."""

import re

import pytest
from playwright.sync_api import expect

from gongzhi.cases import services
from gongzhi.cases.sla import ensure_default_policies
from gongzhi.cases.tests.conftest import CaseMaker
from gongzhi.org.testing import Personas
from gongzhi.triage.replies import VERSION as REPLY_DRAFT_VERSION
from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser]


def test_the_draft_fills_the_reply_updates_the_counter_and_asks_for_a_check(
    live_server, personas: Personas, desktop_page, shots, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    ensure_default_policies()  # the live server's flush removed them
    make = CaseMaker(personas)
    done = make.resolved(title="楼道灯不亮", content="3单元楼道灯坏了一周")
    services.case_visit(
        case=done, actor=personas.grid_worker, resolved=True, level="satisfied", via="phone"
    )
    case = make.in_progress(title="楼道灯坏了", content="5单元楼道灯坏了好几天")
    page, problems = desktop_page
    sign_in(page, live_server.url, personas.property_a.username)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.get_by_test_id("action-resolve").click()
    page.get_by_test_id("reply-draft-resolve").click()

    note = page.locator("[data-reply-draft-note]")
    expect(note).to_be_visible()  # shown once the draft is in place
    text = page.locator("#id_resolve_public_reply").input_value()
    assert "已更换楼道灯" in text
    counter = page.locator("#id_resolve_public_reply_counter")
    assert counter.inner_text() == f"已输入 {len(text)} / 5000 字"  # not "已输入 0"
    assert "请按本诉求的实际处理情况核对修改" in note.inner_text()
    assert "不会自动发送" in note.inner_text()
    provenance = page.locator("[data-reply-draft-provenance]")
    expect(provenance).to_contain_text(f"模型版本：{REPLY_DRAFT_VERSION}")
    expect(provenance).to_contain_text(re.compile(r"相似度：\d+%"))
    source = provenance.get_by_role("link", name=done.number)
    expect(source).to_have_attribute("href", f"/cases/{done.pk}/")
    shots.take(page, "draft")
    with page.expect_popup() as opened:
        source.click()  # the closed case opens beside the draft
    expect(opened.value.locator("body")).to_contain_text(done.number)
    opened.value.close()
    case.refresh_from_db()
    assert case.public_reply == ""  # a draft is never sent by itself
    assert problems.failed == [] and problems.console_errors == []


def test_the_drafts_provenance_uses_the_page_languages_punctuation(
    live_server, personas: Personas, desktop_page, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    ensure_default_policies()
    make = CaseMaker(personas)
    make.resolved(title="楼道灯不亮", content="3单元楼道灯坏了一周")
    case = make.in_progress(title="楼道灯坏了", content="5单元楼道灯坏了好几天")
    page, problems = desktop_page
    sign_in(page, live_server.url, personas.property_a.username)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_test_id("action-resolve").click()
    page.get_by_test_id("reply-draft-resolve").click()
    provenance = page.locator("[data-reply-draft-provenance]")
    expect(provenance).to_contain_text(re.compile(r"\d+%"))
    text = provenance.inner_text()
    assert not re.search("[：（）、　]", text), text  # no full-width marks in English
    assert re.search(r": \S+ +\S.*: \d+%", text), text
    assert problems.failed == [] and problems.console_errors == []
