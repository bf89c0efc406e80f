"""Test settings: fast hashing, local-memory cache, no outside network."""

import os

from gongzhi.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
# django-axes refuses `authenticate()` without a request, which the test client's login() does;
# tests/security/ turns it on where sign-in throttling is what is tested.
AXES_ENABLED = False
# The per-minute counters outlive a test in the process's cache and ids repeat between tests;
# tests/security/ sets real limits where the limits are what is tested.
GONGZHI_LOGIN_RATE_PER_MINUTE = GONGZHI_FILING_RATE_PER_MINUTE = 100_000
GONGZHI_AUDIT_TRIGGERS = False  # the flush between tests deletes rows; see core.audit_triggers
# The AI suggestion at filing is computed inline in tests (a background thread could outlive a
# transactional test's flush); cases/tests/test_scale.py covers the background path.
GONGZHI_TRIAGE_AT_FILING = "inline"
# Email and text messages go out right after the commit in tests, so that a test sees what was
# sent; core/tests/test_notifications.py covers the scheduler's delivery (the default).
GONGZHI_DELIVER_AT = "commit"

# One test database per process, so that parallel runs (xdist workers, several developers on
# one machine) never share a file or a PostgreSQL database.
DATABASES["default"]["TEST"] = {  # noqa: F405
    "NAME": (
        str(VAR_DIR / f"test-{os.getpid()}.sqlite3")  # noqa: F405
        if DATABASES["default"]["ENGINE"].endswith("sqlite3")  # noqa: F405
        else f"test_gongzhi_{os.getpid()}"
    )
}
GONGZHI_SMS_OUTBOX = VAR_DIR / f"test-sms-{os.getpid()}.log"  # noqa: F405
