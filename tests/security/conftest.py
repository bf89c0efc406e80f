"""Fixtures of the security tests: production settings as they are really computed, and a second
street that none of the personas may see (`far`). (Rate-limit counters are database rows, rolled
back with each test.)"""

import pytest

from gongzhi.core.tests.test_deploy_check import production_settings_values
from tests.security.far import build_far_world

# What GONGZHI_PRODUCTION=1 changes or what the security of a response depends on; everything
# else (databases, caches, static-file storage) stays as the tests need it.
PRODUCTION_NAMES = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "MIDDLEWARE",
    "AUTHENTICATION_BACKENDS",
]


@pytest.fixture(scope="session")
def production_settings() -> dict:
    """The settings gongzhi/settings.py computes with GONGZHI_PRODUCTION=1 (a subprocess)."""
    values = production_settings_values(PRODUCTION_NAMES)
    assert values["DEBUG"] is False
    return values


@pytest.fixture
def far(personas):
    """Another street with the same shape as the personas' one, and its own staff."""
    return build_far_world()
