"""The monthly report's choice (月度研判报告): one calendar month, the current one or one of the
24 before it, and one area the user reads the figures of.

The areas offered are the user's own, from the grants of the roles that read the figures
(street officers, community and grid workers, party-branch members): a street officer's whole
street, a community or a compound; a community (or grid) worker's community or one of its
compounds; a party member's compound. An area not offered is refused with a message, never
shown. Forms check shape only; the selectors scope every figure to the user once more."""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.cases.forms.fields import StyledForm
from gongzhi.cases.periods import Period, Preset, local_today, preset_period
from gongzhi.cases.policies import METRICS_ROLES
from gongzhi.org import selectors as org_selectors
from gongzhi.org.grant_labels import community_label
from gongzhi.org.models import Community, Compound
from gongzhi.org.scopes import scope_for

MONTHS_BACK = 24  # besides the current month
READER_ROLES = METRICS_ROLES  # policies.can_view_analysis
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_AREA = re.compile(r"^(all|community|compound):(\d+)$")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, day: dt.date) -> "Month":
        return cls(day.year, day.month)

    @property
    def value(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return _("%(year)d年%(month)d月") % {"year": self.year, "month": self.month}

    @property
    def period(self) -> Period:
        """Its days, first to last (the 本月 of its first day)."""
        return preset_period(Preset.THIS_MONTH, dt.date(self.year, self.month, 1))

    def previous(self) -> "Month":
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)


def parse_month(raw: str) -> Month | None:
    """`2026-11` (or `2026-1`) as a Month; None when it is not one."""
    match = _MONTH.match(raw)
    if match and 1 <= int(match[2]) <= 12:
        return Month(int(match[1]), int(match[2]))
    return None


def recent_months(today: dt.date) -> list[Month]:
    """The current month and the MONTHS_BACK before it, newest first."""
    months = [Month.of(today)]
    for _i in range(MONTHS_BACK):
        months.append(months[-1].previous())
    return months


@dataclass(frozen=True)
class Area:
    """Where the figures come from: all the user reads, a community or a compound."""

    kind: str  # "all" | "community" | "compound"
    pk: int
    name: str  # as the report's heading and the file name say it
    community: Community | None = None
    compound: Compound | None = None

    @property
    def value(self) -> str:
        return f"{self.kind}:{self.pk}"

    def metric_filters(self) -> dict[str, Any]:
        """For `cases.metrics`: the community or the compound (nothing for all)."""
        if self.compound is not None:
            return {"compound": self.compound}
        if self.community is not None:
            return {"community": self.community}
        return {}

    def narrow(self, cases: Any) -> Any:
        """The cases of this area among `cases` (already scoped to the user)."""
        if self.compound is not None:
            return cases.filter(compound=self.compound)
        if self.community is not None:
            return cases.filter(compound__community=self.community)
        return cases


def _covered(scope: Any, path: str) -> bool:
    return scope.covers(path, READER_ROLES)


def areas_for(user: Any) -> list[tuple[Area, list[Area]]]:
    """The areas the user may choose, in groups for the list: each top area (a whole street,
    a community, a compound the user's grants cover) with the communities and compounds under
    it. Three queries."""
    scope = scope_for(user)
    streets = [s for s in org_selectors.streets_for(user) if _covered(scope, s.path)]
    communities = [c for c in org_selectors.communities_for(user) if _covered(scope, c.path)]
    compounds = [c for c in org_selectors.compounds_for(user) if _covered(scope, c.path)]
    groups: list[tuple[Area, list[Area]]] = []
    if streets:
        name = (
            _("%(street)s（全街道）") % {"street": streets[0].name}
            if len(streets) == 1
            else _("全部街道")
        )
        # The whole street: every case the user reads (their grant covers the street).
        groups.append((Area("all", streets[0].pk if len(streets) == 1 else 0, name), []))
    for community in communities:
        area = Area(
            "community",
            community.pk,
            community_label(community.name),
            community=community,
        )
        under = [
            Area("compound", c.pk, c.name, compound=c)
            for c in compounds
            if c.community_id == community.pk
        ]
        groups.append((area, under))
    community_ids = {c.pk for c in communities}
    for compound in compounds:
        if compound.community_id not in community_ids:  # a party member's own compound
            groups.append((Area("compound", compound.pk, compound.name, compound=compound), []))
    return groups


class MonthlyReportForm(StyledForm):
    """Always bound (to the query string): nothing chosen means last month and the user's
    whole area."""

    month = forms.CharField(label=gettext_lazy("月份"), required=False, widget=forms.Select)
    area = forms.CharField(label=gettext_lazy("区域"), required=False, widget=forms.Select)

    def __init__(self, data: Any, *, user: Any, today: dt.date | None = None) -> None:
        super().__init__(data or {})
        self.today = today or local_today()
        self.months = recent_months(self.today)
        self.groups = areas_for(user)
        self.areas = {a.value: a for top, under in self.groups for a in (top, *under)}
        self.fields["month"].widget.choices = [(m.value, m.label) for m in self.months]
        # A NUL in a link (?month=%00) is a value not on the list, said as for any other, not
        # Django's "null characters are not allowed".
        for name in ("month", "area"):
            self.fields[name].validators = []
        self.fields["area"].widget.choices = self._area_choices()

    def _area_choices(self) -> list[Any]:
        choices: list[Any] = []
        for top, under in self.groups:
            if not under:
                choices.append((top.value, top.name))
                continue
            whole = _("%(community)s（全社区）") % {"community": top.name}
            items = [(top.value, whole), *((a.value, a.name) for a in under)]
            choices.append((top.name, items))
        return choices

    def clean_month(self) -> Month:
        raw = (self.cleaned_data.get("month") or "").strip()
        if not raw:
            return self.months[1]  # last month
        month = parse_month(raw)
        if month is None:
            raise ValidationError(
                _("月份“%(value)s”无法识别，请从列表中选择，格式如“2026-11”"),
                params={"value": "".join(ch for ch in raw[:20] if ch.isprintable())},
            )
        if month not in self.months:
            raise ValidationError(
                _("只能查看%(first)s至%(last)s的报告（本月及此前 %(n)d 个月）"),
                params={
                    "first": self.months[-1].label,
                    "last": self.months[0].label,
                    "n": MONTHS_BACK,
                },
            )
        return month

    def clean_area(self) -> Area:
        raw = (self.cleaned_data.get("area") or "").strip()
        if not self.areas:
            raise ValidationError(_("您没有可查看的区域"))
        if not raw:
            return next(iter(self.areas.values()))
        if not _AREA.match(raw):
            raise ValidationError(_("请从列表中选择区域"))
        if raw not in self.areas:
            raise ValidationError(_("所选区域不在您的查看范围内，请从列表中选择"))
        return self.areas[raw]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors:  # the lists show what the report is of, defaults included
            self.data = self.data.copy()
            self.data["month"], self.data["area"] = data["month"].value, data["area"].value
        return data

    def choice(self) -> tuple[Month, Area] | None:
        if not self.is_valid():
            return None
        return self.cleaned_data["month"], self.cleaned_data["area"]
