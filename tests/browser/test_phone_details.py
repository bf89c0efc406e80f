"""Details a resident or a clerk meets on a phone: the filing form counts what is typed against
its limit, unread notifications show beside the folded menu, and a refused action comes back
into view."""

import pytest
from playwright.sync_api import expect

from gongzhi.cases.sla import ensure_default_policies
from gongzhi.cases.tests.conftest import CaseMaker
from gongzhi.core.notifications import notify
from gongzhi.org.testing import Personas
from tests.browser.steps import open_action, png, sign_in, submit_action, upload

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


def test_a_refused_action_on_a_phone_comes_back_into_view_and_asks_for_its_files_again(
    live_server, personas: Personas, phone_page, shots, settings, tmp_path
) -> None:
    """The property clerk's 处置完毕 is refused (a phone number in the public reply): the page
    comes back at the form with its error in sight, not at the top of a long page, and says the
    evidence photo must be chosen again (a browser never keeps a file across a refused form)."""
    settings.MEDIA_ROOT = tmp_path
    ensure_default_policies()  # the live server's flush removed them
    case = CaseMaker(personas).in_progress(title="楼道灯坏了", content="5单元楼道灯坏了好几天")
    page, problems = phone_page
    sign_in(page, live_server.url, personas.property_a.username)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    form = open_action(page, "resolve")
    form.locator("input[type=file]").set_input_files(
        {"name": "evidence.png", "mimeType": "image/png", "buffer": png()}
    )
    form.get_by_label("公开答复").fill("已更换楼道灯，如有问题请联系13912345678。")
    submit_action(page, form, "处置完毕")

    error = page.locator("#act-resolve").get_by_test_id("field-error").first
    expect(error).to_contain_text("公开答复不得包含电话")
    expect(error).to_be_in_viewport()
    expect(page.locator("#act-resolve").get_by_test_id("files-not-kept")).to_be_visible()
    shots.take(page, "refused-resolve")
    assert problems.failed == [f"400 {live_server.url}/cases/{case.pk}/resolve"]  # refused
    assert all("status of 400" in e for e in problems.console_errors)  # the same, in the console


def test_the_phone_refuses_a_wrong_photo_before_sending_and_keeps_the_others(
    live_server, personas: Personas, phone_page, shots, settings, tmp_path
) -> None:
    """A 6 MB photo, an iPhone's HEIC and a file that is no image are taken out of the choice
    as they are chosen, each named beside the field, the good photo stays chosen; ten photos
    keep the first nine and name the tenth: nothing is sent over mobile data only to be refused."""
    settings.MEDIA_ROOT = tmp_path
    ensure_default_policies()  # the live server's flush removed them
    page, problems = phone_page
    sign_in(page, live_server.url, "resident_a")
    page.goto(f"{live_server.url}/cases/new/")
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.get_by_label("反映内容").fill("楼道灯坏了一周，晚上很黑")
    photos = page.get_by_label("照片")
    expect(page.get_by_text("最多 9 张，支持 JPG、PNG、GIF、WebP")).to_be_visible()

    big = b"\x89PNG\r\n\x1a\n" + bytes(6 * 1024 * 1024)
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64)
    photos.set_input_files(
        [
            upload("楼道.png", png(), "image/png"),
            upload("大图.png", big, "image/png"),
            upload("IMG_0001.HEIC", heic, "image/heic"),
            upload("说明.jpg", b"<html>not a photo</html>", "image/jpeg"),
        ]
    )
    check = page.get_by_test_id("file-check")
    expect(check).to_contain_text("「大图.png」超过 5 MB")
    expect(check).to_contain_text("「IMG_0001.HEIC」：暂不支持 HEIC 格式")
    expect(check).to_contain_text("「说明.jpg」不是图片")
    expect(check).to_contain_text("以上照片未选入，已选的其他照片保留")
    assert photos.evaluate("input => Array.from(input.files).map((f) => f.name)") == ["楼道.png"]
    shots.take(page, "wrong-photos-left-out")

    photos.set_input_files([upload(f"{i}.png", png(), "image/png") for i in range(10)])
    expect(check).to_contain_text("最多上传 9 张照片")  # the tenth left out and named
    expect(check).to_contain_text("「9.png」")
    assert photos.evaluate("input => input.files.length") == 9
    assert posts == []  # nothing sent

    photos.set_input_files(upload("楼道.png", png(), "image/png"))
    expect(check).to_have_count(0)  # a good choice clears what was said
    with page.expect_navigation():
        page.get_by_role("button", name="提交").click()
    assert page.get_by_test_id("attachments").locator("img").count() == 1
    assert len(posts) == 1 and problems.failed == [] and problems.console_errors == []
