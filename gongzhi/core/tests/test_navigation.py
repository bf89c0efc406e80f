"""The navigation bar on a phone: unread notifications show beside the folded menu, languages
are named in their own words, and staff find 热点议题."""

import re

import pytest
from django.test import Client

from gongzhi.core.notifications import notify
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _page(user, url: str = "/") -> str:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client.get(url).content.decode()


def _nav(html: str) -> str:
    return html.split("<nav", 1)[1].split("</nav>", 1)[0]


def _outside_the_folded_menu(html: str) -> str:
    return _nav(html).split('id="gz-nav"', 1)[0]


def test_unread_notifications_show_beside_the_menu_button(personas):
    user = personas.resident_a
    assert "notifications-badge-collapsed" not in _page(user)
    for key in ("a", "b"):
        notify(recipient=user, kind="case.resolved", title="诉求已处置", dedupe_key=key)
    outside = _outside_the_folded_menu(_page(user))
    assert 'data-testid="notifications-badge-collapsed"' in outside
    assert 'href="/me/notifications/"' in outside
    assert '<span class="badge text-bg-light">2</span>' in outside


def test_languages_are_named_in_their_own_words(personas):
    nav = _nav(_page(personas.resident_a))
    assert ">English</option>" in nav and ">简体中文</option>" in nav
    assert "英语" not in nav


def test_staff_find_hot_topics_in_the_menu_and_residents_do_not(personas):
    for staff in (personas.community_worker, personas.property_a, personas.committee_a):
        assert 'href="/cases/hot-topics/"' in _nav(_page(staff)), staff
    assert "/cases/hot-topics/" not in _nav(_page(personas.resident_a))


def test_every_page_carries_the_words_of_the_character_counter(personas):
    html = _page(personas.resident_a, "/cases/new/")
    assert 'data-count-text="已输入 {count} / {max} 字"' in html
    assert (
        'data-count-over-text="已输入 {count} / {max} 字，超出 {over} 字，请删减后再提交"' in html
    )
    # The limit is not the browser's maxlength, which cuts a pasted text short without a word.
    assert 'data-maxlength="5000"' in html
    assert not re.search(r"<textarea[^>]* maxlength=", html)
    assert "js/gongzhi.js" in html
