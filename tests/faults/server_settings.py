"""Settings of the processes the fault tests start: the real settings (audit triggers on, WAL,
IMMEDIATE transactions), with limits raised so that the driver is never throttled.

The database comes from the environment as in production: DATABASE_URL, else SQLITE_PATH.
"""

from gongzhi.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # seeding only
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
GONGZHI_API_RATE_PER_MINUTE = 10**6
GONGZHI_API_ANON_RATE_PER_MINUTE = 10**6
GONGZHI_FILING_RATE_PER_MINUTE = 10**6
