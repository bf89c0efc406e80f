"""Error pages a resident may meet on the phone: Chinese, in the site's layout where it is safe,
with the reason when there is one and a way back (首页, 工作台 for staff)."""

import datetime as dt

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_missing_page_is_explained_in_chinese_with_a_way_home(personas):
    response = _client(personas.resident_a).get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html and 'data-testid="error-page"' in html
    assert 'class="navbar' in html  # the site's own layout, not Django's bare page
    assert 'href="/">返回首页' in html
    assert "Not Found" not in html and "工作台</a>" not in html.split("error-page")[1]


def test_a_missing_case_offers_staff_the_workbench(personas):
    html = _client(personas.community_worker).get("/cases/999999/").content.decode()
    assert 'href="/cases/">工作台</a>' in html.split('data-testid="error-page"', 1)[1]


def test_a_refusal_says_why(personas):
    """An account without a household cannot file: the page says so, not just "403"."""
    response = _client(personas.outsider).get("/cases/new/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in html
    assert "您的账号尚未关联房屋，请联系社区工作人员" in html
    assert 'href="/">返回首页' in html


def test_a_refusal_without_a_reason_still_reads_well(personas):
    html = render_to_string("403.html", {"exception": ""})
    assert "您没有权限查看此页面或执行此操作。" in html


def test_the_server_error_page_needs_no_database(django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "系统出错了" in html and 'href="/"' in html and "Server Error" not in html


def test_an_expired_form_is_explained(personas):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "页面已过期" in html and "Forbidden" not in html


def test_too_many_sign_ins_get_a_page_with_a_way_back(personas, settings):
    settings.GONGZHI_LOGIN_RATE_PER_MINUTE = 1
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, 30, tzinfo=dt.UTC), tick=False):
        client = Client()
        client.post("/accounts/login/?next=/cases/", {"username": "a", "password": "b"})
        response = client.post("/accounts/login/?next=/cases/", {"username": "a", "password": "b"})
    html = response.content.decode()
    assert response.status_code == 429 and response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")
    assert "操作过于频繁，请 30 秒后再试" in html and 'class="navbar' in html
    assert 'href="/accounts/login/?next=/cases/" data-testid="back">返回' in html
