"""What a resident on a phone and a community worker at a desk see after signing in."""

import pytest

from gongzhi.org.testing import PASSWORD, Personas

pytestmark = [pytest.mark.browser]


def sign_in(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.locator("form").filter(has=page.locator("#id_password")).get_by_role(
        "button", name="登录"
    ).click()
    page.wait_for_load_state()


def assert_looks_right(page, problems, *, phone: bool = False) -> None:
    """Stylesheets loaded (Bootstrap and ours), no refused script, nothing wider than a phone."""
    styled = page.evaluate(
        """() => {
          const nav = document.querySelector('nav.gz-nav');
          const style = getComputedStyle(nav);
          return {display: style.display, background: style.backgroundColor};
        }"""
    )
    assert styled == {"display": "flex", "background": "rgb(183, 28, 28)"}, (
        "Bootstrap or gongzhi.css did not load",
        problems.failed,
    )
    assert problems.failed == []
    assert problems.console_errors == []
    if phone:
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the page is {overflow}px wider than the phone screen"


def test_resident_sees_their_household_on_a_phone(
    live_server, personas: Personas, phone_page, shots
) -> None:
    page, problems = phone_page
    sign_in(page, live_server.url, "resident_a")
    shots.take(page, "home")

    households = page.get_by_test_id("my-households")
    assert households.is_visible()
    text = households.inner_text()
    assert "A小区" in text
    assert "1单元101" in text
    assert "89.50" in text
    assert "李四" not in page.content()  # resident_b lives in compound B
    assert page.get_by_test_id("my-area").count() == 0  # no staff section for a resident
    assert_looks_right(page, problems, phone=True)

    # On a phone the menu folds behind the toggler; Bootstrap's script (CSP-allowed) opens it.
    assert not page.get_by_role("button", name="退出").is_visible()
    page.get_by_role("button", name="菜单").click()
    page.locator("#gz-nav.collapse.show").wait_for()  # the opening animation has finished
    assert page.get_by_role("button", name="退出").is_visible()
    shots.take(page, "menu")

    households.get_by_text("1单元101").click()
    page.wait_for_url(f"**/org/units/{personas.unit_a.pk}/")
    shots.take(page, "unit")
    people = page.get_by_test_id("people").inner_text()
    assert "138****1234" in people
    assert "13812341234" not in page.content()
    assert "420106198001011237" not in page.content()
    assert_looks_right(page, problems, phone=True)


def test_community_worker_sees_only_their_community(
    live_server, personas: Personas, desktop_page, shots
) -> None:
    page, problems = desktop_page
    sign_in(page, live_server.url, "community_worker")
    shots.take(page, "home")

    area = page.get_by_test_id("my-area")
    assert "华锦社区" in area.inner_text()
    assert "宝安社区" not in page.content()
    assert_looks_right(page, problems)

    area.get_by_text("华锦社区").click()
    page.wait_for_url(f"**/org/communities/{personas.community1.pk}/")
    shots.take(page, "community")
    assert page.get_by_role("link", name="A小区").is_visible()
    assert page.get_by_role("link", name="B小区").is_visible()
    assert "C小区" not in page.content()

    page.get_by_role("link", name="A小区").click()
    page.wait_for_url(f"**/org/compounds/{personas.compound_a.pk}/")
    shots.take(page, "compound")
    parties = page.get_by_test_id("three-parties")
    assert parties.is_visible()
    text = parties.inner_text()
    for heading in ("党支部", "业主委员会", "物业服务企业"):
        assert heading in text
    assert "测试物业X有限公司" in text
    assert_looks_right(page, problems)


def test_wrong_password_shows_the_chinese_error(
    live_server, personas: Personas, phone_page, shots
) -> None:
    page, problems = phone_page
    sign_in(page, live_server.url, "resident_a", password="not-the-password")
    shots.take(page, "error")

    assert page.get_by_role("alert").inner_text().strip() == "用户名或密码不正确，请重试。"
    assert page.url.endswith("/accounts/login/")
    assert page.get_by_test_id("current-user").count() == 0
    assert_looks_right(page, problems, phone=True)
