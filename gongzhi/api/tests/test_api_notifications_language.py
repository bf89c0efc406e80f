"""/api/v1/me/notifications reads each notice in the caller's language, as the inbox page does."""

import pytest

from gongzhi.api.tests.conftest import bearer

pytestmark = pytest.mark.django_db


def _titles(user, language: str) -> list[str]:
    response = bearer(user).get("/api/v1/me/notifications", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return [row["title"] for row in response.json()]


def test_the_api_gives_each_reader_their_language(make, personas) -> None:
    make.received(title="电梯困人")
    assert "您的诉求已受理：电梯困人" in _titles(personas.resident_a, "zh-hans")
    assert "Your request has been received: 电梯困人" in _titles(personas.resident_a, "en")
