"""The dashboard's charts, as plain data for `json_script` (drawn by static/js/insights.js):
filed and closed per local day over the last 30 days, and this month's cases by channel and by
category. Three grouped queries, whatever the number of cases."""

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases.choices import Category, Channel
from gongzhi.cases.models import Case
from gongzhi.cases.periods import Period
from gongzhi.cases.workflow import Status
from gongzhi.core.calendar import local_zone
from gongzhi.insights import dashboard_cache
from gongzhi.insights.dashboard import Area

DAYS = 30
TOP_CATEGORIES = 8


def _per_day(cases: Any, column: str, days: list[dt.date]) -> list[int]:
    """How many of `cases` have `column` on each local day: one count per day in one row,
    each over the day's [local midnight, next local midnight) (no per-row date arithmetic)."""
    bounds = [Period(day, day).bounds() for day in days]
    in_range = cases.filter(**{f"{column}__gte": bounds[0][0], f"{column}__lt": bounds[-1][1]})
    counts = in_range.aggregate(
        **{
            f"d{i}": Count("id", filter=Q(**{f"{column}__gte": start, f"{column}__lt": end}))
            for i, (start, end) in enumerate(bounds)
        }
    )
    return [counts[f"d{i}"] or 0 for i in range(len(days))]


def daily_chart(user: Any, area: Area, now: dt.datetime) -> dict[str, Any]:
    """受理 (by the day filed) and 办结 (by the day closed) of each of the last DAYS local days,
    today included (counted at most once per area and slot, dashboard_cache)."""
    today = timezone.localdate(now, local_zone())
    first = today - dt.timedelta(days=DAYS - 1)
    days = [first + dt.timedelta(days=i) for i in range(DAYS)]

    def compute() -> tuple[list[int], list[int]]:
        cases = area.cases(Case.objects.visible_to(user))
        closed = cases.filter(status=Status.CLOSED)
        return _per_day(cases, "created_at", days), _per_day(closed, "closed_at", days)

    (filed, closed), _at = dashboard_cache.cached("daily", area.key, now, compute)
    return {
        "labels": [f"{d.month}/{d.day}" for d in days],
        "series": [
            {"name": _("受理"), "values": filed},
            {"name": _("办结"), "values": closed},
        ],
        "total": sum(filed) + sum(closed),
    }


def month_mix(user: Any, area: Area, month: Period, now: dt.datetime) -> dict[str, Any]:
    """This month's cases by channel (every channel with a case) and its TOP_CATEGORIES
    categories (未研判: not yet given one), most cases first; one query, at most once per area
    and slot (dashboard_cache)."""
    start, end = month.bounds()

    def compute() -> list[dict[str, Any]]:
        cases = area.cases(Case.objects.visible_to(user))
        in_month = cases.filter(created_at__gte=start, created_at__lt=end).order_by()
        return list(in_month.values("channel", "category").annotate(n=Count("id")))

    rows, _at = dashboard_cache.cached("mix", area.key, now, compute)
    channels: dict[str, int] = {}
    categories: dict[str, int] = {}
    for row in rows:
        channels[row["channel"]] = channels.get(row["channel"], 0) + row["n"]
        categories[row["category"]] = categories.get(row["category"], 0) + row["n"]
    channel_names = dict(Channel.choices)
    category_names = {**dict(Category.choices), "": _("未研判")}

    def ranked(counts: dict[str, int], names: dict[str, Any], top: int | None = None) -> list:
        items = sorted(counts.items(), key=lambda kv: (-kv[1], str(names.get(kv[0], kv[0]))))
        return [{"name": str(names.get(k, k)), "value": n} for k, n in items[:top]]

    return {
        "channels": ranked(channels, channel_names),
        "categories": ranked(categories, category_names, TOP_CATEGORIES),
        "total": sum(channels.values()),
    }
