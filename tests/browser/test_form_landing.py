"""Where a phone lands after sending a form: a refused form opens on its list of errors (the
first field in error may be a screen or two below), a refused action comes back to its form,
and a successful one to the top of the case page, where its message is."""

import pytest
from playwright.sync_api import expect

from gongzhi.cases.models import Case
from gongzhi.cases.sla import ensure_default_policies
from gongzhi.cases.tests.conftest import CaseMaker
from gongzhi.org.testing import Personas
from tests.browser.steps import flash, open_action, png, sign_in, submit_action

pytestmark = [pytest.mark.browser]


def test_a_successful_action_lands_on_its_message_and_a_refused_one_on_its_form(
    live_server, personas: Personas, phone_page, shots
) -> None:
    ensure_default_policies()  # the live server's flush removed them
    case = CaseMaker(personas).dispatched(title="楼道堆放杂物", content="3单元楼道堆满纸箱")
    page, problems = phone_page
    sign_in(page, live_server.url, personas.community_worker.username)
    page.goto(f"{live_server.url}/cases/{case.pk}/")

    form = open_action(page, "supervise")
    submit_action(page, form, "督办")  # no reason: refused
    assert page.url.endswith("/supervise#act-supervise")
    refused = page.locator("#act-supervise")
    expect(refused.get_by_test_id("error-summary")).to_contain_text("理由：请填写理由")
    expect(refused.get_by_test_id("field-error")).to_be_in_viewport()
    shots.take(page, "refused")

    form = page.locator('details[data-action="supervise"] form')
    form.get_by_label("理由").fill("已超时，请今天内处理")
    submit_action(page, form, "督办")
    assert flash(page) == "已督办"
    expect(page.locator("main > .alert").first).to_be_in_viewport()
    page.wait_for_function("window.scrollY === 0")
    assert page.url == f"{live_server.url}/cases/{case.pk}/#top"
    shots.take(page, "done")
    assert problems.failed == [f"400 {live_server.url}/cases/{case.pk}/supervise"]  # refused
    assert all("status of 400" in e for e in problems.console_errors)


def test_a_refused_filing_opens_on_all_its_errors_at_once(
    live_server, personas: Personas, phone_page, shots, settings, tmp_path
) -> None:
    """A grid worker forgets 诉求内容 and mistypes the phone: both are listed at the top of the
    screen, focused (a screen reader reads them), each a link to its field; the photo is kept
    (its thumbnail shown), not chosen again, and the second try files the case with it."""
    settings.MEDIA_ROOT = tmp_path
    ensure_default_policies()
    page, problems = phone_page
    sign_in(page, live_server.url, personas.grid_worker.username)
    page.goto(f"{live_server.url}/cases/intake/")
    photo = {"name": "scene.png", "mimeType": "image/png", "buffer": png()}
    page.get_by_label("联系电话").fill("138-abc")
    page.get_by_label("现场照片").set_input_files(photo)
    with page.expect_navigation():
        page.get_by_role("button", name="登记").click()

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary.get_by_role("link")).to_have_text(
        [
            "诉求内容：请填写诉求内容",
            "联系电话：联系电话格式不正确",
        ]
    )
    expect(page.get_by_test_id("kept-thumbnail")).to_have_count(1)
    shots.take(page, "refused")
    summary.get_by_role("link", name="联系电话：联系电话格式不正确").click()
    expect(page.get_by_label("联系电话")).to_be_in_viewport()

    page.get_by_label("诉求内容").fill("5栋门口井盖松动，有人踩空")
    page.get_by_label("联系电话").fill("138 0000 1111")
    with page.expect_navigation():
        page.get_by_role("button", name="登记").click()
    case = Case.objects.get()
    assert flash(page) == f"诉求已登记，编号 {case.number}"
    assert case.attachments.count() == 1 and case.requester_phone == "138 0000 1111"
    assert problems.failed == [] and problems.console_errors == []
