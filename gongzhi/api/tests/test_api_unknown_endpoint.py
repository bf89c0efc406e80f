"""A client that calls a path the API does not have gets the API's JSON error, not HTML."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v1/cases/1/nothing", "/api/v1/x/"])
def test_an_unknown_path_answers_in_the_apis_error_shape(client, path) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "code": "unknown_endpoint",
        "message": "没有这个接口，请查看 /api/v1/docs",
    }


def test_known_endpoints_still_answer(client) -> None:
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/cases").status_code == 401  # exists, needs a token
