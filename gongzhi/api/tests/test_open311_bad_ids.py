"""Open311 ids typed as what `str.isdigit()` takes but `int()` refuses ("²"), signed or beyond
the database's integers: the spec's error body (400, or 404 for a request), never a 500."""

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
OPEN311 = "/open311/v2"


def _client() -> Client:
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("value", ["²", "1,²", "¹²³", "-1", "99999999999999999999"])
def test_open311_ids_that_are_not_numbers_are_a_400_naming_the_argument(personas, value) -> None:
    response = _client().get(
        f"{OPEN311}/requests.json",
        {"service_request_id": value, "jurisdiction_id": personas.street.code},
    )
    assert response.status_code == 400
    [error] = json.loads(response.content)
    assert error["description"].startswith("service_request_id 无效")


@pytest.mark.parametrize("value", ["²", "³", "0", "99999999999999999999"])
def test_open311_a_request_that_is_not_a_number_does_not_exist(personas, value) -> None:
    response = _client().get(
        f"{OPEN311}/requests/{value}.json", {"jurisdiction_id": personas.street.code}
    )
    assert response.status_code == 404
    assert json.loads(response.content) == [
        {"code": 404, "description": "service_request_id 不存在"}
    ]


def test_open311_an_address_id_that_is_not_a_number_is_refused(personas, open311_key) -> None:
    _client_record, secret = open311_key
    response = _client().post(
        f"{OPEN311}/requests.json",
        {
            "api_key": secret,
            "jurisdiction_id": personas.street.code,
            "service_code": "repair",
            "description": "路灯坏了",
            "address_id": "²",
        },
    )
    assert response.status_code == 400
    assert json.loads(response.content) == [{"code": 400, "description": "address_id 无效"}]
