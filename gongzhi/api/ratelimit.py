"""Fixed-window request counters in Django's cache, shared by every worker process.

The default cache is the database cache, so all processes (and machines) count together.
`cache.incr` on the database cache is read-then-write: under heavy concurrency a window may
admit a few requests more than its limit, never fewer.
"""

import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

WINDOW_SECONDS = 60


def hit(bucket: str, limit: int, window: int = WINDOW_SECONDS) -> int | None:
    """Count one request in `bucket`; return the seconds to wait when over `limit`, else None."""
    now = int(time.time())
    key = f"gongzhi:ratelimit:{bucket}:{now // window}"
    cache.add(key, 0, timeout=window * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window * 2)
        count = 1
    if count > limit:
        return window - now % window
    return None


def client_ip(request: HttpRequest) -> str:
    # Only the socket address: X-Forwarded-For is set by the client unless a proxy rewrites it.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


class ApiRateThrottle(BaseThrottle):
    """Per user for token requests, per address for anonymous ones (the token endpoint)."""

    def __init__(self) -> None:
        self._local = threading.local()  # one instance serves every request of the process

    def allow_request(self, request: HttpRequest) -> bool:
        user = getattr(request, "auth", None)
        if user is not None and getattr(user, "pk", None):
            bucket = f"api-user:{user.pk}"
            limit = getattr(settings, "GONGZHI_API_RATE_PER_MINUTE", 600)
        else:
            bucket = f"api-anon:{client_ip(request)}"
            limit = getattr(settings, "GONGZHI_API_ANON_RATE_PER_MINUTE", 30)
        self._local.wait = hit(bucket, limit)
        return self._local.wait is None

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)
