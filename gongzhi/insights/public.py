"""透明小区: the figures of a street that anyone may read without logging in.

Per community, the month's demands (受理, 办结) and their S8 rates, counted by the same formulas
as 办理指标 and the monthly report; and the street's compounds, households and floor area. Only
counts: no case, no person. A public page can be opened by anyone as often as they like, so a
month's figures are counted at most once per street and CACHE_MINUTES (a past month changes
only through late ratings and closures).
"""

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Sum

from gongzhi.cases.metrics import CaseMetrics, Ratio, public_metrics_by_community
from gongzhi.core import quantities
from gongzhi.insights.forms import Month
from gongzhi.org.grant_labels import community_label
from gongzhi.org.models import Community, Compound, Street, Unit

MONTHS_SHOWN = 12  # besides the current month
CACHE_MINUTES = 10
# 2: communities named as the staff pages name them (华锦社区); 3: the places cached by their
# own names, labelled in the reader's language when read (v2 kept the first reader's).
CACHE_VERSION = 3


@dataclass(frozen=True)
class CommunityFigures:
    name: str
    filed: int
    closed: int
    on_time_rate: Ratio
    resolution_rate: Ratio
    satisfaction_rate: Ratio


@dataclass(frozen=True)
class PlaceRow:
    name: str
    compounds: int
    households: int
    area: object


def public_months(today: dt.date) -> list[Month]:
    months = [Month.of(today)]
    for _i in range(MONTHS_SHOWN):
        months.append(months[-1].previous())
    return months


def _figures(name: str, m: CaseMetrics) -> CommunityFigures:
    return CommunityFigures(
        name=name,
        filed=m.total,
        closed=m.on_time_rate.den,
        on_time_rate=m.on_time_rate,
        resolution_rate=m.resolution_rate,
        satisfaction_rate=m.satisfaction_rate,
    )


def month_figures(street: Street, month: Month) -> list[CommunityFigures]:
    """Every community of the street (those without a case too), then the street's total."""
    key = f"insights:public:v{CACHE_VERSION}:{street.pk}:{month.value}"
    counted = cache.get(key)
    if counted is None:
        start, end = month.period.bounds()
        counted = {
            group.key: metrics
            for group, metrics in public_metrics_by_community(street, start=start, end=end)
        }
        cache.set(key, counted, CACHE_MINUTES * 60)
    rows = []
    for community in Community.objects.filter(street=street).order_by("id"):
        metrics = counted.get(community.pk)
        name = community_label(community.name)  # 华锦社区, as the staff pages say it
        rows.append(_figures(name, metrics) if metrics else _empty(name))
    return rows


def _empty(name: str) -> CommunityFigures:
    none = Ratio(0, 0)
    return CommunityFigures(name, 0, 0, none, none, none)


def street_total(name: str, rows: list[CommunityFigures]) -> CommunityFigures:
    """The street's row: counts and each rate's numerator and denominator summed."""

    def summed(attr: str) -> Ratio:
        ratios = [getattr(r, attr) for r in rows]
        return Ratio(sum(r.num for r in ratios), sum(r.den for r in ratios))

    return CommunityFigures(
        name=name,
        filed=sum(r.filed for r in rows),
        closed=sum(r.closed for r in rows),
        on_time_rate=summed("on_time_rate"),
        resolution_rate=summed("resolution_rate"),
        satisfaction_rate=summed("satisfaction_rate"),
    )


def place_rows(street: Street) -> list[PlaceRow]:
    """Per community of the street: compounds, households and floor area (kept CACHE_MINUTES:
    a sum over every household of the street). Only the counts and the communities' own names
    are cached: the key has no language, so 华锦社区 / 华锦 Community is said when read."""
    key = f"insights:public:v{CACHE_VERSION}:{street.pk}:places"
    rows = cache.get(key)
    if rows is None:
        rows = _count_places(street)
        cache.set(key, rows, CACHE_MINUTES * 60)
    return [PlaceRow(community_label(r.name), r.compounds, r.households, r.area) for r in rows]


def _count_places(street: Street) -> list[PlaceRow]:
    units = {
        row["building__compound__community"]: row
        for row in Unit.objects.filter(building__compound__community__street=street)
        .values("building__compound__community")
        .annotate(n=Count("id"), area=Sum("area"))
    }
    compounds = dict(
        Compound.objects.filter(community__street=street)
        .values("community")
        .annotate(n=Count("id"))
        .values_list("community", "n")
    )
    return [
        PlaceRow(
            c.name,  # as stored (华锦): labelled by place_rows in the reader's language
            compounds.get(c.pk, 0),
            units.get(c.pk, {}).get("n", 0),
            quantities.area(units.get(c.pk, {}).get("area")),
        )
        for c in Community.objects.filter(street=street).order_by("id")
    ]
