"""The 工作台 on a tablet (768 px) and a small laptop (1024 px): the top menu folds rather than
breaking its words one character per line, and the queue filters fit (the search help in two
lines, no select narrower than its label)."""

import pytest

from gongzhi.org.testing import Personas
from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser]

LINE = 30  # px: more than one line of menu or help text is taller


@pytest.mark.parametrize("width", [768, 1024])
def test_the_menu_and_the_queue_filters_fit_a_tablet(
    live_server, personas: Personas, browser, shots, width
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 1024}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, live_server.url, personas.street_officer.username)
    page.goto(f"{live_server.url}/cases/")
    shots.take(page, f"queue-{width}")

    menu_item = page.locator("#gz-nav .nav-link", has_text="工作台")
    if width < 992:  # folded behind the menu button
        assert page.locator(".navbar-toggler").is_visible()
        assert not menu_item.is_visible()
    else:
        assert menu_item.bounding_box()["height"] < 2 * LINE  # "工作台" on one line (40 px)

    # The search help in two lines of ~21 px (it took four beside a narrow search box).
    assert page.get_by_test_id("search-scope").bounding_box()["height"] < 2 * LINE
    for select in page.get_by_test_id("queue-filters").locator("select").all():
        assert select.bounding_box()["width"] >= 150, select.input_value()
    context.close()
