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


# --- Choice labels (TextChoices are gettext_lazy: they follow the request's language) ----------


@pytest.fixture
def dispatched_case(personas: Personas, settings, tmp_path):
    """A 12345-hotline request for help, assessed (repairs, property class) and dispatched."""
    from gongzhi.cases.sla import ensure_default_policies
    from gongzhi.cases.tests.conftest import CaseMaker

    settings.MEDIA_ROOT = tmp_path
    ensure_default_policies()
    return CaseMaker(personas).dispatched()


@pytest.mark.django_db
def test_resident_case_page_shows_english_labels(english, personas, dispatched_case) -> None:
    english.force_login(personas.resident_a)
    page = english.get(f"/cases/{dispatched_case.pk}/").content.decode()
    assert "Request for help" in page  # the type
    assert "Property staff" in page or "Community worker" in page  # roles in the timeline
    assert "求助" not in page


@pytest.mark.django_db
def test_staff_queue_and_case_page_show_english_labels(english, personas, dispatched_case) -> None:
    english.force_login(personas.community_worker)
    queue = english.get("/cases/?bucket=all").content.decode()
    assert dispatched_case.number in queue
    assert "12345 hotline" in queue  # the channel, in the row and in the filter
    assert "· Property ·" in queue  # the time-limit class
    assert "All channels" in queue and "All statuses" in queue  # the filter form
    for chinese in ("12345热线", "物业类", "全部渠道", "全部状态"):
        assert chinese not in queue

    page = english.get(f"/cases/{dispatched_case.pk}/").content.decode()
    assert "12345 hotline · Request for help" in page
    assert "Repairs · Property · Normal" in page  # category · time-limit class · urgency
    for chinese in ("设施设备维修", "求助"):  # 物业类 stays in the SLA policy's stored name
        assert chinese not in page


@pytest.mark.django_db
def test_status_badges_in_english(english, personas, dispatched_case) -> None:
    english.force_login(personas.resident_a)
    page = english.get(f"/cases/{dispatched_case.pk}/").content.decode()
    assert "已交办" not in page


def test_choice_labels_keep_their_chinese_source_for_data() -> None:
    """The triage taxonomy and spreadsheet cells need the Chinese whatever the language."""
    from django.utils import translation

    from gongzhi.cases import imports, triage_link
    from gongzhi.cases.choices import (
        Category,
        Channel,
        category_taxonomy,
        source_label,
        source_labels,
    )

    with translation.override("en"):
        assert str(Category.ELEVATOR.label) == "Lifts"
        assert source_label(Category.ELEVATOR.label) == "电梯"
        assert source_labels(Category)[Category.ELEVATOR] == "电梯"
        assert category_taxonomy()[0] == "物业服务"
        assert translation.get_language() == "en"  # left as it was
        # The model's answer and a 12345 spreadsheet's cells are Chinese for English users too.
        assert triage_link.CATEGORY_BY_LABEL.get("电梯") == Category.ELEVATOR
        assert imports._choice("12345热线", Channel) == Channel.HOTLINE_12345


# --- Punctuation and action labels ---------------------------------------------------------------

FULL_WIDTH = "：（）、，"  # Chinese punctuation has no place between English words


@pytest.mark.django_db
def test_rated_case_page_has_no_chinese_punctuation(english, personas, dispatched_case) -> None:
    """The resident's ratings list: a round, the result, the level (how, when), their comment."""
    from gongzhi.cases import services
    from gongzhi.cases.choices import RatingLevel, RatingVia
    from gongzhi.cases.tests.conftest import CaseMaker

    case = CaseMaker(personas).resolved()
    services.case_visit(
        case=case,
        actor=personas.resident_a,
        resolved=True,
        level=RatingLevel.SATISFIED,
        via=RatingVia.ONLINE,
        note="灯亮了",
    )
    english.force_login(personas.resident_a)
    page = english.get(f"/cases/{case.pk}/").content.decode()
    ratings = page[page.index('data-testid="ratings"') :]
    ratings = ratings[: ratings.index("</ul>")]
    assert "Round 1: Resolved, Satisfied (Online rating, 20" in ratings
    assert "My comment: 灯亮了" in ratings
    assert [mark for mark in FULL_WIDTH if mark in ratings] == []


@pytest.mark.django_db
def test_termination_button_is_a_request_while_the_timeline_says_what_happened(
    english, personas, dispatched_case
) -> None:
    from gongzhi.cases import services

    english.force_login(personas.community_worker)
    page = english.get(f"/cases/{dispatched_case.pk}/").content.decode()
    assert ">Request termination</summary>" in page
    assert "Confirm: Request termination" in page
    assert "Termination requested" not in page

    services.case_request_termination(
        case=dispatched_case, actor=personas.property_a, reason="诉求人已搬离本小区"
    )
    page = english.get(f"/cases/{dispatched_case.pk}/").content.decode()
    assert "Termination requested" in page  # the timeline event keeps its past tense
