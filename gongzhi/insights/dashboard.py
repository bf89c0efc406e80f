"""数据驾驶舱 (南湖超脑): the figures of the street's or a community's cases at a glance.

Read-only selectors over aggregates, each scoped to the user (`Case.objects.visible_to`, the
work queue's own counts, `cases.metrics`): a bounded number of queries whatever the number of
communities, compounds or cases. The charts and the hot topics are in `dashboard_charts` and
`dashboard_topics`.

- The "now" tiles count exactly what the work queue lists for the filter each links to: the
  filters are read by the queue's own form (`QueueFilterForm`) and counted by its own
  `queue_count`, uncapped.
- 本月 compares the days of this month so far with the same days of last month (上月同期), with
  `case_metrics`' pinned formulas; like 办理指标, cases count by the day they were filed.
- The area table has one row per community (a street) or per compound (a community, a party
  branch, or a community chosen by a street officer).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, F
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.cases import metrics
from gongzhi.cases.choices import Level, department_label
from gongzhi.cases.deadlines import overdue_q
from gongzhi.cases.forms import QueueFilterForm
from gongzhi.cases.models import Case
from gongzhi.cases.periods import Period
from gongzhi.cases.querysets import CASE_READER_ROLES
from gongzhi.cases.queue_selectors import count_parts, queue_count
from gongzhi.cases.texts import without_people
from gongzhi.cases.workflow import OPEN_STATUSES
from gongzhi.core.calendar import local_zone
from gongzhi.insights import dashboard_cache
from gongzhi.insights.changes import Change, RateChange
from gongzhi.org.grant_labels import community_label
from gongzhi.org.models import Community, Compound, Role
from gongzhi.org.scopes import scope_for

# Counted exactly: a dashboard says 1,234, where the queue's tabs stop at "1000+".
NO_CAP = 10**9
STREET_CASES_SHOWN = 10


# --- The area ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    """The compounds the dashboard is about: every compound whose cases the user reads in full
    (a case-reader role: street, community, grid, party branch), or those of one chosen
    community. `key` names that set of compounds, for a cache shared by users who read the
    same cases."""

    compounds: list[Compound]
    communities: list[Community]  # those the user may choose between (a street officer's)
    community: Community | None  # the chosen one
    key: str
    street_level: bool  # a street officer: the street's own and 吹哨 cases are theirs

    @property
    def compound_ids(self) -> list[int]:
        return [c.pk for c in self.compounds]

    @property
    def by_community(self) -> bool:
        """One row per community while the area spans several, else one per compound."""
        return len({c.community_id for c in self.compounds}) > 1

    @property
    def name(self) -> str:
        if self.community is not None:
            return community_label(self.community.name)
        if len(self.compounds) == 1:
            return self.compounds[0].name
        communities = {c.community_id: c.community for c in self.compounds}
        if len(communities) == 1:
            return community_label(next(iter(communities.values())).name)
        streets = {c.community.street.name for c in self.compounds}
        return streets.pop() if len(streets) == 1 else _("全部辖区")

    def cases(self, cases: Any) -> Any:
        """`cases` narrowed to the area's compounds (those of the chosen community, if any):
        every user with this area gets the same cases (a case they filed elsewhere themselves
        is left out), so that figures computed for one may be cached for all."""
        return cases.filter(compound_id__in=self.compound_ids)


def dashboard_area(user: Any, community_id: int | None = None) -> Area:
    """The user's area, or one community of it: another community, or one outside the user's
    scope, is a 404 (never its figures)."""
    scope = scope_for(user)
    compounds = Compound.objects.select_related("community__street").order_by("community_id", "id")
    if not scope.everything:
        compounds = compounds.filter(scope.q("path", CASE_READER_ROLES))
    compounds_list = list(compounds)
    communities = list({c.community_id: c.community for c in compounds_list}.values())
    chosen = None
    if community_id is not None:
        chosen = next((c for c in communities if c.pk == community_id), None)
        if chosen is None:
            raise Http404(_("没有这个社区，或不在您的管辖范围内"))
        if len(communities) == 1:
            chosen = None  # their only community: the page as it is
        else:
            compounds_list = [c for c in compounds_list if c.community_id == chosen.pk]
    paths = ["*"] if scope.everything else scope.paths(CASE_READER_ROLES)
    return Area(
        compounds=compounds_list,
        communities=communities if len(communities) > 1 else [],
        community=chosen,
        key="|".join(paths) + f"#{community_id or ''}",
        street_level=scope.everything or Role.STREET_OFFICER in scope.roles,
    )


# --- "Now" tiles -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    value: int
    url: str  # the queue listing exactly these cases
    tone: str  # a Bootstrap colour
    hint: str = ""


# key, label, the queue's filters (its query string), tone; {today}: the local day of the look
_TILES = (
    ("open", gettext_lazy("在办"), {"bucket": "open"}, "primary"),
    ("overdue", gettext_lazy("已超时"), {"overdue": "on"}, "danger"),
    ("warning", gettext_lazy("即将超时"), {"bucket": "warning"}, "warning"),
    ("today", gettext_lazy("今日受理"), {"bucket": "all", "filed": "{today}"}, "success"),
    ("unassessed", gettext_lazy("待研判"), {"status": "received"}, "info"),
    ("supervised", gettext_lazy("督办中"), {"bucket": "open", "supervised": "on"}, "secondary"),
)
_HINTS = {
    "open": gettext_lazy("未办结，不含待回访"),
    "overdue": gettext_lazy("过了研判、签收或办理期限"),
    "warning": gettext_lazy("办理或签收期限临近"),
    "unassessed": gettext_lazy("已受理，待研判"),
    "supervised": gettext_lazy("已督办，未办结"),
    "today": gettext_lazy("今日0点起受理"),
}


def queue_url(query: str) -> str:
    return f"{reverse('cases:queue')}?{query}"


def now_tiles(user: Any, area: Area, now: dt.datetime) -> list[Tile]:
    """在办, 已超时, 即将超时, 今日受理, 待研判, 督办中: each the count of the queue it links to,
    with the chosen community's filter when there is one. 今日受理 links to the day itself
    (not "today"), so that a page left open past midnight still lists what its tile counts."""
    parts = count_parts(user)
    today = timezone.localdate(now, local_zone()).isoformat()
    tiles = []
    for key, label, params, tone in _TILES:
        params = {name: value.format(today=today) for name, value in params.items()}
        if area.community is not None:
            params["community"] = str(area.community.pk)
        query = urlencode(params)
        form = QueueFilterForm(
            QueryDict(query), compounds=area.compounds, communities=area.communities
        )
        value = queue_count(user, cap=NO_CAP, now=now, parts=parts, **form.queue_filters())
        tiles.append(Tile(key, str(label), value, queue_url(query), tone, _HINTS[key]))
    return tiles


# --- This month and the same days of last month --------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    label: str
    this: str
    last: str
    amount: str  # "+12.5%", "-3.0", "—"
    direction: str  # "up", "down" or ""
    good: bool | None  # whether the change is good news (None: neither)
    note: str = ""
    unit: str = ""  # 个百分点 for a rate

    @property
    def change(self) -> str:
        return f"{self.amount} {self.unit}" if self.unit else self.amount


@dataclass(frozen=True)
class MonthFigures:
    this_period: Period
    last_period: Period
    rows: list[Comparison]
    computed_at: dt.datetime  # shared for a few minutes (dashboard_cache)


def month_periods(today: dt.date) -> tuple[Period, Period]:
    """This month's first day to today, and the same days of last month (to its last day if it
    is shorter: on 31 March, 1—28 February)."""
    first = today.replace(day=1)
    last_end = first - dt.timedelta(days=1)
    last_first = last_end.replace(day=1)
    last_last = min(last_first + dt.timedelta(days=today.day - 1), last_end)
    return Period(first, today), Period(last_first, last_last)


def _direction(change: Decimal | int | None) -> str:
    if not change:
        return ""
    return "up" if change > 0 else "down"


def month_figures(user: Any, area: Area, now: dt.datetime) -> MonthFigures:
    """受理, 办结, 响应率, 按时办结率, 满意率 of the cases filed this month so far and in the same
    days of last month (`case_metrics`, six queries, at most once per area and slot)."""
    this_period, last_period = month_periods(timezone.localdate(now, local_zone()))

    def compute() -> tuple[metrics.CaseMetrics, metrics.CaseMetrics]:
        return tuple(  # type: ignore[return-value]
            metrics.case_metrics(
                user, start=start, end=end, compound_ids=area.compound_ids, now=now
            )
            for start, end in (this_period.bounds(), last_period.bounds())
        )

    (this, last), computed_at = dashboard_cache.cached("month", area.key, now, compute)
    rows = []
    counts = (
        (_("受理"), this.total, last.total, None, ""),
        (
            _("办结"),
            this.on_time_rate.den,
            last.on_time_rate.den,
            True,
            # 上月同期's cases have had a month more to close (as PERIOD_NOTE of the report).
            _("其中已办结的件数；上月同期的诉求已多办理一个月，比较时请留意"),
        ),
    )
    for label, now_n, last_n, up_is_good, note in counts:
        count = Change(now_n, last_n)
        # On a small base (1 → 7) the change in cases, 增减 +6, not "+600.0%".
        if count.growth.percent is not None:
            change = count.growth_text
        else:  # none either month: nothing to say ("—"), not "增减 0"
            change = count.summary_text if now_n or last_n else "—"
        direction = _direction(count.delta)
        good = None if up_is_good is None or not direction else direction == "up"
        rows.append(Comparison(label, str(now_n), str(last_n), change, direction, good, note))
    for rate in ("response_rate", "on_time_rate", "satisfaction_rate"):
        column = next(r for r in metrics.RATES if r.attr == rate)
        now_r, last_r = getattr(this, rate), getattr(last, rate)
        rate_change = RateChange(column, now_r, last_r)
        change, direction = rate_change.points_text, _direction(rate_change.points)
        good = (direction == "up") if direction else None
        note = f"{column.num}÷{column.den}"
        title = str(column.title)
        unit = "" if change == "—" else _("个百分点")
        rows.append(Comparison(title, str(now_r), str(last_r), change, direction, good, note, unit))
    return MonthFigures(this_period, last_period, rows, computed_at)


# --- One row per community or compound --------------------------------------------------------


@dataclass(frozen=True)
class AreaRow:
    name: str
    open: int
    overdue: int
    filed: int  # this month
    response: metrics.Ratio
    satisfaction: metrics.Ratio
    open_url: str | None = None
    overdue_url: str | None = None
    drill_url: str | None = None  # a community: its own dashboard


@dataclass
class _Running:
    open: int = 0
    overdue: int = 0


def area_rows(user: Any, area: Area, now: dt.datetime, month: Period) -> list[AreaRow]:
    """在办 and 已超时 now, 本月受理, 响应率 and 满意率 of this month's cases, per community or
    compound of the area (four queries, whatever the number of rows). 在办 and 已超时 are the
    queue's 未办结 and 仅看已超时 (each row links to them, by compound or community)."""
    by_community = area.by_community
    start, end = month.bounds()
    group = metrics.Grouping.COMMUNITY if by_community else metrics.Grouping.COMPOUND
    figures, _at = dashboard_cache.cached(
        "areas",
        area.key,
        now,
        lambda: {
            g.key: (g.name, m)
            for g, m in metrics.metrics_by(
                user, group=group, start=start, end=end, compound_ids=area.compound_ids
            )
        },
    )
    running = (
        area.cases(Case.objects.visible_to(user))
        .filter(status__in=sorted(OPEN_STATUSES))
        .order_by()
        .values("compound_id")
        .annotate(open=Count("id"), overdue=Count("id", filter=overdue_q(now)))
    )
    community_of = {c.pk: c.community_id for c in area.compounds}
    counts: dict[int, _Running] = {}
    for row in running:
        key = community_of.get(row["compound_id"]) if by_community else row["compound_id"]
        if key is None:  # a case of the user's own outside the area
            continue
        total = counts.setdefault(key, _Running())
        total.open += row["open"]
        total.overdue += row["overdue"]
    if by_community:
        places = [(c.community_id, c.community.name) for c in area.compounds]
        subjects = list(dict.fromkeys(places))
    else:
        subjects = [(c.pk, c.name) for c in area.compounds]
    rows = []
    place = "community" if by_community else "compound"  # the queue's filter for a row
    for key, name in subjects:
        m = figures.get(key, (name, None))[1]
        now_counts = counts.get(key, _Running())
        rows.append(
            AreaRow(
                name=community_label(name) if by_community else name,
                open=now_counts.open,
                overdue=now_counts.overdue,
                filed=m.total if m else 0,
                response=m.response_rate if m else metrics.Ratio(0, 0),
                satisfaction=m.satisfaction_rate if m else metrics.Ratio(0, 0),
                open_url=queue_url(f"{place}={key}"),
                overdue_url=queue_url(f"{place}={key}&overdue=on"),
                drill_url=f"?{urlencode({'community': key})}" if by_community else None,
            )
        )
    return rows


# --- The street's own and 吹哨 cases ------------------------------------------------------------


@dataclass(frozen=True)
class StreetCase:
    pk: int
    number: str
    title: str  # without phone numbers, rooms or anyone's name, as the hot topics (S9, G1)
    compound: str
    level: str
    case: Case = field(repr=False)  # for the clock (cases_ui.sla_clock)


@dataclass(frozen=True)
class StreetCases:
    total: int
    cases: list[StreetCase]


def _level(case: Case) -> str:
    """街道, or 职能部门 · 区房管局."""
    names = (str(Level(case.assigned_level).label), department_label(case.assigned_department))
    return " · ".join(name for name in names if name)


def street_cases(user: Any, area: Area) -> StreetCases | None:
    """A street officer's: cases held by the street or a 职能部门 (escalated, 吹哨) and not yet
    finished, the latest deadline passed longest ago first, up to STREET_CASES_SHOWN (two
    queries). None for other readers."""
    if not area.street_level:
        return None
    held = area.cases(Case.objects.visible_to(user)).filter(
        assigned_level__in=[Level.STREET, Level.DEPARTMENT], status__in=sorted(OPEN_STATUSES)
    )
    rows = list(
        held.select_related("compound").order_by(
            F("due_at").asc(nulls_last=True), "created_at", "id"
        )[:STREET_CASES_SHOWN]
    )
    total = len(rows) if len(rows) < STREET_CASES_SHOWN else held.count()
    return StreetCases(
        total=total,
        cases=[
            StreetCase(
                pk=c.pk,
                number=c.number,
                title=without_people(c.title, [c.requester_name]),
                compound=c.compound.name,
                level=_level(c),
                case=c,
            )
            for c in rows
        ],
    )


def any_cases(user: Any, area: Area) -> bool:
    """Whether the area has any case at all (a new street's dashboard says so)."""
    return area.cases(Case.objects.visible_to(user)).exists()


__all__ = [
    "Area",
    "AreaRow",
    "Comparison",
    "MonthFigures",
    "StreetCases",
    "Tile",
    "any_cases",
    "area_rows",
    "dashboard_area",
    "month_figures",
    "now_tiles",
    "street_cases",
]
