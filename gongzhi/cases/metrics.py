"""S8 metrics over the cases a user may see. The formulas are pinned by tests/test_metrics.py.

- 响应率 response   = dispatched cases signed for by their respond deadline ÷ dispatched cases
- 解决率 resolution = return visits "已解决" ÷ return visits
- 满意率 satisfaction = visits rated 非常满意 + 满意 + 基本满意 ÷ visits
- 按时办结率 on_time = closed cases that never breached a deadline ÷ closed cases
- 退单率 return     = dispatched cases returned at least once ÷ dispatched cases
- 重复诉求率 repeat  = repeats attached to an existing case ÷ all cases filed
A period selects cases by `created_at` in [start, end).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from gongzhi.cases.choices import SATISFIED_LEVELS
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


def metrics_by_compound(
    user: Any,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    community: Community | None = None,
) -> list[tuple[Compound, CaseMetrics]]:
    """One row per compound with cases (three queries)."""
    cases = _scoped(user, start, end, None, community, None)
    rows = {
        row["compound_id"]: row
        for row in cases.order_by().values("compound_id").annotate(**_CASE_COUNTS)
    }
    rating_rows = {
        row["case__compound_id"]: row
        for row in CaseRating.objects.filter(case__in=cases.values("pk"))
        .order_by()
        .values("case__compound_id")
        .annotate(**_RATING_COUNTS)
    }
    empty = {"visits": 0, "resolved": 0, "satisfied": 0}
    compounds = Compound.objects.filter(pk__in=rows).order_by("id")
    return [(c, _build(rows[c.pk], rating_rows.get(c.pk, empty))) for c in compounds]
