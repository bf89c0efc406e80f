"""S8 metrics over the cases a user may see. The formulas are pinned by tests/test_metrics.py,
per 小区 and 社区 by tests/test_metrics_grouping.py, and per party by
tests/test_metrics_attribution.py.

- 响应率 response   = hand-overs signed for by their own response deadline ÷ hand-overs
- 解决率 resolution = return visits "已解决" ÷ return visits
- 满意率 satisfaction = visits rated 非常满意 + 满意 + 基本满意 ÷ visits
- 按时办结率 on_time = closed cases that never breached a deadline ÷ closed cases
- 退单率 return     = dispatched cases returned at least once ÷ dispatched cases
- 重复诉求率 repeat  = repeats attached to an existing case ÷ all cases filed
A period selects cases by `created_at` in [start, end); every figure but 响应率 is about those
cases, whenever its events happened. The total (`case_metrics`) counts cases as above.

响应率 counts hand-overs, not cases: each 交办 and 改派 (an event) made in [start, end), of a
case the user may see, whenever the case was filed. It is signed for on time if the next 签收 of
its case, before any other hand-over, came by the response deadline set with that hand-over and
before any escalation (the 签收 event's `on_time`). A hand-over still inside its response window
and not yet signed for is pending: in neither count until it is signed or its deadline passes.
(An escalation is not a hand-over: it sets no response deadline.) So a month's 响应率 never
changes when a case is reopened or moved later: a new hand-over counts in the month it is made,
with its own deadline; the hand-over before keeps its 签收. The total and the rows count the
same hand-overs: by party, 小区 or 社区 the rows of 响应率 add up to the total.

By 小区 or 社区 (`metrics_by`), every case counts in exactly one row, with the same formulas, so
the rows add up to the total.

By party (承办单位: the property company while the case is at the 小区 level, else the level
handling it — 社区, 街道, 职能部门, an escalated case's company included — else none), each party
is charged with what it did, read from the events that record their party
(services.assignment.party_payload, case_party):
- 交办次数 and 按时签收 = the 交办 and 改派 handing a case to the party (a case handed to it twice
  counts twice) and their 签收 on time, as for the total;
- 已交办 (of 退单率) = the 交办 and 改派 of the period's cases handing a case to the party; a party
  a case was returned by or taken from keeps its count;
- 被退单 = its own 退单 (not one by a level the case had escalated to);
- 回访数, 回访已解决, 满意评价 = the visits of the rounds it resolved (已处置): after an
  escalation, the level that resolved it (社区, 街道 or 职能部门), not the company it came from;
- 办结数, 未超时办结 = closed cases whose last 已处置 was its own (on time: the case never
  breached a deadline, as in the total);
- 全部诉求 (诉求数) and 重复反映 = the cases it holds now, one row per case (none: not yet
  dispatched, or returned and waiting); a repeat counts with the case it repeats.
So a case may count for several parties: the rates of the rows need not add up to the total;
诉求数 and the counts of 响应率 still do. Property staff (were they given the page) get only their
companies' rows.
"""

import datetime as dt
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db import models
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet
from django.db.models.fields.json import KT, KeyTransform
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.choices import SATISFIED_LEVELS, Level
from gongzhi.cases.models import Case, CaseEvent, CaseRating, EventKind
from gongzhi.cases.querysets import CASE_READER_ROLES
from gongzhi.cases.workflow import Status
from gongzhi.org.models import Community, Compound, PropertyCompany
from gongzhi.org.scopes import scope_for

_TENTH, _ALMOST_ALL = Decimal("0.1"), Decimal("99.9")


@dataclass(frozen=True)
class Ratio:
    num: int
    den: int

    @property
    def value(self) -> Fraction | None:
        return Fraction(self.num, self.den) if self.den else None

    @property
    def percent(self) -> Decimal | None:
        """One decimal place, half up (e.g. 2/3 → 66.7); but never 100.0 short of all, nor 0.0
        above none (1999/2000 → 99.9, 1/2000 → 0.1): a meeting reads 100 % as "every one"."""
        if not self.den:
            return None
        exact = Decimal(self.num * 100) / Decimal(self.den)
        shown = exact.quantize(_TENTH, rounding=ROUND_HALF_UP)
        if self.num < self.den:
            shown = min(shown, _ALMOST_ALL)
        if self.num > 0:
            shown = max(shown, _TENTH)
        return shown

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
    RateColumn("response_rate", _("响应率"), _("按时签收"), _("交办次数")),
    RateColumn("resolution_rate", _("解决率"), _("回访已解决"), _("回访数")),
    RateColumn("satisfaction_rate", _("满意率"), _("满意评价"), _("回访数")),
    RateColumn("on_time_rate", _("按时办结率"), _("未超时办结"), _("办结数")),
    RateColumn("return_rate", _("退单率"), _("被退单"), _("已交办")),
    RateColumn("repeat_rate", _("重复诉求率"), _("重复反映"), _("全部诉求")),
)


_CASE_COUNTS = {
    "total": Count("id"),
    "dispatched": Count("id", filter=Q(dispatched_at__isnull=False)),
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


# --- 响应率: per hand-over (交办, 改派), by the time it was made --------------------------------

_HANDED_OVER = (EventKind.DISPATCHED, EventKind.REASSIGNED)
# A later hand-over of the same case than the outer one.
_LATER_HANDOVER = CaseEvent.objects.filter(
    case=OuterRef("case_id"), kind__in=_HANDED_OVER, id__gt=OuterRef("id")
)
# The 签收 answering the outer hand-over (the next one of its case, before any other hand-over),
# signed by the deadline that hand-over set and before any escalation (handling.case_accept).
_SIGNED_ON_TIME = CaseEvent.objects.filter(
    case=OuterRef("case_id"), kind=EventKind.ACCEPTED, payload__on_time=True, id__gt=OuterRef("id")
).exclude(
    Exists(
        CaseEvent.objects.filter(
            case=OuterRef(OuterRef("case_id")),
            kind__in=_HANDED_OVER,
            id__gt=OuterRef(OuterRef("id")),
            id__lt=OuterRef("id"),
        )
    )
)
_RESPONSE_NAMES = ("handovers", "pending", "responded")


def _response_counts(now: dt.datetime) -> dict[str, Count]:
    """The counts of 响应率 over hand-over events. Pending: the case's latest hand-over, not yet
    signed for (still 已交办) and inside its response window."""
    pending = Q(case__status=Status.DISPATCHED, case__respond_due_at__gt=now) & ~Q(
        Exists(_LATER_HANDOVER)
    )
    return {
        "handovers": Count("id"),
        "pending": Count("id", filter=pending),
        "responded": Count("id", filter=Q(Exists(_SIGNED_ON_TIME))),
    }


def _handovers(
    cases: QuerySet[Case], start: dt.datetime | None, end: dt.datetime | None
) -> QuerySet[CaseEvent]:
    """The 交办 and 改派 of `cases` (whenever filed) made in [start, end)."""
    events = CaseEvent.objects.filter(kind__in=_HANDED_OVER, case__in=cases.values("pk"))
    if start is not None:
        events = events.filter(created_at__gte=start)
    if end is not None:
        events = events.filter(created_at__lt=end)
    return events.order_by()


def _scoped(
    user: Any,
    start: dt.datetime | None,
    end: dt.datetime | None,
    compound: Compound | None,
    community: Community | None,
    compound_ids: list[int] | None = None,
) -> QuerySet[Case]:
    cases = Case.objects.visible_to(user)
    if compound_ids is not None:
        cases = cases.filter(compound_id__in=compound_ids)
    if start is not None:
        cases = cases.filter(created_at__gte=start)
    if end is not None:
        cases = cases.filter(created_at__lt=end)
    if compound is not None:
        cases = cases.filter(compound=compound)
    if community is not None:
        cases = cases.filter(compound__community=community)
    return cases


def _build(c: dict[str, int]) -> CaseMetrics:
    return CaseMetrics(
        total=c["total"],
        response_rate=Ratio(c["responded"], c["handovers"] - c["pending"]),
        resolution_rate=Ratio(c["resolved"], c["visits"]),
        satisfaction_rate=Ratio(c["satisfied"], c["visits"]),
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
    compound_ids: list[int] | None = None,
    now: dt.datetime | None = None,
) -> CaseMetrics:
    """Three queries, whatever the number of cases. `compound_ids` keeps the cases of those
    compounds only (the dashboard's area); `now` decides which hand-overs are still pending.
    A company's figures are its row of `metrics_by(group=PARTY)` (`_party`: the cases at the
    小区 level only, not those escalated above it)."""
    cases = _scoped(user, start, end, compound, community, compound_ids)
    counts = cases.aggregate(**_CASE_COUNTS)
    ratings = CaseRating.objects.filter(case__in=cases.values("pk")).aggregate(**_RATING_COUNTS)
    every = _scoped(user, None, None, compound, community, compound_ids)
    response = _handovers(every, start, end).aggregate(**_response_counts(now or timezone.now()))
    return _build(counts | ratings | response)


class Grouping(models.TextChoices):
    COMPOUND = "compound", _("小区")
    COMMUNITY = "community", _("社区")
    PARTY = "party", _("承办单位")


@dataclass(frozen=True)
class Group:
    """One row's subject: a compound, a community, a company or a level without a company."""

    key: Hashable
    name: str


# The case column each place grouping counts by.
_PLACE_FIELDS = {Grouping.COMPOUND: "compound_id", Grouping.COMMUNITY: "compound__community_id"}
_NO_RATINGS = dict.fromkeys((*_RATING_COUNTS, *_RESPONSE_NAMES), 0)
# Rows of cases without a company, after the companies, in this order.
PARTY_LEVELS = {
    Level.COMPOUND: Level.COMPOUND.label,  # a 小区 case always has its company; for safety
    Level.COMMUNITY: _("社区承办"),
    Level.STREET: _("街道承办"),
    Level.DEPARTMENT: _("职能部门承办"),
    "": _("暂无承办单位"),
}


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


def _by_place(
    cases: QuerySet[Case], field: str, handovers: QuerySet[CaseEvent], now: dt.datetime
) -> dict[Hashable, dict[str, int]]:
    """Every count of each compound or community with cases or hand-overs (three queries)."""
    counts = {
        row[field]: _NO_RATINGS | {name: row[name] for name in _CASE_COUNTS}
        for row in cases.order_by().values(field).annotate(**_CASE_COUNTS)
    }
    ratings = CaseRating.objects.filter(case__in=cases.values("pk")).order_by()
    for row in ratings.values(f"case__{field}").annotate(**_RATING_COUNTS):
        counts[row[f"case__{field}"]] |= {name: row[name] for name in _RATING_COUNTS}
    response = handovers.values(f"case__{field}").annotate(**_response_counts(now))
    for row in response:
        place = counts.setdefault(row[f"case__{field}"], dict.fromkeys(_ALL_COUNTS, 0))
        place |= {name: row[name] for name in _RESPONSE_NAMES}
    return counts


# --- By party: each figure from the event that records the party it is charged to ----------

_RESOLUTION = Q(kind=EventKind.RESOLVED)
# The visit of the round a 已处置 event resolved (one rating per round, S5).
_ROUND_RATING = CaseRating.objects.filter(case=OuterRef("case_id"), round=OuterRef("round"))
# The 已处置 that closed its case: the case is closed and was not resolved again after it.
_CLOSING = (
    _RESOLUTION
    & Q(case__status=Status.CLOSED)
    & Q(
        ~Exists(
            CaseEvent.objects.filter(_RESOLUTION, case=OuterRef("case_id"), id__gt=OuterRef("id"))
        )
    )
)
_EVENT_COUNTS = {
    "dispatched": Count("id", filter=Q(kind__in=_HANDED_OVER)),
    "returned": Count("id", filter=Q(kind=EventKind.RETURNED, payload__escalated=False)),
    "visits": Count("id", filter=_RESOLUTION & Q(Exists(_ROUND_RATING))),
    "resolved": Count("id", filter=_RESOLUTION & Q(Exists(_ROUND_RATING.filter(resolved=True)))),
    "satisfied": Count(
        "id",
        filter=_RESOLUTION & Q(Exists(_ROUND_RATING.filter(level__in=sorted(SATISFIED_LEVELS)))),
    ),
    "closed": Count("id", filter=_CLOSING),
    "closed_on_time": Count("id", filter=_CLOSING & Q(case__breach_count=0)),
}
_PARTY_EVENTS = (*_HANDED_OVER, EventKind.RETURNED, EventKind.RESOLVED)
# The cases a party holds now: its own, and the repeats of those (by the case they repeat).
_HELD_COUNTS = {
    "own": Count("id", filter=~Q(status=Status.MERGED)),
    "repeats": Count("id", filter=Q(status=Status.MERGED)),
}
_HELD_FIELDS = ("assigned_level", "assigned_company_id")
_ORIGINAL_FIELDS = ("duplicate_of__assigned_level", "duplicate_of__assigned_company_id")
_ALL_COUNTS = (*_CASE_COUNTS, *_RATING_COUNTS, *_RESPONSE_NAMES)
_PARTY_FIELDS = {
    "party_level": KeyTransform("level", "payload"),
    "party_company": KeyTransform("company", "payload"),
}


def _party(level: Any, company: Any) -> Hashable:
    """A party row's key: the company while the case is at the 小区 level, else the level (""
    for none). An escalated case keeps its company (escalation.case_escalate) but is handled,
    and resolved, by the level it went to: that level's row, not the company's."""
    if company and level in (Level.COMPOUND, "", None):
        return ("company", int(company))
    return ("level", level or "")


def _by_party(
    cases: QuerySet[Case], handovers: QuerySet[CaseEvent], now: dt.datetime
) -> dict[Hashable, dict[str, int]]:
    """Every count of each party with a figure (three queries)."""
    out: dict[Hashable, dict[str, int]] = {}

    def add(key: Hashable, name: str, n: int) -> None:
        if n:
            out.setdefault(key, dict.fromkeys(_ALL_COUNTS, 0))[name] += n

    held = cases.order_by().values(*_HELD_FIELDS, *_ORIGINAL_FIELDS).annotate(**_HELD_COUNTS)
    for row in held:
        original = _party(*(row[f] for f in _ORIGINAL_FIELDS))
        add(_party(*(row[f] for f in _HELD_FIELDS)), "total", row["own"])
        add(original, "total", row["repeats"])
        add(original, "repeats", row["repeats"])
    events = (
        CaseEvent.objects.filter(case__in=cases.values("pk"), kind__in=_PARTY_EVENTS)
        .alias(round=Cast(KT("payload__round"), IntegerField()))
        .order_by()
        .values(**_PARTY_FIELDS)
        .annotate(**_EVENT_COUNTS)
    )
    for row in events:
        key = _party(row["party_level"], row["party_company"])
        for name in _EVENT_COUNTS:
            add(key, name, row[name])
    for row in handovers.values(**_PARTY_FIELDS).annotate(**_response_counts(now)):
        key = _party(row["party_level"], row["party_company"])
        for name in _RESPONSE_NAMES:
            add(key, name, row[name])
    return out


def _own_rows(user: Any) -> set[Hashable] | None:
    """The rows of property staff who read no case beyond their company's: their companies'
    (not a party their cases passed through). None for everyone else: every row."""
    scope = scope_for(user)
    if scope.everything or scope.roles & CASE_READER_ROLES or not scope.company_ids:
        return None
    return {("company", pk) for pk in scope.company_ids}


def metrics_by(
    user: Any,
    *,
    group: str = Grouping.COMPOUND,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    community: Community | None = None,
    compound: Compound | None = None,
    compound_ids: list[int] | None = None,
    now: dt.datetime | None = None,
) -> list[tuple[Group, CaseMetrics]]:
    """One row per compound, community or party with cases or hand-overs (four queries)."""
    now = now or timezone.now()
    cases = _scoped(user, start, end, compound, community, compound_ids)
    every = _scoped(user, None, None, compound, community, compound_ids)
    handovers = _handovers(every, start, end)
    if group == Grouping.PARTY:
        counts, own = _by_party(cases, handovers, now), _own_rows(user)
        if own is not None:
            counts = {key: c for key, c in counts.items() if key in own}
    else:
        counts = _by_place(cases, _PLACE_FIELDS[Grouping(group)], handovers, now)
    return [(g, _build(counts[g.key])) for g in _groups(group, counts)]


def public_metrics_by_community(
    street: Any, *, start: dt.datetime, end: dt.datetime
) -> list[tuple[Group, CaseMetrics]]:
    """透明小区: the S8 figures of each community of `street` with cases filed in [start, end),
    for anyone to read. Figures only: no case, no requester (four queries)."""
    every = Case.objects.filter(compound__community__street=street)
    cases = every.filter(created_at__gte=start, created_at__lt=end)
    handovers = _handovers(every, start, end)
    counts = _by_place(cases, _PLACE_FIELDS[Grouping.COMMUNITY], handovers, timezone.now())
    return [(g, _build(counts[g.key])) for g in _groups(Grouping.COMMUNITY, counts)]
