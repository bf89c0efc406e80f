"""The staff case page and the tracking page on a 360 px phone with the text doubled (root font
size 200 %), in Chinese and English: nothing runs off the side, each detail's label reads on one
line, the badges wrap inside the card, the case number stays whole."""

import pytest
from django.conf import settings

from gongzhi.cases.models import Case
from gongzhi.cases.tests.conftest import CaseMaker
from gongzhi.cases.tests.test_tracking import WalkIn, link
from gongzhi.org.testing import PASSWORD, Personas

pytestmark = [pytest.mark.browser]

NARROW = {"width": 360, "height": 780}
LAYOUT = """(width) => {
  const lines = (el) => Math.round(el.getBoundingClientRect().height
    / parseFloat(getComputedStyle(el).lineHeight));
  const number = document.querySelector('[data-testid=case-number]');
  return {
    scrollWidth: document.documentElement.scrollWidth,
    overflowing: [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > width)
      .slice(0, 3).map((el) => el.outerHTML.slice(0, 160)),
    labels: [...document.querySelector('main dl').querySelectorAll('dt')]
      .map((dt) => [dt.innerText.trim(), lines(dt)]),
    numberLines: number.getClientRects().length,
    badgeRights: [...document.querySelectorAll('.gz-title-row .badge')]
      .map((b) => Math.round(b.getBoundingClientRect().right)),
  };
}"""


def _look(browser, base_url: str, language: str, url: str, username: str | None, shots):
    context = browser.new_context(viewport=NARROW, is_mobile=True, has_touch=True)
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}]
    )
    try:
        page = context.new_page()
        if username:
            page.goto(f"{base_url}/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            page.locator("form").filter(has=page.locator("#id_password")).locator(
                "button[type=submit]"
            ).click()
            page.get_by_test_id("current-user").wait_for(state="attached")
        page.goto(base_url + url)
        page.add_style_tag(content="html { font-size: 200% !important; }")
        shots.take(page, f"{language}-{'staff' if username else 'track'}")
        return page.evaluate(LAYOUT, NARROW["width"])
    finally:
        context.close()


def _assert_fits(layout: dict) -> None:
    assert layout["scrollWidth"] <= NARROW["width"], layout
    assert layout["labels"] and all(n == 1 for _, n in layout["labels"]), layout["labels"]
    assert layout["numberLines"] == 1, layout
    assert all(right <= NARROW["width"] for right in layout["badgeRights"]), layout


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_case_pages_fit_a_narrow_phone_at_double_text_size(
    live_server, personas: Personas, browser, shots, language
) -> None:
    escalated = {"escalation_level": 2, "assigned_level": "department", "supervised": True}
    staff_case = CaseMaker(personas).in_progress(title="门岗管理松散")
    walk_in = WalkIn(personas).in_progress(title="夜间装修噪音")
    Case.objects.filter(pk__in=[staff_case.pk, walk_in.pk]).update(**escalated)

    staff = _look(
        browser,
        live_server.url,
        language,
        f"/cases/{staff_case.pk}/",
        personas.street_officer.username,
        shots,
    )
    _assert_fits(staff)
    _assert_fits(_look(browser, live_server.url, language, link(walk_in), None, shots))
