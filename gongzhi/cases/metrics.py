"""S8 metrics over the cases a user may see. The formulas are pinned by tests/test_metrics.py
and, per group, by tests/test_metrics_grouping.py.

- 响应率 response   = dispatched cases signed for by their respond deadline ÷ dispatched cases
- 解决率 resolution = return visits "已解决" ÷ return visits
- 满意率 satisfaction = visits rated 非常满意 + 满意 + 基本满意 ÷ visits
- 按时办结率 on_time = closed cases that never breached a deadline ÷ closed cases
- 退单率 return     = dispatched cases returned at least once ÷ dispatched cases
- 重复诉求率 repeat  = repeats attached to an existing case ÷ all cases filed
A period selects cases by `created_at` in [start, end).

Grouped (`metrics_by`), every case counts in exactly one row, so the rows add up to the total:
its compound, its compound's community, or its party — the property company it is assigned to
(kept when it escalates), else the level that handles it (社区, 街道, 职能部门), else none (not
dispatched, or returned and waiting to be dispatched again). The party is the current one: a
case returned by one company and dispatched to another counts, with its 退单, for the second.
"""

import datetime as dt
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db import models
from django.db.models import Count, F, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.choices import SATISFIED_LEVELS, Level
from gongzhi.cases.models import Case, CaseRating
from gongzhi.cases.workflow import Status
from gongzhi.org.models import Community, Compound, PropertyCompany


@dataclass(frozen=True)
class Ratio:
    num: int
    den: int

    @property
    def value(self) -> Fraction | None:
        return Fraction(self.num, self.den) if self.den else None

    @property
    def percent(self) -> Decimal | None:
        """One decimal place, half up (e.g. 2/3 → 66.7)."""
        if not self.den:
            return None
        exact = Decimal(self.num * 100) / Decimal(self.den)
        return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def __str__(self) -> str:
        return "—" if self.percent is None else f"{self.percent}%"


@dataclass(frozen=True)
class CaseMetrics:
    total: int
    response_rate: Ratio
    resolution_rate: Ratio
    satisfaction_rate: Ratio
    on_time_rate: Ratio
    return_rate: Ratio
    repeat_rate: Ratio


@dataclass(frozen=True)
class RateColumn:
    """A rate as the page and the Excel file show it: its name and its two counts' names."""

    attr: str
    title: Promise
    num: Promise
    den: Promise


# The order of the table, the chart and the Excel file; the names of the formulas above.
RATES = (
    RateColumn("response_rate", _("响应率"), _("按时签收"), _("已交办")),
    RateColumn("resolution_rate", _("解决率"), _("回访已解决"), _("回访数")),
    RateColumn("satisfaction_rate", _("满意率"), _("满意评价"), _("回访数")),
    RateColumn("on_time_rate", _("按时办结率"), _("未超时办结"), _("办结数")),
    RateColumn("return_rate", _("退单率"), _("被退单"), _("已交办")),
    RateColumn("repeat_rate", _("重复诉求率"), _("重复反映"), _("全部诉求")),
)


_CASE_COUNTS = {
    "total": Count("id"),
    "dispatched": Count("id", filter=Q(dispatched_at__isnull=False)),
    "responded": Count(
        "id",
        filter=Q(
            dispatched_at__isnull=False,
            responded_at__isnull=False,
            responded_at__lte=F("respond_due_at"),
        ),
    ),
    "closed": Count("id", filter=Q(status=Status.CLOSED)),
    "closed_on_time": Count("id", filter=Q(status=Status.CLOSED, breach_count=0)),
    "returned": Count("id", filter=Q(dispatched_at__isnull=False, return_count__gt=0)),
    "repeats": Count("id", filter=Q(status=Status.MERGED)),
}
_RATING_COUNTS = {
    "visits": Count("id"),
    "resolved": Count("id", filter=Q(resolved=True)),
    "satisfied": Count("id", filter=Q(level__in=sorted(SATISFIED_LEVELS))),
}


def _scoped(
    user: Any,
    start: dt.datetime | None,
    end: dt.datetime | None,
    compound: Compound | None,
    community: Community | None,
    company: PropertyCompany | None,
) -> QuerySet[Case]:
    cases = Case.objects.visible_to(user)
    if start is not None:
        cases = cases.filter(created_at__gte=start)
    if end is not None:
        cases = cases.filter(created_at__lt=end)
    if compound is not None:
        cases = cases.filter(compound=compound)
    if community is not None:
        cases = cases.filter(compound__community=community)
    if company is not None:
        cases = cases.filter(assigned_company=company)
    return cases


def _build(c: dict[str, int], r: dict[str, int]) -> CaseMetrics:
    return CaseMetrics(
        total=c["total"],
        response_rate=Ratio(c["responded"], c["dispatched"]),
        resolution_rate=Ratio(r["resolved"], r["visits"]),
        satisfaction_rate=Ratio(r["satisfied"], r["visits"]),
        on_time_rate=Ratio(c["closed_on_time"], c["closed"]),
        return_rate=Ratio(c["returned"], c["dispatched"]),
        repeat_rate=Ratio(c["repeats"], c["total"]),
    )


def case_metrics(
    user: Any,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    compound: Compound | None = None,
    community: Community | None = None,
    company: PropertyCompany | None = None,
) -> CaseMetrics:
    """Two queries, whatever the number of cases."""
    cases = _scoped(user, start, end, compound, community, company)
    counts = cases.aggregate(**_CASE_COUNTS)
    ratings = CaseRating.objects.filter(case__in=cases.values("pk")).aggregate(**_RATING_COUNTS)
    return _build(counts, ratings)


class Grouping(models.TextChoices):
    COMPOUND = "compound", _("小区")
    COMMUNITY = "community", _("社区")
    PARTY = "party", _("物业公司")


@dataclass(frozen=True)
class Group:
    """One row's subject: a compound, a community, a company or a level without a company."""

    key: Hashable
    name: str


# The case columns each grouping counts by (a party is a company, else the assigned level).
_GROUP_FIELDS = {
    Grouping.COMPOUND: ("compound_id",),
    Grouping.COMMUNITY: ("compound__community_id",),
    Grouping.PARTY: ("assigned_company_id", "assigned_level"),
}
_NO_RATINGS = dict.fromkeys(_RATING_COUNTS, 0)
# Rows of cases without a company, after the companies, in this order.
PARTY_LEVELS = {
    Level.COMPOUND: Level.COMPOUND.label,  # a 小区 case always has its company; for safety
    Level.COMMUNITY: _("社区承办"),
    Level.STREET: _("街道承办"),
    Level.DEPARTMENT: _("职能部门承办"),
    "": _("暂无承办单位"),
}


def _key(grouping: str, values: tuple[Any, ...]) -> Hashable:
    if grouping != Grouping.PARTY:
        return values[0]
    company, level = values
    return ("company", company) if company else ("level", level or "")


def _grouped(
    rows: Iterable[dict[str, Any]], grouping: str, fields: tuple[str, ...], counts: dict[str, Any]
) -> dict[Hashable, dict[str, int]]:
    """Rows of counts by group key; several rows of one key (a company at several levels) add up."""
    out: dict[Hashable, dict[str, int]] = {}
    for row in rows:
        key = _key(grouping, tuple(row[f] for f in fields))
        into = out.setdefault(key, dict.fromkeys(counts, 0))
        for name in counts:
            into[name] += row[name]
    return out


def _groups(grouping: str, keys: Iterable[Hashable]) -> list[Group]:
    """The groups of `keys` with their names, in a stable order (one query)."""
    keys = set(keys)
    if grouping == Grouping.COMPOUND:
        return [Group(c.pk, c.name) for c in Compound.objects.filter(pk__in=keys).order_by("id")]
    if grouping == Grouping.COMMUNITY:
        return [Group(c.pk, c.name) for c in Community.objects.filter(pk__in=keys).order_by("id")]
    company_ids = [k[1] for k in keys if isinstance(k, tuple) and k[0] == "company"]
    companies = PropertyCompany.objects.filter(pk__in=company_ids).order_by("name", "id")
    levels = [
        Group(("level", level), str(name))
        for level, name in PARTY_LEVELS.items()
        if ("level", level) in keys
    ]
    return [Group(("company", c.pk), c.name) for c in companies] + levels


def metrics_by(
    user: Any,
    *,
    group: str = Grouping.COMPOUND,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    community: Community | None = None,
) -> list[tuple[Group, CaseMetrics]]:
    """One row per compound, community or party with cases (three queries)."""
    fields = _GROUP_FIELDS[Grouping(group)]
    cases = _scoped(user, start, end, None, community, None)
    counts = _grouped(
        cases.order_by().values(*fields).annotate(**_CASE_COUNTS), group, fields, _CASE_COUNTS
    )
    rating_fields = tuple(f"case__{f}" for f in fields)
    ratings = _grouped(
        CaseRating.objects.filter(case__in=cases.values("pk"))
        .order_by()
        .values(*rating_fields)
        .annotate(**_RATING_COUNTS),
        group,
        rating_fields,
        _RATING_COUNTS,
    )
    return [
        (g, _build(counts[g.key], ratings.get(g.key, _NO_RATINGS))) for g in _groups(group, counts)
    ]
