"""With a screen reader or the keyboard: a refused form puts focus on its error summary (so
it is read out), the language switcher does not reload the page while the keys move through
it, and a rating choice's box and words are one target."""

import pytest

from gongzhi.cases.tests.conftest import CaseMaker
from gongzhi.org.testing import Personas
from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser]

FOCUSED_TESTID = "() => document.activeElement && document.activeElement.dataset.testid"


def test_a_refused_rating_puts_focus_on_its_error_summary(
    live_server, personas: Personas, phone_page, shots
) -> None:
    case = CaseMaker(personas).resolved()
    page, problems = phone_page
    sign_in(page, live_server.url, personas.resident_a.username)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    rating = page.get_by_test_id("rate-form")
    rating.get_by_label("满意", exact=True).check()
    with page.expect_navigation():
        rating.get_by_role("button", name="提交评价").click()  # 问题是否解决 left out
    page.wait_for_function(f"({FOCUSED_TESTID})() === 'error-summary'")
    shots.take(page, "refused-rating")
    assert all("status of 400" in e for e in problems.console_errors)  # refused, as meant


def test_the_keys_move_through_the_languages_without_reloading(live_server, desktop_page) -> None:
    page, problems = desktop_page
    page.goto(f"{live_server.url}/accounts/login/")
    switcher = page.locator("select[name=language]")
    switcher.focus()
    page.keyboard.press("ArrowDown")  # 简体中文 -> English: no reload yet
    page.wait_for_timeout(500)
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED_TESTID) == "language-submit"
    assert page.get_by_test_id("language-submit").bounding_box()["width"] > 20  # shown
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("html").get_attribute("lang") == "en"
    assert problems.console_errors == []


def test_a_tap_on_a_rating_choices_box_or_words_picks_it(
    live_server, personas: Personas, phone_page
) -> None:
    case = CaseMaker(personas).resolved()
    page, _problems = phone_page
    sign_in(page, live_server.url, personas.resident_a.username)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    choice = page.locator("#id_visit_level_1")  # 满意: two characters
    choice.scroll_into_view_if_needed()
    label = page.locator("label[for=id_visit_level_1]").bounding_box()
    assert label["width"] >= 44 and label["height"] >= 44
    box = choice.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert choice.is_checked()
