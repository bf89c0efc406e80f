"""Fixed-window request counters in Django's cache, shared by every worker process.

The default cache is the database cache, so all processes (and machines) count together.
`cache.incr` on the database cache is read-then-write: under heavy concurrency a window may
admit a few requests more than its limit, never fewer.

Used by the web pages (`rate_limited`: sign-in, a resident filing a demand), Open311 and the
REST API (`gongzhi.api.ratelimit`), and as django-axes' client address (settings).
"""

import ipaddress
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

WINDOW_SECONDS = 60
TOO_MANY = "操作过于频繁，请 {wait} 秒后再试"


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


def client_ip(request: HttpRequest, *_: Any) -> str:
    # Only the socket address: X-Forwarded-For is set by the client unless a proxy rewrites it.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def axes_client_ip(request: HttpRequest, *_: Any) -> str | None:
    """The address django-axes stores: a real IP or none (a unix-socket deployment may pass an
    empty REMOTE_ADDR, which PostgreSQL's inet column would refuse as "unknown")."""
    address = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def too_many(wait: int) -> HttpResponse:
    response = HttpResponse(
        TOO_MANY.format(wait=wait), status=429, content_type="text/plain; charset=utf-8"
    )
    response["Retry-After"] = str(wait)
    return response


def rate_limited(name: str, setting: str, default: int, *, per_user: bool = False) -> Callable:
    """Limit POSTs to a view: `settings.<setting>` per minute per address (or per signed-in
    user with `per_user`). GETs are never counted; over the limit the answer is 429."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                user = getattr(request, "user", None)
                who = (
                    f"user:{user.pk}"
                    if per_user and getattr(user, "is_authenticated", False)
                    else f"ip:{client_ip(request)}"
                )
                wait = hit(f"{name}:{who}", getattr(settings, setting, default))
                if wait is not None:
                    return too_many(wait)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
