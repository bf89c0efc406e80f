"""A staff member's pages on a 390 px phone: an English badge wraps instead of pushing the page
sideways, photo tiles sit on the page's margin with their captions inside, and the links in
tables (units, compounds, the dashboard's figures) and the menu button are finger-sized."""

import pytest
from playwright.sync_api import expect

from gongzhi.cases.models import Case
from gongzhi.cases.tests.conftest import CaseMaker, png
from gongzhi.org.testing import PASSWORD, Personas
from tests.browser.conftest import PHONE
from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser]

MARGIN = 12  # Bootstrap's container padding on a phone


def _box(locator) -> dict:
    box = locator.bounding_box()
    assert box is not None, locator
    return box


def sign_in_en(page, base_url: str, username: str) -> None:
    """The sign-in form in English (the shared step finds its fields by their Chinese labels)."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form").filter(has=page.locator("#id_password")).locator(
        "button[type=submit]"
    ).click()
    page.get_by_test_id("current-user").wait_for(state="attached")


def test_an_english_escalation_badge_wraps_and_the_urgency_badge_stands_apart(
    live_server, personas: Personas, browser, shots
) -> None:
    case = CaseMaker(personas).in_progress(title="楼道灯坏了")
    Case.objects.filter(pk=case.pk).update(
        escalation_level=2, assigned_level="department", supervised=True, urgency="urgent"
    )
    context = browser.new_context(
        viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True, device_scale_factor=2
    )
    try:
        page = context.new_page()
        sign_in_en(page, live_server.url, personas.street_officer.username)
        page.goto(f"{live_server.url}/cases/{case.pk}/")
        badge = page.get_by_test_id("escalated")
        expect(badge).to_contain_text("Overdue, escalated")
        shots.take(page, "case-page-en")
        assert _box(badge)["x"] + _box(badge)["width"] <= PHONE["width"] - MARGIN
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        page.goto(f"{live_server.url}/cases/?bucket=all")
        row = page.get_by_test_id("queue-row").filter(has_text="楼道灯坏了")
        assert "Urgent 楼道灯坏了" in row.inner_text()  # read out as two words, not one
    finally:
        context.close()


def test_photo_tiles_sit_on_the_page_margin_with_their_captions_inside(
    live_server, personas: Personas, phone_page, shots, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    case = CaseMaker(personas).received(photos=[png("a.png"), png("b.png")])
    page, problems = phone_page
    sign_in(page, live_server.url, personas.community_worker.username)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    tiles = page.get_by_test_id("attachments").get_by_role("link")
    expect(tiles).to_have_count(2)
    shots.take(page, "photo-tiles")
    first, second = _box(tiles.nth(0)), _box(tiles.nth(1))
    assert first["x"] == MARGIN
    assert second["x"] >= first["x"] + first["width"]  # side by side, not overlapping
    for i in range(2):
        tile = _box(tiles.nth(i))
        picture = _box(tiles.nth(i).locator("img"))
        caption = _box(tiles.nth(i).get_by_text("现场照片"))
        assert picture["y"] + picture["height"] <= caption["y"]
        assert caption["y"] + caption["height"] <= tile["y"] + tile["height"]
        assert tile["x"] <= picture["x"] and picture["x"] + picture["width"] <= (
            tile["x"] + tile["width"]
        )
    assert problems.failed == [] and problems.console_errors == []


def test_links_in_tables_and_the_menu_button_are_finger_sized_on_a_phone_only(
    live_server, personas: Personas, phone_page, desktop_page, shots
) -> None:
    CaseMaker(personas).received(title="楼道灯不亮")  # a figure to click on the dashboard
    page, problems = phone_page
    sign_in(page, live_server.url, personas.street_officer.username)
    links = {
        f"/org/buildings/{personas.building_a.pk}/": f"a[href='/org/units/{personas.unit_a.pk}/']",
        f"/org/communities/{personas.community1.pk}/": (
            f"main a[href='/org/compounds/{personas.compound_a.pk}/']"
        ),
        "/insights/": "[data-testid=area-open] a",
    }
    for url, selector in links.items():
        page.goto(f"{live_server.url}{url}")
        link = page.locator(selector).first
        assert _box(link)["height"] >= 44, url
        assert _box(link)["height"] <= 46, url  # the row is not made taller than needed
    shots.take(page, "dashboard-figures")
    assert _box(page.locator(".navbar-toggler"))["height"] >= 44

    desktop, _ = desktop_page
    sign_in(desktop, live_server.url, personas.street_officer.username)
    desktop.goto(f"{live_server.url}/org/buildings/{personas.building_a.pk}/")
    assert _box(desktop.locator(links[f"/org/buildings/{personas.building_a.pk}/"]))["height"] < 30
    assert problems.failed == [] and problems.console_errors == []
