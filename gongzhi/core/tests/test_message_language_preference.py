"""通知设置 offers the language of one's email and text messages: 简体中文 (the default) or
English; the page shows the stored choice, and a bad value changes nothing."""

import re

import pytest
from django.urls import reverse

from gongzhi.core.models import AuditRecord, NotificationPreference
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

FORM = {"quiet_hours_enabled": "on", "quiet_start": "22:00", "quiet_end": "07:00"}


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _checked(page: str, value: str) -> bool:
    """Whether the language radio button of `value` is checked on the page."""
    [tag] = [
        tag
        for tag in re.findall(r"<input[^>]*>", page)
        if 'name="language"' in tag and f'value="{value}"' in tag
    ]
    return " checked" in tag


def test_the_page_offers_both_languages_with_chinese_chosen_by_default(client, personas) -> None:
    page = _login(client, personas.resident_a).get(reverse("me:preferences")).content.decode()
    assert "邮件和短信语言" in page
    assert "简体中文" in page and "English" in page
    assert _checked(page, "zh-hans") and not _checked(page, "en")


def test_choosing_english_is_saved_shown_and_audited(client, personas) -> None:
    _login(client, personas.resident_a)
    response = client.post(reverse("me:preferences"), {**FORM, "language": "en"})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=personas.resident_a).language == "en"
    page = client.get(reverse("me:preferences")).content.decode()
    assert _checked(page, "en") and not _checked(page, "zh-hans")
    record = AuditRecord.objects.get(action="notifications.preference_update")
    assert record.detail["language"] == "en"
    # Back to Chinese.
    client.post(reverse("me:preferences"), {**FORM, "language": "zh-hans"})
    assert NotificationPreference.objects.get(user=personas.resident_a).language == "zh-hans"


def test_a_form_without_the_choice_keeps_the_stored_language(client, personas) -> None:
    NotificationPreference.objects.create(user=personas.resident_a, language="en")
    _login(client, personas.resident_a)
    assert client.post(reverse("me:preferences"), FORM).status_code == 302
    assert NotificationPreference.objects.get(user=personas.resident_a).language == "en"


def test_an_unknown_language_shows_a_chinese_error_and_changes_nothing(client, personas) -> None:
    _login(client, personas.resident_a)
    response = client.post(reverse("me:preferences"), {**FORM, "language": "fr"})
    assert response.status_code == 200
    assert "请选择简体中文或 English。" in response.content.decode()
    assert not NotificationPreference.objects.exists()
