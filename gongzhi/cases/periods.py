"""Reporting periods of the metrics page (月研判): 本月, 上月, 本季度, 本年 or chosen dates.

A period is a run of whole local days, first and last included; `bounds()` turns it into the
[start, end) instants of local midnight that the selectors filter `created_at` with.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core.calendar import local_zone

# Outside these, a date is a typing slip (a year 0202 or 20260): refused with a clear message.
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2099, 12, 31)


class Preset(models.TextChoices):
    THIS_MONTH = "this_month", gettext_lazy("本月")
    LAST_MONTH = "last_month", gettext_lazy("上月")
    THIS_QUARTER = "this_quarter", gettext_lazy("本季度")
    THIS_YEAR = "this_year", gettext_lazy("本年")
    CUSTOM = "custom", gettext_lazy("自定义")


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date  # included

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """Local midnight of the first day, and local midnight after the last day."""
        zone = local_zone()
        start = dt.datetime.combine(self.first, dt.time(0, 0), tzinfo=zone)
        end = dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(0, 0), tzinfo=zone)
        return start, end

    @property
    def label(self) -> str:
        """For example 2026年11月1日—11月30日: the year is written again only when it changes."""
        first = _full(self.first)
        if self.last == self.first:
            return first
        if self.last.year == self.first.year:
            last = _("%(month)d月%(day)d日") % {"month": self.last.month, "day": self.last.day}
        else:
            last = _full(self.last)
        return f"{first}—{last}"


def _full(day: dt.date) -> str:
    return _("%(year)d年%(month)d月%(day)d日") % {
        "year": day.year,
        "month": day.month,
        "day": day.day,
    }


def local_today() -> dt.date:
    return timezone.localtime(timezone.now(), local_zone()).date()


def _month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def preset_period(preset: str, today: dt.date) -> Period:
    """The calendar month, quarter or year around `today` (whole, future days included)."""
    if preset == Preset.THIS_MONTH:
        first = today.replace(day=1)
        return Period(first, _month_end(first))
    if preset == Preset.LAST_MONTH:
        last = today.replace(day=1) - dt.timedelta(days=1)
        return Period(last.replace(day=1), last)
    if preset == Preset.THIS_QUARTER:
        first = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
        return Period(first, _month_end(first.replace(month=first.month + 2)))
    if preset == Preset.THIS_YEAR:
        return Period(today.replace(month=1, day=1), today.replace(month=12, day=31))
    raise ValueError(f"not a preset period: {preset!r}")


def matching_preset(period: Period, today: dt.date) -> str:
    """The quick choice that stands for exactly these days, else 自定义."""
    for preset in (Preset.THIS_MONTH, Preset.LAST_MONTH, Preset.THIS_QUARTER, Preset.THIS_YEAR):
        if preset_period(preset, today) == period:
            return preset
    return Preset.CUSTOM


def so_far(period: Period, today: dt.date) -> Period:
    """The days of `period` up to today: a month not over yet ends today (12月1日—12月2日 on
    2 December), as the dashboard and the monthly report count it. A period wholly past is
    unchanged; one wholly in the future is for the caller to refuse."""
    if period.first <= today < period.last:
        return Period(period.first, today)
    return period


def matching_preset_so_far(period: Period, today: dt.date) -> str:
    """`matching_preset` for periods cut at today (`so_far`)."""
    for preset in (Preset.THIS_MONTH, Preset.LAST_MONTH, Preset.THIS_QUARTER, Preset.THIS_YEAR):
        if so_far(preset_period(preset, today), today) == period:
            return preset
    return Preset.CUSTOM
