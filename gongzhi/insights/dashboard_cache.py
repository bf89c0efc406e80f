"""The dashboard's period figures (this month and last, the area table's rates, the charts),
shared for five minutes by every user with the same area.

At a million cases a month's figures take a second or two to count; a dashboard read on a
wall screen or opened by every officer in the morning should not count them for each request.
The "now" tiles and the street's own cases stay live. Only numbers and codes are cached, never
a label in the reader's language nor a case.
"""

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.utils import timezone

from gongzhi.core.calendar import local_zone

SLOT_MINUTES = 5
CACHE_VERSION = 1
T = TypeVar("T")


def slot_key(name: str, area_key: str, now: dt.datetime) -> str:
    local = timezone.localtime(now, local_zone())
    slot = local.strftime("%Y%m%d%H") + f"{local.minute // SLOT_MINUTES:02d}"
    digest = hashlib.sha256(f"{area_key}@{slot}".encode()).hexdigest()[:32]
    return f"insights:dashboard:{name}:v{CACHE_VERSION}:{digest}"


def cached(name: str, area_key: str, now: dt.datetime, compute: Callable[[], T]) -> tuple[T, Any]:
    """`compute()`'s value for this area and five-minute slot, and when it was computed."""
    key = slot_key(name, area_key, now)
    entry = cache.get(key)
    if entry is None:
        entry = {"at": now, "value": compute()}
        cache.set(key, entry, 2 * SLOT_MINUTES * 60)
    return entry["value"], entry["at"]
