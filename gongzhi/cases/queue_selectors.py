"""The work queue (工作台): its buckets, filters and capped counts, read from
`Case.objects.visible_to(user)` (re-exported by `gongzhi.cases.selectors`); its pages are in
`queue_pages`."""

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet, Subquery
from django.utils import timezone

from gongzhi.cases import policies
from gongzhi.cases.deadlines import (  # is_overdue: importable from here as before
    due_soon_halves,
    due_soon_q,
    is_overdue,  # noqa: F401
    overdue_halves,
    overdue_q,
)
from gongzhi.cases.models import Case
from gongzhi.cases.periods import Period
from gongzhi.cases.querysets import (
    ACTIVE_STATUSES,
    ClockRank,
    IsActive,
    RunningDue,
    Unindexed,
    every_case_order,
)
from gongzhi.cases.queue_search import (
    is_number_search,
    matches_what_they_see,
    search_q,
)
from gongzhi.cases.workflow import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    Status,
)
from gongzhi.core.calendar import local_zone
from gongzhi.org.models import Compound, Role
from gongzhi.org.scopes import scope_for

BUCKETS = ("todo", "open", "overdue", "warning", "resolved", "closed")
# Counts and pages stop here: at a million cases nobody pages past 1,000 rows, and counting
# every match on every page view would cost time in proportion to all cases ("1000+").
COUNT_CAP = 1000
# Free-text search reads at most SEARCH_WINDOW cases: those recorded last, or those recorded before
# a given case (`before`: 搜索更早的诉求); the search box says which. A case number (NH…) is
# found among all cases through its unique index. 20,000 cases are a few months of a busy street;
# each window costs ~15 ms of SQL at 1M cases (50,000 cost 35 ms before 搜索更早的诉求 existed).
SEARCH_WINDOW = 20_000
# A text search by a user who sees some requesters masked or not at all is checked against
# what they see of these most recent matching cases (see _found_by_what_they_see).
UNSEEN_CHECK_CAP = 2000
RELATED = ("compound__community", "assigned_company", "assigned_user", "respondent_company")


def _bucket_q(user: Any, bucket: str, now: Any) -> Q:
    if bucket == "open":
        return Q(status__in=sorted(OPEN_STATUSES))
    if bucket == "overdue":
        return overdue_q(now)
    if bucket == "warning":
        return due_soon_q(now)
    if bucket == "resolved":
        return Q(status=Status.RESOLVED)
    if bucket == "closed":
        return ~Q(IsActive())  # = the final statuses; not an index term (see case_queue)
    if bucket == "todo":
        return _todo_q(user) & IsActive()  # every branch is unfinished; bounds the scan
    raise ValueError(f"unknown bucket {bucket!r}")


def _todo_q(user: Any) -> Q:
    """Cases waiting for this user's next step (as dispatcher or as handler)."""
    scope = scope_for(user)
    todo = Q(pk__in=[])
    if scope.everything or scope.roles & policies.DISPATCH_ROLES:
        todo |= Q(status__in=[Status.RECEIVED, Status.ASSESSED, Status.RETURNED, Status.REOPENED])
        todo |= Q(termination_requested=True) & IsActive()
        todo |= Q(extension_requested_days__gt=0) & IsActive()  # a company's 申请延期 to decide
    work = [Status.DISPATCHED, Status.ACCEPTED, Status.IN_PROGRESS]
    if scope.company_ids:
        todo |= Q(status__in=work, assigned_company_id__in=scope.company_ids)
    if Role.COMMUNITY_WORKER in scope.roles:
        todo |= Q(status__in=work, assigned_level="community")
    if Role.STREET_OFFICER in scope.roles or scope.everything:
        todo |= Q(status__in=work, assigned_level__in=["street", "department"])
    todo |= Q(status=Status.RESOLVED, requester=user)
    return todo


def active_only(bucket: str | None, statuses: list[str] | None) -> bool:
    """Whether the filters leave only cases still in the loop (the partial queue index)."""
    if statuses:
        return set(statuses) <= set(ACTIVE_STATUSES)
    return bucket in ("open", "overdue", "warning", "resolved", "todo")


def _final_only(bucket: str | None, statuses: list[str] | None) -> bool:
    if statuses:
        return set(statuses) <= FINAL_STATUSES
    return bucket == "closed"


def _implied_on_postgresql(bucket: str, statuses: list[str] | None, overdue: bool) -> bool:
    """Whether the "open" bucket adds nothing to a narrower status or overdue filter, on
    PostgreSQL: there a second `status IN` makes the planner multiply the two selectivities,
    expect a few hundred rows where there are tens of thousands, and sort them all instead of
    walking the queue index. (SQLite needs the conditions as they are to pick its indexes.)"""
    if connection.vendor != "postgresql" or bucket != "open":
        return False
    return overdue or bool(statuses and set(statuses) <= OPEN_STATUSES)


@dataclass(frozen=True)
class SearchWindow:
    """The cases a text search reads: ids in [since, before), at most SEARCH_WINDOW of them."""

    before: int | None  # the window's end, excluded (None: the cases recorded last)
    since: int | None  # its lowest id (None: from the first case, fewer are left)
    older: bool  # cases recorded before it: the next window (搜索更早的诉求) starts at `since`
    days: Period | None = None  # the filing days of its first and last case (see text_window)
    whole_day: bool = False  # a 受理日期 is chosen: every case filed that day, no window


def _recorded_before(before: int | None) -> QuerySet[Case]:
    """The cases recorded before case `before` (every case without it)."""
    return Case.objects.all() if before is None else Case.objects.filter(pk__lt=before)


def search_window(before: int | None = None) -> SearchWindow:
    """The SEARCH_WINDOW cases recorded last before `before` (the newest without it). By id,
    not filing time: the window is then one range of the table itself, read in storage order
    (on SQLite four times faster than through the created_at index). One read of the primary
    key; one entry past the window tells whether older cases are left."""
    ids = list(
        _recorded_before(before)
        .order_by("-pk")
        .values_list("pk", flat=True)[SEARCH_WINDOW - 1 : SEARCH_WINDOW + 1]
    )
    return SearchWindow(before=before, since=ids[0] if ids else None, older=len(ids) > 1)


def search_since(before: int | None = None) -> Any:
    """The id of the SEARCH_WINDOW-th case recorded last (before `before`; None while there are
    fewer): where the text search window starts."""
    return search_window(before).since


def text_window(filters: dict[str, Any]) -> SearchWindow | None:
    """The window a text search with these filters reads, for the page to say which (None
    without a text search: nothing is read). Unless it is every case, with the
    filing days of its first and last case: one more read, of two rows by primary key."""
    before = filters.get("before")
    if not searches_text(filters):  # no text, or a case number: found among all cases
        return None
    if _searches_one_day(filters):
        day = filters["filed"]
        return SearchWindow(
            before=None, since=None, older=False, days=Period(day, day), whole_day=True
        )
    window = search_window(before)
    if before is None and not window.older:
        return window  # every case is searched: "the last SEARCH_WINDOW", no days needed
    below = _recorded_before(before)
    first = window.since
    if first is None:  # the oldest window, of fewer cases: from the first case
        first = Subquery(below.order_by("pk").values("pk")[:1])
    last = Subquery(below.order_by("-pk").values("pk")[:1])
    filed = Case.objects.filter(Q(pk=first) | Q(pk=last)).order_by()
    days = sorted(
        timezone.localtime(at, local_zone()).date()
        for at in filed.values_list("created_at", flat=True)
    )
    return replace(window, days=Period(days[0], days[-1])) if days else window


def searches_text(filters: dict[str, Any]) -> bool:
    """Whether the filters search free text (read row by row in the window), not a number."""
    q = filters.get("q") or ""
    return bool(q.strip()) and not is_number_search(q)


def _searches_one_day(filters: dict[str, Any]) -> bool:
    """A text search with a 受理日期: it reads every case filed that day (through the filing
    time's index: a day is a few thousand cases at most), not a window of the newest."""
    return searches_text(filters) and filters.get("filed") is not None


def _window_start(filters: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """The text search window's start for these filters (None: no text search, or from the
    first case), and the filters without `since`: the start a caller read already with
    `search_window(before)` (the view, once for the page, its counts and its hint), else read
    here from `before` (the window's end; None: the newest window)."""
    rest = {key: value for key, value in filters.items() if key != "since"}
    if not searches_text(rest):
        return None, rest
    if _searches_one_day(rest):
        return None, {**rest, "before": None}
    if "since" in filters:
        return filters["since"], rest
    return search_since(rest.get("before")), rest


def _shown_in_full_q(user: Any) -> Q | None:
    """Among the cases this user sees, those whose requester they see in full: their own and,
    for a user who is also a community or grid worker somewhere, that area's. None when they
    see every requester in full (street officers, community and grid workers). S9: the party
    a case may be about sees no trace of the others' requesters; party and committee members
    see them masked."""
    scope = scope_for(user)
    if scope.everything or not (scope.roles - policies.CONTACT_ROLES):
        return None
    shown = Q(requester=user)
    if scope.paths(policies.CONTACT_ROLES):
        contact = Compound.objects.filter(scope.q("path", policies.CONTACT_ROLES))
        shown |= Q(compound_id__in=contact.values("pk"))
    return shown


def _found_by_what_they_see(user: Any, now: Any, since: Any, filters: dict[str, Any]) -> Q | None:
    """Which matches a text search may list: those it finds in what this user sees of them,
    not only in a number, room or name the page hides from them. Without this, searching for
    a phone number would tell the party complained about who complained (S9). The
    UNSEEN_CHECK_CAP most recent matches among the cases shown masked are checked one by one.
    When that read all of them, the page lists those found and the matches among the others,
    each read through its own index rather than the search window a second time; else the
    ones not found, and older matches among those shown masked, are left out. None: no limit."""
    shown = _shown_in_full_q(user)
    if shown is None or not searches_text(filters):
        return None
    q = filters["q"].strip()
    masked_cases = Case.objects.visible_to(user).exclude(shown)
    candidates = list(
        _queue(masked_cases.select_related("compound"), user, now, since, **filters).order_by(
            "-pk"
        )[:UNSEEN_CHECK_CAP]
    )
    found = [case.pk for case in candidates if matches_what_they_see(user, case, q)]
    if len(candidates) < UNSEEN_CHECK_CAP:
        return Q(pk__in=found) | shown
    unseen = {case.pk for case in candidates} - set(found)
    return ~(Q(pk__in=sorted(unseen)) | (~shown & Q(pk__lt=candidates[-1].pk)))


def case_queue(user: Any, *, now: Any = None, **filters: Any) -> QuerySet[Case]:
    """The inbox of `user`: the cases visible to them, filtered and ordered (see `_queue`)."""
    now = now or timezone.now()
    since, filters = _window_start(filters)
    base = Case.objects.visible_to(user).select_related(*RELATED)
    findable = _found_by_what_they_see(user, now, since, filters)
    if findable is not None:
        base = base.filter(findable)
    return _queue(base, user, now, since, for_page=True, **filters)


def _walks_all_cases_for_todo(bucket: Any, statuses: Any, overdue: bool, order: str) -> bool:
    """待我处理's page on PostgreSQL. Its branches each name unfinished statuses, and the
    planner, multiplying their selectivity by the partial queue index's own status condition,
    expects ~100 rows where tens of thousands match (a street officer's, at 1M cases) and sorts
    them all (70-110 ms). Without that condition it estimates better, and the full queue index
    (unfinished cases first, in the same order) is read until a page is found (~1-5 ms)."""
    return (
        connection.vendor == "postgresql"
        and bucket == "todo"
        and order == "urgency"
        and not statuses
        and not overdue
    )


def _queue(
    qs: QuerySet[Case],
    user: Any,
    now: Any,
    since: Any,
    *,
    bucket: str | None = None,
    status: str | list[str] | None = None,
    channel: str | None = None,
    category: str | None = None,
    type: str | None = None,
    compound_id: int | None = None,
    community_id: int | None = None,
    company_id: int | None = None,
    compound_ids: list[int] | None = None,
    supervised: bool | None = None,
    under_supervision: bool = False,
    filed: dt.date | None = None,
    mine: bool = False,
    sla_class: str = "",
    overdue: bool = False,
    late: Q | None = None,
    soon: Q | None = None,
    q: str = "",
    before: int | None = None,
    order: str = "-created_at",
    for_page: bool = False,
) -> QuerySet[Case]:
    """Every filter optional; ordering limited to known columns, or "urgency": most urgent
    first, then least time left on the clock the row shows (研判, 签收 or resolve deadline,
    overdue first: querysets.RunningDue), then oldest, finished cases last, newest first (工作台).

    The urgency order is read from an index (case_queue_idx, or case_queue_active_idx when
    the filters leave only unfinished cases), so a page costs the rows it reads, not a sort
    of every visible case. Free text searches the window of SEARCH_WINDOW cases from `since`,
    those recorded last or, with `before`, those recorded before that case (search_q).
    """
    statuses = [status] if isinstance(status, str) else status
    late = overdue_q(now) if late is None else late  # 已超时, or one half of it (queue_count)
    walk_all = False
    # A text search reads one range of ids (the search window), not every case.
    windowed = (since is not None or before is not None) and searches_text({"q": q})
    if bucket == "warning" and soon is not None:  # one half of 即将超时 (queue_count)
        qs = qs.filter(soon)
    elif walk_all := (
        for_page
        and not under_supervision  # its own small index, in the active order
        and _walks_all_cases_for_todo(bucket, statuses, overdue, order)
    ):
        qs = qs.filter(_todo_q(user))  # every branch names unfinished statuses
    elif bucket and not _implied_on_postgresql(bucket, statuses, overdue):
        qs = qs.filter(late if bucket == "overdue" else _bucket_q(user, bucket, now))
    if statuses and (order == "urgency" or _final_only(None, statuses)):
        # Not an index term on SQLite (see Unindexed): walking the order index (the queue's,
        # which holds the status; or for finished cases, nearly all, the newest first) stops
        # after a page, where the status index's plan reads and sorts every case in it.
        qs = qs.alias(bare_status=Unindexed("status")).filter(bare_status__in=statuses)
    elif statuses:
        qs = qs.filter(status__in=statuses)
    if channel:
        qs = qs.filter(channel=channel)
    if category:
        qs = qs.filter(category=category)
    if type:
        qs = qs.filter(type=type)
    if compound_id:
        qs = qs.filter(compound_id=compound_id)
    if community_id:
        qs = qs.filter(compound__community_id=community_id)
    if compound_ids is not None:
        # The compounds of a community (the queue's 社区 filter), named: the planner then knows
        # how many cases they hold, where a subquery or join of the community is guessed at
        # one compound's worth and its cases read and sorted instead of walking the index.
        qs = qs.filter(compound_id__in=compound_ids)
    if company_id:
        qs = qs.filter(assigned_company_id=company_id)
    if supervised is not None:
        qs = qs.filter(supervised=supervised)
    if under_supervision:  # 督办中: supervised and not finished (case_supervised_idx)
        if _final_only(bucket, statuses):
            return qs.none()
        qs = qs.filter(supervised=True)
        # SQLite matches the partial index only on its condition written out; PostgreSQL proves
        # it from a bucket or status of unfinished cases, and would take a repeated condition
        # for a narrower one (expecting ten rows, it read every unfinished case: 55 ms at 1M).
        if connection.vendor != "postgresql" or not active_only(bucket, statuses):
            qs = qs.filter(IsActive())
    if filed is not None:  # 受理日期: that local day, midnight to midnight
        start, end = Period(filed, filed).bounds()
        qs = qs.filter(created_at__gte=start, created_at__lt=end)
    if mine:
        qs = qs.filter(Q(assigned_user=user) | Q(requester=user) | Q(created_by=user))
    if sla_class:
        qs = qs.filter(sla_class=sla_class)
    if overdue:
        qs = qs.filter(late)
    if q.strip():
        qs = qs.filter(search_q(q.strip(), since, before))
    if order == "urgency":
        if walk_all and not windowed:
            return qs.order_by(*every_case_order())
        if active_only(bucket, statuses) or overdue or under_supervision:
            # SQLite uses a partial index only when the query repeats its condition literally;
            # PostgreSQL proves it from the status filter, and a repeated condition would make
            # it underestimate the rows (and sort them all instead of reading the index).
            if connection.vendor != "postgresql":
                qs = qs.filter(IsActive())
            return qs.order_by(ClockRank(), RunningDue(), "created_at", "id")
        if _final_only(bucket, statuses):
            # Finished cases have no urgency left: the newest first (created_at index).
            return qs.order_by("-created_at", "-id")
        # Unfinished cases by urgency and time left, then the finished ones newest first.
        order = every_case_order()
        if windowed:
            # Text among the SEARCH_WINDOW cases of the window: read as one range of the table
            # and the matches sorted (`+ 0`: not case_queue_idx's term), where walking the order
            # index would read every case of the table when the term is rare.
            order[0] = order[0] + 0
        return qs.order_by(*order)
    allowed = {"created_at", "-created_at", "due_at", "-due_at", "updated_at", "-updated_at"}
    return qs.order_by(order if order in allowed else "-created_at", "-id")


def capped_count(qs: QuerySet, cap: int | None = None) -> int:
    """min(matches, cap + 1): reads at most cap + 1 rows; more than `cap` shows as "1000+"."""
    cap = COUNT_CAP if cap is None else cap
    return qs.order_by().values("pk")[: cap + 1].count()


def count_parts(user: Any) -> list[QuerySet[Case]]:
    """`visible_parts(user)` less the later parts without any case (usually the user's own
    cases outside their scope): one query each instead of one per count of the request."""
    parts = Case.objects.visible_parts(user)
    return parts[:1] + [part for part in parts[1:] if part.exists()]


def queue_count(
    user: Any,
    *,
    cap: int | None = None,
    now: Any = None,
    parts: list[QuerySet[Case]] | None = None,
    **filters: Any,
) -> int:
    """`capped_count(case_queue(user, **filters))`, counted part by part of the user's scope
    (`count_parts`: disjoint, so their counts add up), each part from an index on its own
    columns; stops once more than `cap` are found."""
    cap = COUNT_CAP if cap is None else cap
    now = now or timezone.now()
    since, filters = _window_start(filters)
    findable = _found_by_what_they_see(user, now, since, filters)
    found = 0
    pieces = [
        (late, soon) for late in _count_halves(now, filters) for soon in _soon_halves(now, filters)
    ]
    for part in count_parts(user) if parts is None else parts:
        part = part if findable is None else part.filter(findable)
        for late, soon in pieces:
            counted = _queue(part, user, now, since, late=late, soon=soon, **filters)
            found += capped_count(counted, cap - found)
            if found > cap:
                return found
    return found


def _count_halves(now: Any, filters: dict[str, Any]) -> tuple[Q | None, ...]:
    """已超时 in its disjoint parts (`deadlines.overdue_halves`), each a range of
    case_active_scope_idx; other filters: one whole (None)."""
    if filters.get("bucket") != "overdue" and not filters.get("overdue"):
        return (None,)
    return overdue_halves(now)


def _soon_halves(now: Any, filters: dict[str, Any]) -> tuple[Q | None, ...]:
    """即将超时 in its disjoint parts (`deadlines.due_soon_halves`): the resolve, 签收 or 研判
    deadline near; other buckets: one whole (None)."""
    return due_soon_halves(now) if filters.get("bucket") == "warning" else (None,)


def queue_counts(user: Any, cap: int | None = None, now: Any = None) -> dict[str, int]:
    """Cases per bucket, each counted up to cap + 1 (`format_count` shows "1000+")."""
    now = now or timezone.now()
    parts = count_parts(user)
    return {
        bucket: queue_count(user, cap=cap, now=now, parts=parts, bucket=bucket, order="urgency")
        for bucket in BUCKETS
    }
