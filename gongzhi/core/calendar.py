"""Working days on the Chinese official calendar, with administrator overrides.

The statutory holidays and make-up workdays (调休) come from the maintained `chinese_calendar`
library; `CalendarOverride` rows (entered by the street on 设置 › 工作日历) win over it. Outside the
years the library knows (after its last year, and before its first: it starts in 2004), weekends
are rest days and weekdays are workdays: `uncovered_years` names those years so that the street
is told to enter the State Council's schedule for them.
"""

import datetime as dt
import math
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar
import chinese_calendar.constants
from django.conf import settings
from django.db.models import Count

from gongzhi.core.models import CalendarOverride


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@lru_cache(maxsize=4096)
def _official_workday(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # a year the library does not cover yet
        return day.weekday() < 5


def official_first_year() -> int:
    """The first year whose holidays the installed library knows (2004)."""
    return min(day.year for day in chinese_calendar.constants.holidays)


def official_last_year() -> int:
    """The last year whose holidays and make-up workdays the installed library knows."""
    return max(day.year for day in chinese_calendar.constants.holidays)


# The statutory holidays of a year (全国年节及纪念日放假办法, since 2025): 元旦 1, 春节 4, 清明 1,
# 劳动节 2, 端午 1, 中秋 1, 国庆 3 days. A year the library does not know counts as entered once
# the street has entered at least that many rest days for it: one day entered is not the year.
STATUTORY_REST_DAYS = 13


def rest_days_entered(years: list[int]) -> dict[int, int]:
    """How many rest-day (休息) overrides each of `years` has."""
    if not years:
        return {}
    rows = (
        CalendarOverride.objects.filter(date__year__in=years, is_workday=False)
        .values_list("date__year")
        .annotate(days=Count("id"))
        .order_by()
    )
    return dict(rows)


def uncovered_years(first: dt.date, last: dt.date) -> list[int]:
    """Years between `first` and `last` that the library does not cover (before its first
    year or after its last) and for which the street has not entered the statutory holidays
    either (fewer than STATUTORY_REST_DAYS rest days): their deadlines count Monday to Friday
    only."""
    known = range(official_first_year(), official_last_year() + 1)
    years = [year for year in range(first.year, last.year + 1) if year not in known]
    entered = rest_days_entered(years)
    return [year for year in years if entered.get(year, 0) < STATUTORY_REST_DAYS]


def upcoming_uncovered_years(today: dt.date | None = None) -> list[int]:
    """This year and next, where not covered: the State Council publishes a year's schedule
    around November of the year before, so the street should act on next year by December."""
    today = today or dt.datetime.now(local_zone()).date()
    return uncovered_years(today, today.replace(year=today.year + 1))


class WorkingCalendar:
    """Answers "is this a working day?" with the overrides loaded once per use."""

    def __init__(self, overrides: dict[dt.date, bool] | None = None) -> None:
        if overrides is None:
            overrides = dict(CalendarOverride.objects.values_list("date", "is_workday"))
        self.overrides = overrides

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return _official_workday(day)

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """End of the N-th working day after `start`'s local date (the start day not counted),
        at 23:59:59 local time, returned timezone-aware."""
        if days < 1:
            raise ValueError("工作日数必须为正整数")
        zone = local_zone()
        day = start.astimezone(zone).date()
        counted = 0
        while counted < days:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=zone)


def add_clock_hours(start: dt.datetime, hours: float) -> dt.datetime:
    """Clock hours count every hour of every day (7×24)."""
    if not (hours > 0 and math.isfinite(hours)):  # NaN fails every comparison
        raise ValueError("小时数必须为正数")
    return start + dt.timedelta(hours=hours)
