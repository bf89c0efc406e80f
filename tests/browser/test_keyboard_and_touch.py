"""Finding one's way without a mouse, and with a finger: the work queue's tabs show which one
is chosen and say what it lists, the keyboard's first stop skips the menu, the focused control
wears a clear ring (white on the red navbar), and small links on a phone are finger-sized."""

import re

import pytest
from playwright.sync_api import expect

from gongzhi.cases.tests.conftest import CaseMaker
from gongzhi.cases.tests.test_tracking import WalkIn
from gongzhi.org.testing import Personas
from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser]

ACTIVE = re.compile(r"\bactive\b")
FOCUS_RING = "rgb(11, 87, 208) solid 3px"  # --gz-focus in static/css/gongzhi.css
WHITE_RING = "rgb(255, 255, 255) solid 3px"


def _ring(locator) -> str:
    return locator.evaluate(
        "el => { const s = getComputedStyle(el);"
        " return `${s.outlineColor} ${s.outlineStyle} ${s.outlineWidth}`; }"
    )


def test_a_queue_tab_takes_the_highlight_and_says_what_it_lists(
    live_server, personas: Personas, desktop_page, shots, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path  # the resolved case's evidence photo
    make = CaseMaker(personas)
    make.received(title="楼道灯不亮")
    make.resolved(title="地下车库有积水")
    page, problems = desktop_page
    sign_in(page, live_server.url, personas.community_worker.username)
    page.goto(f"{live_server.url}/cases/")
    tabs, rows = page.get_by_test_id("queue-tab"), page.get_by_test_id("queue-row")
    status = page.get_by_role("status")
    expect(tabs.filter(has_text="未办结")).to_have_class(ACTIVE)
    expect(rows.filter(has_text="楼道灯不亮")).to_have_count(1)

    # Only the results are reloaded (htmx): the highlight moves with the choice all the same.
    tabs.filter(has_text="待回访").click()
    expect(rows.filter(has_text="地下车库有积水")).to_have_count(1)
    expect(rows.filter(has_text="楼道灯不亮")).to_have_count(0)
    expect(tabs.filter(has_text="待回访")).to_have_class(ACTIVE)
    expect(tabs.filter(has_text="未办结")).not_to_have_class(ACTIVE)
    expect(page.locator("[data-queue-tabs] .active")).to_have_count(1)
    expect(status).to_have_text("待回访 · 共 1 条")  # a polite live region: read out once
    assert _ring(tabs.filter(has_text="待回访")) != FOCUS_RING  # no ring after a mouse click
    shots.take(page, "resolved-tab")

    # The arrow keys choose the next tab, which shows the keyboard's focus ring.
    page.keyboard.press("ArrowRight")
    closed = tabs.filter(has_text="已结束")
    expect(closed).to_have_class(ACTIVE)
    expect(status).to_have_text("已结束 · 共 0 条")
    expect(rows).to_have_count(0)
    assert _ring(closed) == FOCUS_RING
    shots.take(page, "closed-tab-by-keyboard")

    # Back: the page as it was, with its tab highlighted.
    page.go_back()
    expect(page).to_have_url(re.compile(r"bucket=resolved"))
    expect(rows.filter(has_text="地下车库有积水")).to_have_count(1)
    expect(tabs.filter(has_text="待回访")).to_have_class(ACTIVE)
    expect(page.locator("[data-queue-tabs] .active")).to_have_count(1)
    assert problems.failed == [] and problems.console_errors == []


def test_the_keyboard_skips_the_menu_and_sees_where_it_is(
    live_server, personas: Personas, desktop_page, shots
) -> None:
    page, problems = desktop_page
    sign_in(page, live_server.url, personas.community_worker.username)
    page.goto(f"{live_server.url}/cases/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到主要内容")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["width"] > 50 and box["height"] > 20  # shown, not 1 px
    assert _ring(skip) == WHITE_RING  # it sits on the red navbar
    shots.take(page, "skip-link")

    page.keyboard.press("Tab")  # without skipping: the navbar's first link, ringed in white
    brand = page.get_by_role("link", name="共治", exact=True)
    expect(brand).to_be_focused()
    assert _ring(brand) == WHITE_RING

    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")  # skip: the next stop is in the page's own content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
    new_case = page.get_by_role("link", name="登记诉求")
    expect(new_case).to_be_focused()
    assert _ring(new_case) == FOCUS_RING
    shots.take(page, "focus-in-main")
    assert problems.failed == [] and problems.console_errors == []


def test_small_links_on_a_phone_are_finger_sized(
    live_server, personas: Personas, phone_page, shots
) -> None:
    case = WalkIn(personas).received(title="楼道灯不亮")  # a visitor without an account: a receipt
    page, problems = phone_page
    sign_in(page, live_server.url, personas.community_worker.username)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    receipt = page.get_by_test_id("print-receipt")
    crumb = page.get_by_role("navigation", name="breadcrumb").get_by_role("link", name="工作台")
    for link in (receipt, crumb):
        box = link.bounding_box()
        assert box is not None and box["height"] >= 44, link
    shots.take(page, "case-page")
    assert problems.failed == [] and problems.console_errors == []


def test_the_rating_choices_are_finger_sized_on_a_phone(
    live_server, personas: Personas, phone_page, shots
) -> None:
    """已解决 / 未解决 and the five levels: each choice's label, which toggles it, is 44 px tall."""
    case = CaseMaker(personas).resolved()
    page, problems = phone_page
    sign_in(page, live_server.url, personas.resident_a.username)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    labels = page.locator("#rate .form-check-label")
    assert labels.count() >= 7
    for i in range(labels.count()):
        box = labels.nth(i).bounding_box()
        assert box is not None and box["height"] >= 44, labels.nth(i).inner_text()
    shots.take(page, "rating-choices")
    assert problems.failed == [] and problems.console_errors == []


def test_the_report_forms_buttons_and_fields_are_finger_sized_on_a_phone(
    live_server, personas: Personas, phone_page, shots
) -> None:
    """我要反映 on a phone: the place and type selects, the title field and 提交 are 44 px tall
    (Bootstrap's default is 38)."""
    page, problems = phone_page
    sign_in(page, live_server.url, personas.resident_a.username)
    page.goto(f"{live_server.url}/cases/new/")
    controls = page.locator("main form select, main form input.form-control:not([type=file])")
    controls = [controls.nth(i) for i in range(controls.count())]
    controls.append(page.locator("main form").get_by_role("button", name="提交"))
    assert len(controls) >= 3
    for control in controls:
        box = control.bounding_box()
        assert box is not None and box["height"] >= 44, control
    shots.take(page, "report-form")
    assert problems.failed == [] and problems.console_errors == []
