"""The sign-in page: the demo accounts' pointer only where the demo street is loaded, and its
English reads as English."""

import pytest
from django.test import Client

from gongzhi.org import services
from gongzhi.org.demo_data import STREET_CODE

pytestmark = pytest.mark.django_db

HINT = "演示账号见 README"


def _page(language: str = "zh-hans") -> str:
    client = Client()
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    return client.get("/accounts/login/").content.decode()


def test_a_real_site_never_points_residents_to_the_readme() -> None:
    page = _page()
    assert HINT not in page and "README" not in page
    assert "公众无需登录即可查看" in page and 'href="/public/"' in page  # still offered to all


def test_the_demo_street_shows_where_the_demo_accounts_are(settings) -> None:
    services.street_create(name="南湖街道", code=STREET_CODE, district="武昌区", city="武汉市")
    assert HINT in _page()
    settings.GONGZHI_DEMO_HINT = False  # a production site that happens to hold the demo street
    assert HINT not in _page()


def test_the_sign_in_page_in_english() -> None:
    page = _page("en")
    assert 'Anyone can browse <a href="/public/">Open Compounds</a> without signing in.' in page
    assert "Anyone can view, without signing in" not in page
    assert 'No account needed: <a href="/track/' in page  # a space after the colon
    assert "公众" not in page and "演示账号" not in page
