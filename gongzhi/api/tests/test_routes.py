"""Every /api/v1/ route, enumerated from the ninja API object, has an expectation per persona."""

import pytest
from django.test import Client

from gongzhi.api.tests.conftest import bearer
from gongzhi.api.tests.route_expectations import ROUTES
from gongzhi.api.v1.api import api
from gongzhi.org.testing import PASSWORD
from gongzhi.org.url_expectations import PERSONAS

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def api_routes() -> list[str]:
    document = api.get_openapi_schema()
    return sorted(
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method in operations
        if method in HTTP_METHODS
    )


def test_every_api_route_has_an_expectation():
    missing = [route for route in api_routes() if route not in ROUTES]
    stale = [route for route in ROUTES if route not in api_routes()]
    assert not missing, f"/api/v1/ routes without a persona expectation: {missing}"
    assert not stale, f"expectations for routes that no longer exist: {stale}"


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(ROUTES))
def test_each_persona_gets_the_expected_outcome(route, personas, make):
    method, template = route.split(" ", 1)
    expect = ROUTES[route]
    users = personas.all_users()
    mismatches = []
    for persona in PERSONAS:
        params = expect.params(make, personas)  # a fresh object: a write must not see another's
        user = users[persona]
        if user is not None:
            params |= {"username": user.username, "password": PASSWORD}
        else:
            params |= {"username": "nobody", "password": "wrong-password"}
        url = template.format(**params)
        client = bearer(user) if user is not None else Client()
        body = expect.body(make, personas, params)
        if method == "GET":
            response = client.get(url)
        elif expect.multipart:
            response = client.post(url, body)
        else:
            response = client.post(url, body, content_type="application/json")
        if persona == "anonymous":
            wanted = expect.anonymous
        elif persona in expect.ok:
            wanted = expect.ok_status
        elif persona in expect.seen:
            wanted = 403
        else:
            wanted = expect.other
        if response.status_code != wanted:
            mismatches.append(
                f"{persona}: {response.status_code} (expected {wanted}) {response.content[:120]!r}"
            )
    assert not mismatches, f"{route}: " + "; ".join(mismatches)
