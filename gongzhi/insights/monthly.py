"""月度研判报告: one calendar month of one area's resident demands, for the monthly analysis
meeting of the three parties and the street (月研判, domain rule M1).

Every figure is read through the selectors of `cases`, scoped to the user: counts and rates
are `cases.metrics` (pinned formulas, never re-derived here; a change of a rate is the
difference of the two percentages the page shows), topics are `triage_topics.hot_topics_for`.
Like the metrics, the figures are about the cases filed (受理) in the month, in local time; the
statuses (办结, 在办) are today's. Section 七 is about what happened in the month (超时, 升级,
吹哨, 督办), whenever its case was filed, and about the cases overdue now.

Nothing here reads or returns a requester's name or phone (S9): rows are built from named
columns, and a topic's message comes contact-stripped from `hot_topics_for`.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gongzhi.cases import metrics
from gongzhi.cases.choices import Category, Channel, Level, department_label
from gongzhi.cases.deadlines import late_since, overdue_q
from gongzhi.cases.forms.hot_topics import calendar_window
from gongzhi.cases.metrics import RATES, CaseMetrics, Grouping, Ratio
from gongzhi.cases.models import Case, CaseEvent, EventKind
from gongzhi.cases.periods import Period, local_today
from gongzhi.cases.triage_topics import MAX_TOPIC_MESSAGES, hot_topics_for
from gongzhi.cases.workflow import OPEN_STATUSES, Status
from gongzhi.core.calendar import local_zone
from gongzhi.insights.changes import Change, RateChange
from gongzhi.insights.forms import Area, Month
from gongzhi.insights.monthly_rows import (
    CountRow,
    MetricsRow,
    OverdueRow,
    Overview,
    Supervision,
    TopicRow,
    Topics,
)
from gongzhi.org import selectors as org_selectors
from gongzhi.org.grant_labels import community_label
from gongzhi.org.scopes import scope_for

TOP_TOPICS = 10
TOP_OVERDUE = 10
TOP_RISERS = 3
TOPICS_CACHE_SECONDS = 3600
_ENDED = (Status.TERMINATED, Status.NOT_ACCEPTED, Status.MERGED)


@dataclass(frozen=True)
class Spans:
    """The days a report counts: its month's (up to today while the month runs), and for its
    环比 the month before's — the same days of it (上月同期) while the month runs, a month
    with the first day of December compared with the first of November, not all of it."""

    current: Period
    previous: Period
    running: bool  # the month is not over: `previous` is 上月同期

    @classmethod
    def of(cls, month: Month, today: dt.date) -> "Spans":
        whole, before = month.period, month.previous().period
        if not whole.first <= today < whole.last:
            return cls(whole, before, running=False)
        days = today - whole.first
        return cls(
            Period(whole.first, today),
            Period(before.first, min(before.last, before.first + days)),
            running=True,
        )

    def windows(self) -> tuple[Q, Q, dt.datetime, dt.datetime]:
        """created_at in the current span, in the previous one; and [start of the previous
        span, end of the current one)."""
        start, end = self.current.bounds()
        before, before_end = self.previous.bounds()
        this = Q(created_at__gte=start, created_at__lt=end)
        last = Q(created_at__gte=before, created_at__lt=before_end)
        return this, last, before, end


@dataclass(frozen=True)
class MonthlyReport:
    month: Month
    area: Area
    spans: Spans
    generated_at: dt.datetime  # local
    overview: Overview
    channels: list[CountRow]
    categories: list[CountRow]
    risers: list[CountRow]
    place_title: str  # 社区 or 小区; empty for a compound (no rows below it)
    places: list[MetricsRow]
    parties: list[MetricsRow]
    topics: Topics
    supervision: Supervision
    findings: list[str] = field(default_factory=list)

    @property
    def previous_month(self) -> Month:
        return self.month.previous()

    @property
    def period_label(self) -> str:
        return self.spans.current.label

    @property
    def previous_label(self) -> str:
        return self.spans.previous.label

    @property
    def previous_heading(self) -> str:
        """The column of the 环比: 上月, or 上月同期 while the month runs."""
        return _("上月同期") if self.spans.running else _("上月")

    @property
    def total_row(self) -> "MetricsRow":
        return MetricsRow(_("合计"), self.overview.current)


# --- Sections ---------------------------------------------------------------------------------


def _overview(user: Any, area: Area, cases: Any, spans: Spans) -> Overview:
    this, last, before, end = spans.windows()
    start, _end = spans.current.bounds()
    _before, before_end = spans.previous.bounds()
    filters = area.metric_filters()
    current = metrics.case_metrics(user, start=start, end=end, **filters)
    previous = metrics.case_metrics(user, start=before, end=before_end, **filters)
    by_status = {
        "open": Q(status__in=sorted(OPEN_STATUSES)),
        "visit": Q(status=Status.RESOLVED),
        "ended": Q(status__in=_ENDED),
    }
    counts = cases.filter(created_at__gte=before, created_at__lt=end).aggregate(
        **{f"{name}_this": Count("id", filter=q & this) for name, q in by_status.items()},
        **{f"{name}_last": Count("id", filter=q & last) for name, q in by_status.items()},
    )

    def change(name: str) -> Change:
        return Change(counts[f"{name}_this"], counts[f"{name}_last"])

    return Overview(
        filed=Change(current.total, previous.total),
        # 办结 as the metrics count it: the denominator of 按时办结率.
        closed=Change(current.on_time_rate.den, previous.on_time_rate.den),
        # Still open now: this month's cases have had less time to close, so no 环比.
        open=Change(counts["open_this"], counts["open_last"], stock=True),
        awaiting_visit=change("visit"),
        ended=change("ended"),
        rates=[
            RateChange(rate, getattr(current, rate.attr), getattr(previous, rate.attr))
            for rate in RATES
        ],
        current=current,
        previous=previous,
    )


def _count_rows(
    cases: Any, spans: Spans, column: str, labels: dict[str, str], total: int
) -> list[CountRow]:
    """Cases by `column` this month and last, most this month first (one query)."""
    this, last, before, end = spans.windows()
    rows = (
        cases.filter(created_at__gte=before, created_at__lt=end)
        .order_by()
        .values(column)
        .annotate(this=Count("id", filter=this), last=Count("id", filter=last))
    )
    order = list(labels)
    out = [
        CountRow(
            key=row[column],
            label=labels.get(row[column], row[column]),
            change=Change(row["this"], row["last"]),
            share=Ratio(row["this"], total),
        )
        for row in rows
    ]
    rank = {key: i for i, key in enumerate(order)}
    return sorted(out, key=lambda r: (-r.change.current, -r.change.previous, rank.get(r.key, 99)))


def _places(user: Any, area: Area, month: Month) -> tuple[str, list[MetricsRow]]:
    """四、分区域: the communities of the street, or the compounds of a community: every place
    of the area, those without cases too, most cases first, then in the tree's order (four
    queries). A compound has no rows below it."""
    if area.compound is not None:
        return "", []
    start, end = month.period.bounds()
    if area.community is None:
        title, group = _("社区"), Grouping.COMMUNITY
        names = {c.pk: community_label(c.name) for c in org_selectors.communities_for(user)}
    else:
        title, group = _("小区"), Grouping.COMPOUND
        names = {c.pk: c.name for c in org_selectors.compounds_for(user, area.community)}
    found = metrics.metrics_by(user, group=group, start=start, end=end, community=area.community)
    counted = {g.key: m for g, m in found}
    rows = [(name, counted.get(pk) or _no_cases(), i) for i, (pk, name) in enumerate(names.items())]
    rows += [(g.name, m, len(names)) for g, m in found if g.key not in names]
    rows.sort(key=lambda row: (-row[1].total, row[2]))
    return title, [MetricsRow(name, m) for name, m, _i in rows]


def _no_cases() -> CaseMetrics:
    """A place without cases in the month: nothing counted, every rate undefined."""
    nothing = Ratio(0, 0)
    return CaseMetrics(0, *(nothing for _rate in RATES))


def _parties(user: Any, area: Area, month: Month) -> list[MetricsRow]:
    """五、承办单位: the companies, most cases first, then the levels handling cases
    themselves (社区, 街道, 职能部门) in the metrics' order (three queries)."""
    start, end = month.period.bounds()
    found = metrics.metrics_by(
        user,
        group=Grouping.PARTY,
        start=start,
        end=end,
        community=area.community,
        compound=area.compound,
    )
    companies = [(g, m) for g, m in found if g.key[0] == "company"]
    companies.sort(key=lambda row: -row[1].total)  # stable: by name among equals
    levels = [(g, m) for g, m in found if g.key[0] != "company"]
    return [MetricsRow(g.name, m) for g, m in companies + levels]


def _topics(user: Any, area: Area, cases: Any, month: Month, today: dt.date) -> Topics:
    """六、热点议题: the month's largest topics (MAX_TOPIC_MESSAGES cases at most,
    spread over the month, are read).

    Grouping a few thousand messages takes a second or two, and its input changes only when a
    case of the month is filed or merged into another (a text, a place and a filing time never
    change): the result is kept in the cache under the set of the month's other cases (their
    number, largest and summed ids), so that the Excel file and every later look reuse it
    until that set changes (one query on a hit)."""
    window = calendar_window(month.period, today)
    in_month = cases.filter(created_at__gte=window.start, created_at__lt=window.end)
    state = in_month.exclude(status=Status.MERGED).aggregate(
        total=Count("id"), last=Max("id"), ids=Sum("id")
    )
    scope = scope_for(user)
    key = (
        "insights:monthly-topics:v2:"
        + hashlib.sha256(
            repr((user.pk, scope.everything, scope.grants, area.value, window, state)).encode()
        ).hexdigest()
    )
    rows = cache.get(key)
    if rows is None:
        topics = hot_topics_for(in_month, start=window.start, end=window.end, middle=window.middle)
        rows = [
            TopicRow(
                size=t.size,
                place_counts=t.place_counts,
                first_half=t.first_half,
                second_half=t.second_half,
                terms=tuple(t.top_terms),
                representative=t.representative,
                title=t.title,
            )
            for t in topics[:TOP_TOPICS]
        ]
        cache.set(key, rows, TOPICS_CACHE_SECONDS)
    # As hot_topics_page counts them: the month's cases but repeats, a spread of them read.
    analysed = min(state["total"], MAX_TOPIC_MESSAGES)
    if window.middle is None:
        return Topics(rows, state["total"], analysed, window)
    second = timezone.localtime(window.middle, local_zone()).date()
    halves = (
        _days(month.period.first, second - dt.timedelta(days=1)),
        _days(second, min(month.period.last, today)),
    )
    return Topics(rows, state["total"], analysed, window, *halves)


def _days(first: dt.date, last: dt.date) -> str:
    """Days of one month, short: 10月1日—15日, or 11月1日 alone."""
    if first == last:
        return _("%(month)d月%(day)d日") % {"month": first.month, "day": first.day}
    return _("%(month)d月%(first)d日—%(last)d日") % {
        "month": first.month,
        "first": first.day,
        "last": last.day,
    }


def _supervision(cases: Any, spans: Spans, now: dt.datetime) -> Supervision:
    """七、超时与督办 (three queries)."""
    this, last, before, end = spans.windows()
    start, _end = spans.current.bounds()
    _before, before_end = spans.previous.bounds()
    to_department = Q(kind=EventKind.ESCALATED, payload__to=Level.DEPARTMENT) | Q(
        kind__in=(EventKind.DISPATCHED, EventKind.REASSIGNED), payload__level=Level.DEPARTMENT
    )
    kinds = {
        "breached": Q(kind=EventKind.SLA_BREACHED),
        "respond": Q(kind=EventKind.RESPOND_BREACHED),
        "escalated": Q(kind=EventKind.ESCALATED),
        "whistled": to_department,
    }
    events = CaseEvent.objects.filter(
        case__in=cases.values("pk"),
        created_at__gte=before,
        created_at__lt=end,
        kind__in=(
            EventKind.SLA_BREACHED,
            EventKind.RESPOND_BREACHED,
            EventKind.ESCALATED,
            EventKind.DISPATCHED,
            EventKind.REASSIGNED,
        ),
    ).aggregate(
        **{f"{k}_this": Count("case", distinct=True, filter=q & this) for k, q in kinds.items()},
        **{f"{k}_last": Count("case", distinct=True, filter=q & last) for k, q in kinds.items()},
    )
    late = overdue_q(now)
    supervised_this = Q(supervised_at__gte=start, supervised_at__lt=end)
    supervised_last = Q(supervised_at__gte=before, supervised_at__lt=before_end)
    flags = cases.filter(supervised_this | supervised_last | late).aggregate(
        this=Count("id", filter=supervised_this),
        last=Count("id", filter=supervised_last),
        overdue=Count("id", filter=late),
    )

    def change(name: str) -> Change:
        return Change(events[f"{name}_this"], events[f"{name}_last"])

    return Supervision(
        breached=change("breached"),
        respond_breached=change("respond"),
        escalated=change("escalated"),
        whistled=change("whistled"),
        supervised=Change(flags["this"], flags["last"]),
        overdue_total=flags["overdue"],
        overdue=_most_overdue(cases, now),
    )


def _most_overdue(cases: Any, now: dt.datetime) -> list[OverdueRow]:
    """The open cases longest past a deadline: past 办理期限, else past 研判 or 签收期限 (one
    query). Named columns only: never the requester (S9)."""
    since = late_since(now)
    rows = (
        cases.filter(overdue_q(now))
        .annotate(late_since=since)
        .order_by("late_since", "id")
        .values(
            "pk",
            "number",
            "category",
            "compound__name",
            "status",
            "supervised",
            "assigned_level",
            "assigned_company__name",
            "assigned_department",
            "late_since",
        )[:TOP_OVERDUE]
    )
    categories = dict(Category.choices)
    statuses = dict(Status.choices)
    day = Decimal(86400)
    return [
        OverdueRow(
            pk=row["pk"],
            number=row["number"],
            category=str(categories.get(row["category"], _("未研判"))),
            compound=row["compound__name"],
            days=(Decimal((now - row["late_since"]).total_seconds()) / day).quantize(
                Decimal("0.1")
            ),
            party=_party(
                row["assigned_level"], row["assigned_company__name"], row["assigned_department"]
            ),
            status=str(statuses.get(row["status"], row["status"])),
            supervised=row["supervised"],
        )
        for row in rows
    ]


def _party(level: str, company: str | None, department: str) -> str:
    """Who holds an overdue case now, for staff: the company at the compound; above it the
    level (a department by its name), with the company it was escalated from."""
    if level == Level.COMPOUND or not level:
        return company or "—"
    has_name = level == Level.DEPARTMENT and department
    holder = department_label(department) if has_name else Level(level).label
    if not company:
        return str(holder)
    return _("%(holder)s（原承办：%(company)s）") % {"holder": holder, "company": company}


# --- The report -------------------------------------------------------------------------------

REPORT_CACHE_SECONDS = 600


def cached_report(user: Any, *, month: Month, area: Area) -> MonthlyReport:
    """`monthly_report`, kept ten minutes for this user, area, month and language, as long as
    none of the month's cases is filed, merged or moved (one query): at a million cases a
    street's month takes seconds to count, and the Excel file is usually asked for right
    after the page. Events on older cases (section 七, and their 交办 in 响应率) show within ten
    minutes; the report says when it was generated."""
    start, end = month.period.bounds()
    filed = area.narrow(Case.objects.visible_to(user)).filter(
        created_at__gte=start, created_at__lt=end
    )
    # Repeats (合并) included: a repeat filed changes 受理 and 重复诉求率 (and the Excel file).
    state = filed.aggregate(
        total=Count("id"), last=Max("id"), ids=Sum("id"), moved=Max("updated_at")
    )
    key = (
        "insights:monthly:v3:"
        + hashlib.sha256(
            repr((user.pk, get_language(), area.value, month.value, local_today(), state)).encode()
        ).hexdigest()
    )
    report = cache.get(key)
    if report is None:
        report = monthly_report(user, month=month, area=area)
        cache.set(key, report, REPORT_CACHE_SECONDS)
    return report


def monthly_report(
    user: Any, *, month: Month, area: Area, now: dt.datetime | None = None
) -> MonthlyReport:
    """The whole report of `month` for `area` (an area `forms.areas_for(user)` offered), about
    twenty queries whatever the number of cases, plus the hot topics' reading."""
    from gongzhi.insights.monthly_findings import findings

    now = now or timezone.now()
    today = timezone.localtime(now, local_zone()).date()
    spans = Spans.of(month, today)
    cases = area.narrow(Case.objects.visible_to(user))
    overview = _overview(user, area, cases, spans)
    total = overview.filed.current
    channels = _count_rows(cases, spans, "channel", {k: str(v) for k, v in Channel.choices}, total)
    categories = _count_rows(
        cases,
        spans,
        "category",
        {**{k: str(v) for k, v in Category.choices}, "": _("未研判")},
        total,
    )
    risers = sorted(  # of categories: cases not yet assessed (未研判) are none
        (row for row in categories if row.change.delta > 0 and row.key),
        key=lambda row: -row.change.delta,
    )[:TOP_RISERS]
    place_title, places = _places(user, area, month)
    report = MonthlyReport(
        month=month,
        area=area,
        spans=spans,
        generated_at=timezone.localtime(now, local_zone()),
        overview=overview,
        channels=channels,
        categories=categories,
        risers=risers,
        place_title=place_title,
        places=places,
        parties=_parties(user, area, month),
        topics=_topics(user, area, cases, month, today),
        supervision=_supervision(cases, spans, now),
    )
    report.findings.extend(findings(report))
    return report
