"""Security headers on representative pages, and HSTS / secure cookies under production settings."""

import pytest
from django.test import override_settings

from gongzhi.core.tests.test_deploy_check import production_settings_values
from gongzhi.org.testing import PASSWORD, Personas

PAGES = ["/accounts/login/", "/public/", "/healthz"]
PRODUCTION_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
]


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_every_page_carries_the_security_headers(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200

    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in csp
    directives = csp_directives(csp)
    assert directives["script-src"] == ["'self'"]  # no inline scripts, no third-party hosts
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers  # development: plain http


@pytest.fixture(scope="module")
def production_settings() -> dict:
    """The security settings gongzhi/settings.py really computes when GONGZHI_PRODUCTION=1."""
    return production_settings_values(PRODUCTION_SETTINGS)


def test_production_settings_turn_on_https_only_behaviour(production_settings: dict) -> None:
    assert production_settings["SECURE_SSL_REDIRECT"] is True
    assert production_settings["SECURE_HSTS_SECONDS"] >= 31536000
    assert production_settings["SESSION_COOKIE_SECURE"] is True
    assert production_settings["CSRF_COOKIE_SECURE"] is True


@pytest.mark.django_db
def test_production_sends_hsts_and_redirects_plain_http(client, production_settings) -> None:
    with override_settings(**production_settings):
        plain = client.get("/accounts/login/")
        secure = client.get("/accounts/login/", secure=True)
        # Behind the reverse proxy, which terminates TLS and says so in X-Forwarded-Proto.
        proxied = client.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})

    assert plain.status_code == 301
    assert plain.headers["Location"] == "https://testserver/accounts/login/"
    for response in (secure, proxied):
        assert response.status_code == 200
        assert response.headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        )


@pytest.mark.django_db
def test_production_cookies_are_secure(client, personas: Personas, production_settings) -> None:
    with override_settings(**production_settings):
        login_page = client.get("/accounts/login/", secure=True)
        signed_in = client.post(
            "/accounts/login/",
            {"username": "resident_a", "password": PASSWORD},
            secure=True,
        )

    assert login_page.cookies["csrftoken"]["secure"] is True
    assert signed_in.status_code == 302
    session = signed_in.cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
