"""Every /api/v1/ route, enumerated from the ninja API object, has an expectation per persona."""

import pytest
from django.test import Client

from gongzhi.api.tests.conftest import bearer
from gongzhi.api.tests.route_expectations import ROUTES
from gongzhi.api.v1.api import api
from gongzhi.cases.sla import ensure_default_policies
from gongzhi.cases.tests.conftest import CaseMaker
from gongzhi.org.testing import PASSWORD
from gongzhi.org.url_expectations import PERSONAS
from tests.security.far import build_far_world
from tests.security.state import changes, world_state

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


# --- Another scope: every route with an object of another street ------------------------------


class _UsesWorld(Exception):
    pass


class _Probe:
    def __getattr__(self, name):
        raise _UsesWorld


def _takes_an_object(route) -> bool:
    try:
        route.params(CaseMaker(_Probe()), _Probe())
    except _UsesWorld:
        return True
    return False


OBJECT_ROUTES = sorted(name for name, route in ROUTES.items() if _takes_an_object(route))
LIST_ROUTES = ["GET /api/v1/cases", "GET /api/v1/org/communities", "GET /api/v1/me/notifications"]


def _send(client, method: str, url: str, body, multipart: bool):
    if method == "GET":
        return client.get(url)
    if multipart:
        return client.post(url, body)
    return client.post(url, body, content_type="application/json")


@pytest.mark.django_db
@pytest.mark.parametrize("route", OBJECT_ROUTES)
def test_nobody_reaches_or_changes_an_object_of_another_street(route, personas, make):
    """Every persona's token gets 404 for the far street's object and changes nothing."""
    method, template = route.split(" ", 1)
    expect = ROUTES[route]
    ensure_default_policies()  # a transactional test may have flushed them
    far = build_far_world()
    far_make = CaseMaker(far)
    mismatches = []
    for persona, user in personas.all_users().items():
        params = expect.params(far_make, far)
        url = template.format(**params)
        body = expect.body(far_make, far, params)
        client = bearer(user) if user is not None else Client()
        before = world_state()
        response = _send(client, method, url, body, expect.multipart)
        wanted = expect.anonymous if user is None else 404
        if response.status_code != wanted:
            mismatches.append(f"{persona}: {response.status_code} (expected {wanted})")
        if changed := changes(before, world_state()):
            mismatches.append(f"{persona} changed {changed}")
    assert not mismatches, f"{route}: " + "; ".join(mismatches)


@pytest.mark.django_db
@pytest.mark.parametrize("route", LIST_ROUTES)
def test_no_list_shows_another_streets_objects(route, personas, make):
    from gongzhi.core.notifications import notify

    ensure_default_policies()
    far = build_far_world()
    far_case = CaseMaker(far).dispatched(title="远方街道的专属诉求")
    notify(recipient=far.resident_a, kind="case.created", title="远方通知", body="", link="/")
    leaks = []
    for persona, user in personas.all_users().items():
        if user is None:
            continue
        body = bearer(user).get(route.split(" ", 1)[1]).content.decode()
        for secret in (far_case.number, "远方街道的专属诉求", far.community1.name, "远方通知"):
            if secret in body:
                leaks.append(f"{persona} sees {secret}")
    assert not leaks, f"{route}: {leaks}"
