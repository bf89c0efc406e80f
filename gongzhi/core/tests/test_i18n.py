"""English as the second locale: Chinese is the source language, English comes from locale/en."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from gongzhi.org.testing import PASSWORD, Personas

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


@pytest.fixture
def english(client):
    compiled = CATALOGUE.with_suffix(".mo")
    assert compiled.exists(), f"{compiled} is missing: run `make setup` (compilemessages)"
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/login/"
    return client


@pytest.mark.django_db
def test_login_page_is_chinese_by_default(client) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "登录共治平台" in page


@pytest.mark.django_db
def test_login_page_in_english_after_switching(english) -> None:
    page = english.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in page
    assert "Sign in to Gongzhi" in page
    assert ">Username</label>" in page
    assert ">Password</label>" in page
    assert "登录共治平台" not in page


@pytest.mark.django_db
def test_wrong_password_error_in_english(english, personas: Personas) -> None:
    page = english.post(
        "/accounts/login/", {"username": "resident_a", "password": "wrong"}
    ).content.decode()
    assert "Incorrect username or password. Please try again." in page


@pytest.mark.django_db
def test_resident_home_in_english(english, personas: Personas) -> None:
    response = english.post(
        "/accounts/login/", {"username": "resident_a", "password": PASSWORD}, follow=True
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/"
    assert "Hello, 张三" in page
    assert "My home" in page
    assert "Exclusive area 89.50" in page
    assert "Sign out" in page
    assert "我的房屋" not in page


@pytest.mark.django_db
def test_staff_home_in_english_uses_plurals(english, personas: Personas) -> None:
    english.force_login(personas.community_worker)
    page = english.get("/").content.decode()
    assert "My area of work" in page
    assert "2 compounds" in page  # 华锦 has compounds A and B


def test_every_message_has_an_english_translation() -> None:
    """A string added since the last `makemessages` pass would show Chinese to English readers."""
    entries = CATALOGUE.read_text(encoding="utf-8").split("\n\n")[1:]
    untranslated = [
        entry
        for entry in entries
        if not entry.lstrip().startswith("#~")
        and ("#, fuzzy" in entry or re.search(r'^msgstr(\[\d+\])? ""$(?!\n")', entry, re.M))
    ]
    assert untranslated == []
