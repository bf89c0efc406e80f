"""Security headers and cookies on representative pages, under the production settings.

The settings are the ones gongzhi/settings.py really computes with GONGZHI_PRODUCTION=1 (a
subprocess, see conftest); requests arrive over HTTPS as behind the reverse proxy.
"""

import pytest
from django.test import Client, override_settings

from gongzhi.api.services import token_issue
from gongzhi.cases.sla import ensure_default_policies
from gongzhi.cases.tests.conftest import CaseMaker, png
from gongzhi.org.testing import PASSWORD

HSTS = "max-age=31536000; includeSubDomains; preload"


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pages(personas, tmp_path, settings) -> list[tuple[str, Client, str]]:
    """(what, client, path) for each representative page."""
    settings.MEDIA_ROOT = tmp_path
    ensure_default_policies()  # a transactional test may have flushed them
    make = CaseMaker(personas)
    case = make.dispatched(photos=[png()])
    attachment = case.attachments.get()
    token = token_issue(actor=personas.resident_a).secret
    api = Client(headers={"Authorization": f"Bearer {token}"})
    anonymous = Client()
    resident = _signed_in(personas.resident_a)
    worker = _signed_in(personas.community_worker)
    return [
        ("login page", anonymous, "/accounts/login/"),
        ("resident home", resident, "/"),
        ("resident report form", resident, "/cases/new/"),
        ("staff queue", worker, "/cases/"),
        ("case page", worker, f"/cases/{case.pk}/"),
        ("case file download", worker, f"/cases/files/{attachment.pk}"),
        ("API JSON", api, f"/api/v1/cases/{case.pk}"),
        ("API error JSON", anonymous, "/api/v1/cases"),
        ("Open311 JSON", anonymous, "/open311/v2/services.json"),
        ("Open311 XML", anonymous, "/open311/v2/discovery.xml"),
        ("public page", anonymous, "/public/"),
    ]


@pytest.mark.django_db
def test_every_representative_page_carries_the_security_headers(
    personas, production_settings, tmp_path, settings
):
    pages = _pages(personas, tmp_path, settings)
    problems = []
    with override_settings(**production_settings):
        for what, client, path in pages:
            response = client.get(path, secure=True)
            headers = response.headers
            expected = {
                "Strict-Transport-Security": HSTS,
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "same-origin",
                "X-Frame-Options": "DENY",
                "Cross-Origin-Opener-Policy": "same-origin",
            }
            for name, value in expected.items():
                if headers.get(name) != value:
                    problems.append(f"{what} {path}: {name}={headers.get(name)!r}")
            csp = _directives(headers.get("Content-Security-Policy", ""))
            if "sandbox" in csp:  # a served file: nothing may load or run from it
                safe = csp.get("default-src") == ["'none'"]
            else:
                safe = (
                    csp.get("script-src") == ["'self'"]
                    and csp.get("frame-ancestors") == ["'none'"]
                    and csp.get("object-src") == ["'none'"]
                )
            if not safe:
                problems.append(f"{what} {path}: CSP {headers.get('Content-Security-Policy')!r}")
            if response.status_code not in (200, 401):
                problems.append(f"{what} {path}: status {response.status_code}")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https(personas, production_settings):
    with override_settings(**production_settings):
        for path in ("/accounts/login/", "/api/v1/cases", "/open311/v2/services.json"):
            response = Client().get(path)
            assert response.status_code == 301
            assert response.headers["Location"] == f"https://testserver{path}"


@pytest.mark.django_db
def test_cookies_are_secure_httponly_and_same_site(personas, production_settings):
    client = Client()
    with override_settings(**production_settings):
        page = client.get("/accounts/login/", secure=True)
        signed_in = client.post(
            "/accounts/login/",
            {"username": "resident_a", "password": PASSWORD},
            secure=True,
        )
    assert signed_in.status_code == 302
    cookies = {"csrftoken": page.cookies["csrftoken"], "sessionid": signed_in.cookies["sessionid"]}
    for name, cookie in cookies.items():
        assert cookie["secure"] is True, name
        assert cookie["httponly"] is True, name
        assert cookie["samesite"] == "Lax", name
