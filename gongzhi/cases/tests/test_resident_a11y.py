"""What the accessibility audit of the resident's phone pages (screen reader, keyboard, large
text) found in the markup: the refused rating opens on its error summary, messages speak up
only when something went wrong, the sign-in page says its own words, and narrow screens keep a
case's title, number and date readable."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _flashes(html: str) -> dict[str, str]:
    """Each flash message's words -> its role."""
    found = re.findall(
        r'<div class="alert[^"]*" role="(\w+)" data-testid="flash">([^<]*)</div>', html
    )
    return {text: role for role, text in found}


def test_the_rating_form_posts_without_a_fragment_so_its_error_summary_takes_focus(
    personas, make
) -> None:
    """Chromium ignores autofocus on a page whose address has a #fragment: the refused
    rating came back at /rate#rate and focus stayed on the page, so nothing was read out."""
    case = make.resolved()
    client = _client(personas.resident_a)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    action = re.search(r'<form method="post" action="([^"]*)"[^>]*>', page.split('id="rate"')[1])[1]
    assert action == f"/cases/{case.pk}/rate"

    refused = client.post(action, {"version": case.version, "level": "satisfied"}).content.decode()
    summary = re.search(r'<div [^>]*data-testid="error-summary"[^>]*>', refused)[0]
    assert "autofocus" in summary and 'tabindex="-1"' in summary


def test_a_success_is_a_status_and_an_error_an_alert(personas, make, rf) -> None:
    case = make.resolved()
    client = _client(personas.resident_a)
    data = {"version": case.version, "resolved": "1", "level": "satisfied"}
    page = client.post(f"/cases/{case.pk}/rate", data, follow=True).content.decode()
    assert list(_flashes(page).values()) == ["status"]  # 感谢评价: polite, not an interruption

    request = rf.get("/")
    request.user = personas.resident_a
    messages = [
        Message(constants.INFO, "已提交"),
        Message(constants.WARNING, "请注意"),
        Message(constants.ERROR, "保存失败"),
    ]
    html = render_to_string("base.html", {"messages": messages}, request=request)
    assert _flashes(html) == {"已提交": "status", "请注意": "alert", "保存失败": "alert"}


def test_sign_in_says_its_own_message_and_marks_the_fields(client) -> None:
    page = client.get(reverse("login")).content.decode()
    form = re.search(r"<form method=\"post\"[^>]*>", page)[0]
    assert "novalidate" in form  # no browser bubble in the browser's language

    empty = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()
    assert "用户名或密码不正确，请重试。" in empty

    wrong = client.post(reverse("login"), {"username": "nobody", "password": "x"}).content.decode()
    assert 'id="login_error"' in wrong
    for name in ("username", "password"):
        field = re.search(rf'<input[^>]*name="{name}"[^>]*>', wrong)[0]
        assert 'aria-invalid="true"' in field and 'aria-describedby="login_error"' in field


def test_the_language_switcher_has_a_button_for_the_keyboard(client) -> None:
    page = client.get(reverse("login")).content.decode()
    switcher = page.split('action="/i18n/setlang/"', 1)[1].split("</form>", 1)[0]
    outside_noscript = re.sub(r"<noscript>.*?</noscript>", "", switcher, flags=re.S)
    assert 'data-testid="language-submit"' in outside_noscript and "切换" in outside_noscript


def test_the_case_page_stacks_its_details_and_keeps_the_number_whole(personas, make) -> None:
    case = make.resolved()
    page = _client(personas.resident_a).get(f"/cases/{case.pk}/").content.decode()
    assert 'class="col-12 col-sm-3 fw-normal text-muted">是否公开</dt>' in page
    number = re.search(r'<strong class="([^"]*)" data-testid="case-number">', page)[1]
    assert "gz-case-number" in number.split()
    assert "max-width: 50%" not in page  # the title is not squeezed beside the badge


def test_my_cases_wrap_the_title_and_keep_date_and_time_together(personas, make) -> None:
    case = make.received()
    page = _client(personas.resident_a).get(reverse("cases:mine")).content.decode()
    row = page.split(f'href="/cases/{case.pk}/"', 1)[1].split("</a>", 1)[0]
    assert '<span class="text-nowrap">' in row and re.search(
        r'<span class="text-nowrap">\d{4}-\d\d-\d\d \d\d:\d\d</span>', row
    )
    assert '<span class="text-nowrap"><span class="badge' not in row  # the badge may wrap


def test_the_link_under_the_filing_form_is_finger_sized(personas) -> None:
    page = _client(personas.resident_a).get(reverse("cases:report")).content.decode()
    assert re.search(r'<a class="gz-tap-block" href="/cases/mine/">', page)
