"""Fixed-window request counters in the database, shared by every worker process.

One row per bucket and window (`RateCounter`), bumped by a single `INSERT … ON CONFLICT DO
UPDATE … RETURNING` (PostgreSQL, SQLite ≥ 3.35): one statement and one short write per counted
request, exact under concurrency. (Django's database cache needed nine statements and two write
transactions per count, and its read-then-write `incr` could admit a few requests too many.)
The scheduler deletes windows older than an hour (`sweep_expired_counters`).

Used by the web pages (`rate_limited`: sign-in, a resident filing a demand), Open311 and the
REST API (`gongzhi.api.ratelimit`), and as django-axes' client address (settings).
"""

import functools
import ipaddress
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, gettext_noop

from gongzhi.core.models import RateCounter

WINDOW_SECONDS = 60
KEEP_SECONDS = 3600
_TABLE = RateCounter._meta.db_table
TOO_MANY = gettext_noop("操作过于频繁，请 {wait} 秒后再试")  # translated when shown


def hit(bucket: str, limit: int, window: int = WINDOW_SECONDS) -> int | None:
    """Count one request in `bucket`; return the seconds to wait when over `limit`, else None."""
    now = int(time.time())
    start = now - now % window
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_TABLE} (bucket, window_start, count) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (bucket, window_start) DO UPDATE SET count = {_TABLE}.count + 1 "
            "RETURNING count",
            [bucket[:200], start],
        )
        count = cursor.fetchone()[0]
    if count > limit:
        return window - now % window
    return None


def counted(bucket: str, window: int = WINDOW_SECONDS) -> int:
    """Requests counted in `bucket`'s current window (tests, operators)."""
    now = int(time.time())
    row = RateCounter.objects.filter(bucket=bucket, window_start=now - now % window).first()
    return row.count if row is not None else 0


def sweep_expired_counters(now: Any) -> int:
    """Scheduler sweep: windows that ended over an hour ago count for nothing any more."""
    cutoff = int(now.timestamp()) - KEEP_SECONDS
    deleted, _ = RateCounter.objects.filter(window_start__lt=cutoff).delete()
    return deleted


@functools.lru_cache(maxsize=8)
def _networks(
    entries: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def _trusted(address: str) -> bool:
    networks = _networks(tuple(getattr(settings, "GONGZHI_TRUSTED_PROXIES", ()) or ()))
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The address of whoever sent the request. X-Forwarded-For is believed only from the
    proxies in settings.GONGZHI_TRUSTED_PROXIES, and read from the right: every proxy appends
    the address it saw, so the first untrusted address from the right is the client, and
    whatever a client wrote into the header itself (to its left) is ignored."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not _trusted(remote):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([h for h in hops if h]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return remote  # a malformed hop: trust nothing the chain says beyond our proxy
        if not _trusted(hop):
            return hop
    return remote


def client_ip(request: HttpRequest, *_: Any) -> str:
    return client_address(request) or "unknown"


def axes_client_ip(request: HttpRequest, *_: Any) -> str | None:
    """The address django-axes stores: a real IP or none (a unix-socket deployment may pass an
    empty REMOTE_ADDR, which PostgreSQL's inet column would refuse as "unknown")."""
    address = client_address(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def too_many_message(wait: int) -> str:
    return gettext(TOO_MANY).format(wait=wait)


def too_many(request: HttpRequest, wait: int) -> HttpResponse:
    """The page over the limit: the site's layout, when to retry, and a way back."""
    context = {"message": too_many_message(wait), "back": request.get_full_path()}
    return render(request, "429.html", context, status=429)


def rate_limited(
    name: str,
    setting: str,
    default: int,
    *,
    per_user: bool = False,
    refused: Callable[[HttpRequest, int], HttpResponse] | None = None,
) -> Callable:
    """Limit POSTs to a view: `settings.<setting>` per minute per address (or per signed-in
    user with `per_user`). GETs are never counted; over the limit the answer is 429: the
    `refused(request, wait)` page if given (a form shown again with what was typed), else a
    page saying when to retry. The view itself never runs then."""

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
                    response = (refused or too_many)(request, wait)
                    response.status_code = 429
                    response["Retry-After"] = str(wait)
                    return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
