"""Test settings: fast hashing, local-memory cache, no outside network."""

import os

from gongzhi.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
GONGZHI_AUDIT_TRIGGERS = False  # the flush between tests deletes rows; see core.audit_triggers

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
