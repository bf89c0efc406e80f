"""跳到主要内容: a keyboard or screen-reader user's first stop on every page leads past the
navigation bar to the page's own content."""

import re

import pytest
from django.test import Client

from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

FOCUSABLE = re.compile(
    r"<(a\s[^>]*href|button|input(?![^>]*type=\"hidden\")|select|textarea)\b[^>]*>"
)


def _body(html: str) -> str:
    return html.split("<body", 1)[1]


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_first_stop_skips_to_the_main_content(personas, signed_in):
    client = Client()
    if signed_in:
        assert client.login(username=personas.community_worker.username, password=PASSWORD)
    html = client.get("/" if signed_in else "/accounts/login/").content.decode()

    first = FOCUSABLE.search(_body(html)).group(0)
    assert 'href="#main"' in first and 'data-testid="skip-link"' in first
    link = re.search(r'<a [^>]*data-testid="skip-link"[^>]*>(.*?)</a>', html).group(1)
    assert link == "跳到主要内容"
    assert re.search(r'<main [^>]*id="main"', html)
