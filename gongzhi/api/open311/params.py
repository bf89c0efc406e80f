"""Parsing Open311 arguments. Problems raise `Open311Error`, which the views render as the
spec's `errors` body: 404 for what does not exist, 403 for the api_key, 400 for the rest."""

import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import QueryDict
from django.utils import timezone

from gongzhi.api.inputs import text_problem
from gongzhi.core.parsing import parse_id

MAX_SPAN = dt.timedelta(days=90)
MAX_RESULTS = 1000
_ATTRIBUTE = re.compile(r"^attribute\[([A-Za-z0-9_\-]{1,40})\](\[\])?$")


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def text(data: QueryDict, name: str, max_length: int) -> str:
    value = data.get(name, "") or ""
    problem = text_problem(value)
    if problem:
        raise Open311Error(400, f"{name}：{problem}")
    value = value.strip()
    if len(value) > max_length:
        raise Open311Error(400, f"{name} 不能超过 {max_length} 个字符")
    return value


def id_list(value: str) -> list[int]:
    ids = []
    for part in value.split(","):
        part = part.strip()
        number = parse_id(part)
        if number is None:
            raise Open311Error(400, f"service_request_id 无效：{part[:20]}")
        ids.append(number)
    return ids[:MAX_RESULTS]


def words(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def w3_datetime(name: str, value: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise Open311Error(400, f"{name} 须为 W3C 日期时间格式，如 2010-01-01T00:00:00Z") from None
    if parsed.tzinfo is None:
        parsed = timezone.make_aware(parsed)
    return parsed


def date_range(data: QueryDict) -> tuple[dt.datetime, dt.datetime]:
    """start_date/end_date: at most 90 days; missing ends default to the most recent 90 days."""
    start = w3_datetime("start_date", text(data, "start_date", 40))
    end = w3_datetime("end_date", text(data, "end_date", 40))
    if start and end and end < start:
        raise Open311Error(400, "end_date 不能早于 start_date")
    if start and end and end - start > MAX_SPAN:
        raise Open311Error(400, "start_date 与 end_date 的跨度不能超过 90 天")
    if end is None:
        end = start + MAX_SPAN if start else timezone.now()
    if start is None:
        start = end - MAX_SPAN
    return start, end


def coordinate(data: QueryDict, name: str, limit: int) -> Decimal | None:
    value = text(data, name, 30)
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise Open311Error(400, f"{name} 须为数字") from None
    if not math.isfinite(number) or abs(number) > limit:
        raise Open311Error(400, f"{name} 超出范围")
    return Decimal(str(round(number, 6)))


def attributes(data: QueryDict) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key in data:
        match = _ATTRIBUTE.match(key)
        if not match:
            continue
        values = [v for v in data.getlist(key)]
        for value in values:
            if text_problem(value) or len(value) > 200:
                raise Open311Error(400, f"attribute[{match.group(1)}] 的值无效")
        found[match.group(1)] = values if match.group(2) else values[-1]
    return found


@dataclass(frozen=True)
class Location:
    lat: Decimal | None
    long: Decimal | None
    address_string: str
    address_id: int | None


def location(data: QueryDict) -> Location:
    lat = coordinate(data, "lat", 90)
    long = coordinate(data, "long", 180)
    if (lat is None) != (long is None):
        raise Open311Error(400, "lat 与 long 须同时提供")
    address_string = text(data, "address_string", 200)
    raw_id = text(data, "address_id", 20)
    address_id = parse_id(raw_id) if raw_id else None
    if raw_id and address_id is None:
        raise Open311Error(400, "address_id 无效")
    if lat is None and not address_string and address_id is None:
        raise Open311Error(400, "须提供位置：lat 和 long、address_string 或 address_id 之一")
    return Location(lat, long, address_string, address_id)
