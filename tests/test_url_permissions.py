"""Walk every URL the project defines and check each persona's outcome.

A new URL without an expectation fails `test_every_url_has_an_expectation`: whoever adds a
page decides who may open it, in `gongzhi/<app>/tests/url_expectations.py` (or here for the
project's own URLs). Out-of-scope objects answer 404 (not 403); anonymous visitors are sent to
the login page.
"""

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from gongzhi.cases.sla import ensure_default_policies
from gongzhi.cases.tests.conftest import CaseMaker
from gongzhi.org.testing import PASSWORD, Personas
from gongzhi.org.url_expectations import (
    EVERYONE_SIGNED_IN,
    PERSONAS,
    STAFF_OF_A,
    Expect,
)
from tests.security.far import build_far_world
from tests.security.state import changes, world_state

EXPECTATIONS: dict[str, Expect] = {
    "home": Expect(ok=EVERYONE_SIGNED_IN),
    "healthz": Expect(ok=set(PERSONAS), anonymous=200),
    # Served only while `make bench` runs (settings.GONGZHI_BENCH); 404 for everyone otherwise.
    "bench_minimal": Expect(anonymous=404),
    "login": Expect(ok=set(PERSONAS), anonymous=200),
    "logout": Expect(method="post", ok=set(PERSONAS), ok_status=302, anonymous=302),
    "set_language": Expect(
        method="post",
        ok=set(PERSONAS),
        ok_status=302,
        anonymous=302,
        data=lambda p: {"language": "en", "next": "/"},
    ),
    "public:index": Expect(ok=set(PERSONAS), anonymous=200),
    "org:community": Expect(
        kwargs=lambda p: {"pk": p.community1.pk},
        ok={
            "community_worker",
            "grid_worker",
            "street_officer",
            "resident_a",
            "property_a",
            "property_b",
            "committee_a",
            "party_a",
        },
    ),
    "org:compound": Expect(
        kwargs=lambda p: {"pk": p.compound_a.pk}, ok=STAFF_OF_A | {"resident_a"}
    ),
    "org:building": Expect(
        kwargs=lambda p: {"pk": p.building_a.pk}, ok=STAFF_OF_A | {"resident_a"}
    ),
    "org:unit": Expect(kwargs=lambda p: {"pk": p.unit_a.pk}, ok=STAFF_OF_A | {"resident_a"}),
}


def _collect_app_expectations() -> None:
    """Each app declares its URLs' expectations in `gongzhi/<app>/tests/url_expectations.py`
    as `EXPECTATIONS: dict[str, Expect]`; they are merged here."""
    import importlib
    import pkgutil

    import gongzhi

    for info in pkgutil.iter_modules(gongzhi.__path__):
        try:
            module = importlib.import_module(f"gongzhi.{info.name}.tests.url_expectations")
        except ModuleNotFoundError:
            continue
        for name, expect in module.EXPECTATIONS.items():
            assert name not in EXPECTATIONS, f"{name} declared twice"
            EXPECTATIONS[name] = expect


_collect_app_expectations()

# URL namespaces with their own permission system, checked separately below.
SEPARATELY_CHECKED = ("admin:",)


def _walk(patterns: list[Any], namespace: str = "") -> list[str]:
    names: list[str] = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names += _walk(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern):
            names.append(
                f"{namespace}{entry.name}"
                if entry.name
                else f"{namespace}<unnamed {entry.pattern}>"
            )
    return names


def all_url_names() -> list[str]:
    return sorted(
        n for n in set(_walk(get_resolver().url_patterns)) if not n.startswith(SEPARATELY_CHECKED)
    )


def test_every_url_has_an_expectation() -> None:
    missing = [name for name in all_url_names() if name not in EXPECTATIONS]
    assert not missing, f"URLs without a permission expectation: {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_each_persona_gets_the_expected_outcome(personas: Personas, name: str) -> None:
    expect = EXPECTATIONS[name]
    url = reverse(name, kwargs=expect.kwargs(personas))
    users = personas.all_users()
    mismatches = []
    for persona in PERSONAS:
        client = Client()
        if users[persona] is not None:
            assert client.login(username=users[persona].username, password=PASSWORD)
        response = getattr(client, expect.method)(url, expect.data(personas))
        if persona == "anonymous":
            wanted = expect.anonymous
        else:
            wanted = expect.ok_status if persona in expect.ok else expect.other
        if response.status_code != wanted:
            mismatches.append(f"{persona}: {response.status_code} (expected {wanted})")
    assert not mismatches, f"{name} {url}: " + "; ".join(mismatches)


# --- Another scope: the same URLs with an object of another street --------------------------


class _UsesWorld(Exception):
    pass


class _Probe:
    def __getattr__(self, name: str) -> Any:
        raise _UsesWorld


def _takes_an_object(expect: Expect) -> bool:
    """Whether the URL's arguments come from the world (an object's pk), not constants."""
    try:
        expect.kwargs(_Probe())  # type: ignore[arg-type]
    except _UsesWorld:
        return True
    return False


OBJECT_URLS = sorted(
    name for name, expect in EXPECTATIONS.items() if _takes_an_object(expect) and not expect.public
)
PUBLIC_STREET_PAGES = sorted(name for name, expect in EXPECTATIONS.items() if expect.public)
LIST_PAGES = sorted(
    name
    for name, expect in EXPECTATIONS.items()
    if not _takes_an_object(expect) and expect.method == "get"
)


def _signed_in(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("name", OBJECT_URLS)
def test_nobody_reaches_or_changes_an_object_of_another_street(personas, settings, tmp_path, name):
    """Every persona (street officer included) gets 404 for the far street's object, and a
    POST changes nothing anywhere; anonymous visitors are sent to sign in as usual."""
    settings.MEDIA_ROOT = tmp_path
    ensure_default_policies()
    expect = EXPECTATIONS[name]
    far = build_far_world()
    url = reverse(name, kwargs=expect.kwargs(far))
    mismatches = []
    for persona, user in personas.all_users().items():
        client = _signed_in(user)
        before = world_state()
        response = getattr(client, expect.method)(url, expect.data(far))
        wanted = expect.anonymous if user is None else 404
        if response.status_code != wanted:
            mismatches.append(f"{persona}: {response.status_code} (expected {wanted})")
        if changed := changes(before, world_state()):
            mismatches.append(f"{persona} changed {changed}")
    assert not mismatches, f"{name} {url}: " + "; ".join(mismatches)


@pytest.mark.django_db
@pytest.mark.parametrize("name", LIST_PAGES)
def test_no_page_lists_a_case_of_another_street(personas, settings, tmp_path, name):
    settings.MEDIA_ROOT = tmp_path
    ensure_default_policies()
    expect = EXPECTATIONS[name]
    far_case = CaseMaker(build_far_world()).dispatched(title="远方街道的专属诉求")
    far_case.is_public = True  # even a public case of the far street is not the near one's
    far_case.save(update_fields=["is_public"])
    url = reverse(name, kwargs=expect.kwargs(personas))
    leaks = []
    for persona, user in personas.all_users().items():
        page = _signed_in(user).get(url, expect.data(personas)).content.decode()
        if far_case.number in page or "远方街道的专属诉求" in page:
            leaks.append(persona)
    assert not leaks, f"{name} {url} shows another street's case to {leaks}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC_STREET_PAGES)
def test_a_public_page_of_a_street_shows_none_of_another_streets_cases(personas, name):
    """Anyone may read the far street's public pages, and the near street's never list or
    show a published case of the far one (its number or its title)."""
    ensure_default_policies()
    expect = EXPECTATIONS[name]
    far_world = build_far_world()
    far_case = CaseMaker(far_world).dispatched(title="远方街道的公开诉求")
    far_case.is_public = True
    far_case.save(update_fields=["is_public"])
    near = Client().get(reverse(name, kwargs=expect.kwargs(personas)), expect.data(personas))
    assert near.status_code == 200
    page = near.content.decode()
    assert far_case.number not in page and "远方街道的公开诉求" not in page
    far_url = reverse(name, kwargs=expect.kwargs(far_world))
    assert Client().get(far_url).status_code == 200


@pytest.mark.django_db
def test_admin_is_for_superusers_only(personas: Personas) -> None:
    for persona, user in personas.all_users().items():
        client = Client()
        if user is not None:
            client.login(username=user.username, password=PASSWORD)
        response = client.get("/admin/")
        assert response.status_code == 302, persona  # to the admin login
