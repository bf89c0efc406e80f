"""The street officer's analysis pages in a real browser: the dashboard draws its three charts
(ECharts from the npm registry, the page's own script under the CSP), picks a community, and
leads to the monthly report, whose 打印 button opens the print dialog."""

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from gongzhi.cases.choices import Channel
from gongzhi.cases.sla import ensure_default_policies
from gongzhi.cases.tests.conftest import CaseMaker
from gongzhi.org.testing import Personas
from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser]


def test_the_dashboard_draws_its_charts_and_leads_to_the_monthly_report(
    live_server, personas: Personas, desktop_page, shots, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    ensure_default_policies()  # the live server's flush removed them
    make = CaseMaker(personas)
    make.received(title="电梯困人", content="2栋电梯停在两层之间", channel=Channel.HOTLINE_12345)
    make.dispatched(title="楼道灯不亮", content="3单元楼道灯坏了一周")
    earlier = dt.datetime.now(dt.UTC) - dt.timedelta(days=35)
    with time_machine.travel(earlier, tick=False):
        make.received(title="垃圾清运不及时", content="小区门口垃圾两天没人清运")
    page, problems = desktop_page
    sign_in(page, live_server.url, personas.street_officer.username)
    page.get_by_test_id("nav-dashboard").click()

    for chart in ("dashboard-daily-chart", "dashboard-channel-chart", "dashboard-category-chart"):
        expect(page.locator(f"#{chart} canvas")).to_have_count(1)
    expect(page.get_by_test_id("dashboard-area")).to_have_text(personas.street.name)
    shots.take(page, "dashboard")

    page.locator("#dashboard-community").select_option(str(personas.community2.pk))
    expect(page.get_by_test_id("dashboard-whole")).to_be_visible()
    assert f"community={personas.community2.pk}" in page.url

    page.get_by_test_id("link-monthly").click()
    expect(page.get_by_role("heading", name="一、总体情况")).to_be_visible()
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.get_by_test_id("monthly-print").click()
    assert page.evaluate("window.__printed === true")
    shots.take(page, "monthly")
    assert problems.failed == [] and problems.console_errors == []
