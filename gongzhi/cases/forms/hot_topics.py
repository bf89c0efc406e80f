"""The 热点议题 filter: any period (the last 7/30/90 days, a calendar month or quarter for the
monthly analysis, or chosen dates) and any area the user may see. Forms check shape only. Dates
are checked and cut at today as on 办理指标 (`PeriodDatesForm`): 本月 is the month so far."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from gongzhi.cases.forms.fields import PeriodDatesForm
from gongzhi.cases.periods import (
    Period,
    Preset,
    local_today,
    preset_period,
)
from gongzhi.org.grant_labels import community_label

ROLLING_DAYS = {"7": 7, "30": 30, "90": 90}
DEFAULT_PERIOD = "30"
PERIOD_CHOICES = (
    ("7", gettext_lazy("近 7 天")),
    ("30", gettext_lazy("近 30 天")),
    ("90", gettext_lazy("近 90 天")),
    (Preset.THIS_MONTH, Preset.THIS_MONTH.label),
    (Preset.LAST_MONTH, Preset.LAST_MONTH.label),
    (Preset.THIS_QUARTER, Preset.THIS_QUARTER.label),
    (Preset.THIS_YEAR, Preset.THIS_YEAR.label),
    (Preset.CUSTOM, gettext_lazy("自定义日期")),
)


@dataclass(frozen=True)
class TopicWindow:
    """[start, end) of the cases looked at; the trend compares [start, middle) with the rest."""

    start: dt.datetime
    end: dt.datetime
    label: str  # 近 30 天, 2026年11月1日—11月30日
    middle: dt.datetime | None = None  # None: too short for a trend
    first_label: str = ""
    second_label: str = ""


def trend_halves(days: int) -> tuple[str, str]:
    """The two halves a trend compares, as the sentence "近 15 天与前 15 天相比" names them: in
    English "the previous 15 days" and "the last 15 days", set mid-sentence."""
    return (
        pgettext("the older half of a trend", "前 %(n)s 天") % {"n": days},
        pgettext("the newer half of a trend", "近 %(n)s 天") % {"n": days},
    )


def rolling_window(days: int, now: dt.datetime) -> TopicWindow:
    """The last `days` days; the trend compares the newer half of them with the older half
    (近 15 天 with the 15 days before; a week's halves are 3 days and a half: 近 3 天半)."""
    half = days // 2
    if days % 2:
        before = pgettext("the older half of a trend", "前 %(n)s 天半") % {"n": half}
        after = pgettext("the newer half of a trend", "近 %(n)s 天半") % {"n": half}
    else:
        before, after = trend_halves(half)
    return TopicWindow(
        start=now - dt.timedelta(days=days),
        end=now,
        label=_("近 %(n)s 天") % {"n": days},
        middle=now - dt.timedelta(days=days / 2),
        first_label=before,
        second_label=after,
    )


def calendar_window(period: Period, today: dt.date) -> TopicWindow:
    """Whole local days; the trend splits the days already passed into two halves."""
    start, end = period.bounds()
    last = min(period.last, today)
    days = (last - period.first).days + 1
    if days < 2:
        return TopicWindow(start=start, end=end, label=period.label)
    second_first = period.first + dt.timedelta(days=days // 2)
    middle, _end = Period(second_first, second_first).bounds()
    return TopicWindow(
        start=start,
        end=end,
        label=period.label,
        middle=middle,
        first_label=Period(period.first, second_first - dt.timedelta(days=1)).label,
        second_label=Period(second_first, last).label,
    )


class HotTopicsFilterForm(PeriodDatesForm):
    field_order = ("period", "start", "end", "area")
    period = forms.ChoiceField(
        label=gettext_lazy("时间范围"),
        choices=PERIOD_CHOICES,
        required=False,
        error_messages={"invalid_choice": gettext_lazy("请从列表中选择时间范围")},
    )
    area = forms.ChoiceField(
        label=gettext_lazy("区域"),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("请从列表中选择区域")},
    )

    def __init__(
        self,
        data: Any = None,
        *,
        communities: list[Any],
        compounds: list[Any],
        now: dt.datetime | None = None,
        **kwargs: Any,
    ) -> None:
        data = data.copy() if data is not None else {}
        if "days" in data and "period" not in data:
            data["period"] = data["days"]  # links from before 自定义日期 said ?days=30
        if not data.get("period") and not (data.get("start") or data.get("end")):
            # Nothing chosen means 近 30 天, and the select says so: otherwise it shows its first
            # choice (近 7 天) and 查看 untouched would switch to it.
            data["period"] = DEFAULT_PERIOD
        super().__init__(data, **kwargs)  # always bound
        self.now = now or timezone.now()
        self.fields["area"].choices = [
            ("", gettext_lazy("全部可见区域")),
            *((f"community:{c.pk}", community_label(c.name)) for c in communities),
            *((f"compound:{c.pk}", c.name) for c in compounds),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        start, end = data.get("start"), data.get("end")
        period = data.get("period") or (Preset.CUSTOM if start or end else DEFAULT_PERIOD)
        data["period"] = period
        today = local_today()
        if period in ROLLING_DAYS:
            data["window"] = rolling_window(ROLLING_DAYS[period], self.now)
            return data
        if period != Preset.CUSTOM:
            chosen = preset_period(period, today)
        else:
            chosen = self.chosen_dates(data)
        chosen = self.so_far(chosen, today)  # as 办理指标: the days up to today, none to come
        self.data = self.data.copy()  # show the days looked at
        self.data["start"], self.data["end"] = chosen.first.isoformat(), chosen.last.isoformat()
        data["window"] = calendar_window(chosen, today)
        return data

    def window(self) -> TopicWindow | None:
        return self.cleaned_data.get("window") if self.is_valid() else None

    def chosen_area(self) -> tuple[str, int | None]:
        """("community" | "compound" | "", pk) of a valid form's area."""
        kind, _sep, pk = (self.cleaned_data.get("area") or "").partition(":")
        return (kind, int(pk)) if pk else ("", None)
