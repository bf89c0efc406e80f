"""The work queue (工作台): its buckets, filters, capped counts and pages, read from
`Case.objects.visible_to(user)` (re-exported by `gongzhi.cases.selectors`)."""

import re
from functools import reduce
from operator import and_, or_
from typing import Any

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from gongzhi.cases import policies
from gongzhi.cases.models import Case
from gongzhi.cases.querysets import (
    ACTIVE_STATUSES,
    InClock,
    IsActive,
    Unindexed,
    UrgencyRank,
    every_case_order,
)
from gongzhi.cases.workflow import (
    CLOCK_STATUSES,
    FINAL_STATUSES,
    OPEN_STATUSES,
    Status,
)
from gongzhi.org.models import Compound, Role
from gongzhi.org.scopes import scope_for

BUCKETS = ("todo", "open", "overdue", "warning", "resolved", "closed")
# Counts and pages stop here: at a million cases nobody pages past 1,000 rows, and counting
# every match on every page view would cost time in proportion to all cases ("1000+").
COUNT_CAP = 1000
# Free-text search reads at most the SEARCH_WINDOW cases recorded last (the search box says so); a
# case number (NH…) is found among all cases through its unique index.
SEARCH_WINDOW = 50_000
_NUMBER = re.compile(r"^[A-Za-z]{2}\d{4,}$")
# Words of a search, each of which a case must contain ("门禁 坏"); more are ignored.
MAX_SEARCH_TERMS = 5
_TEXT_FIELDS = ("title", "content", "address")
# A text search by a user who sees some requesters masked or not at all is checked against
# what they see of these most recent matching cases (see _unseen_matches).
UNSEEN_CHECK_CAP = 2000
RELATED = ("compound__community", "assigned_company", "assigned_user", "respondent_company")


def overdue_q(now: Any) -> Q:
    """已超时, as the clock shows it red (cases_ui.sla_clock): past the case's deadline, or 交办
    and not signed for (签收) past the response deadline. Read from the deadlines, not from the
    sweeps' flags, so that it is right before the scheduler has run."""
    late = Q(due_at__lt=now) | Q(status=Status.DISPATCHED, respond_due_at__lt=now)
    return Q(status__in=sorted(CLOCK_STATUSES)) & late


def is_overdue(case: Case, now: Any) -> bool:
    """`overdue_q` for one case in hand (the case page, the API's case detail)."""
    if case.status not in CLOCK_STATUSES:
        return False
    if case.due_at and case.due_at < now:
        return True
    respond_due = case.respond_due_at
    return case.status == Status.DISPATCHED and respond_due is not None and respond_due < now


def _bucket_q(user: Any, bucket: str, now: Any) -> Q:
    if bucket == "open":
        return Q(status__in=sorted(OPEN_STATUSES))
    if bucket == "overdue":
        return overdue_q(now)
    if bucket == "warning":
        # A deadline still ahead is never breached yet (every new due_at clears breached_at):
        # so the not-yet-due cases are read from case_open_due_idx, not every open case.
        return Q(InClock(), breached_at__isnull=True, due_at__gte=now, warn_at__lte=now)
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
        todo |= Q(termination_requested=True)
    work = [Status.DISPATCHED, Status.ACCEPTED, Status.IN_PROGRESS]
    if scope.company_ids:
        todo |= Q(status__in=work, assigned_company_id__in=scope.company_ids)
    if Role.COMMUNITY_WORKER in scope.roles:
        todo |= Q(status__in=work, assigned_level="community")
    if Role.STREET_OFFICER in scope.roles or scope.everything:
        todo |= Q(status__in=work, assigned_level__in=["street", "department"])
    todo |= Q(status=Status.RESOLVED, requester=user)
    return todo


def _active_only(bucket: str | None, statuses: list[str] | None) -> bool:
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


def _is_number(term: str) -> bool:
    return bool(_NUMBER.match(term))


def _caseless(term: str) -> bool:
    """Whether icontains would match `term` exactly as written: SQLite's LIKE folds ASCII
    letters only, PostgreSQL's UPPER() every cased letter."""
    if connection.vendor == "sqlite":
        return not re.search("[A-Za-z]", term)
    return term.upper() == term.lower()


def search_terms(q: str) -> list[str]:
    """The words of a search box entry, split on whitespace, at most MAX_SEARCH_TERMS."""
    return q.split()[:MAX_SEARCH_TERMS]


def _is_number_search(q: str) -> bool:
    """One word that looks like a case number (or its prefix): found among all cases."""
    terms = search_terms(q)
    return len(terms) == 1 and _is_number(terms[0])


def _search_q(q: str, since: Any) -> Q:
    """A case number (or its prefix) among all cases; any other text among the SEARCH_WINDOW
    cases recorded last (id `since` and after): every word of it, each in the number, title,
    content or address ("门禁 坏" finds "单元门禁坏了")."""
    if _is_number_search(q):
        prefix = q.strip().upper()
        return Q(number__gte=prefix, number__lt=prefix + "\U0010ffff")
    text = reduce(and_, (_term_q(term) for term in search_terms(q)))
    return text & Q(pk__gte=since) if since is not None else text


def _term_q(term: str) -> Q:
    """One word of a text search, in any of the searched fields."""
    # Case numbers are ASCII: a term with any other character (Chinese) cannot be in one.
    fields = ("number", "title", "content", "address") if term.isascii() else _TEXT_FIELDS
    if _caseless(term):
        # Case folding changes nothing for such a term (Chinese text): instr() on SQLite (whose
        # LIKE is several times slower) and strpos() on PostgreSQL find the same rows as
        # icontains without upper-casing every text they read.
        return reduce(or_, (Q(GreaterThan(StrIndex(f, Value(term)), 0)) for f in fields))
    return reduce(or_, (Q(**{f"{f}__icontains": term}) for f in fields))


def search_since() -> Any:
    """The id of the SEARCH_WINDOW-th case recorded last (None while there are fewer). By id,
    not filing time: the window is then one range of the table itself, read in storage order
    (on SQLite four times faster than through the created_at index)."""
    return (
        Case.objects.order_by("-pk")
        .values_list("pk", flat=True)[SEARCH_WINDOW - 1 : SEARCH_WINDOW]
        .first()
    )


def _searches_text(filters: dict[str, Any]) -> bool:
    """Whether the filters search free text (read row by row in the window), not a number."""
    q = filters.get("q") or ""
    return bool(q.strip()) and not _is_number_search(q)


def _since(filters: dict[str, Any]) -> Any:
    """The text search window's start for these filters (None: no text search, or all cases)."""
    return search_since() if _searches_text(filters) else None


def _restricted_q(user: Any) -> Q | None:
    """Cases whose requester this user does not see in full (S9: the party a case may be about
    sees no trace of them; party and committee members see them masked), None when the user
    has no role that sees any such case: street officers, community and grid workers."""
    scope = scope_for(user)
    if scope.everything or not (scope.roles - policies.CONTACT_ROLES):
        return None
    restricted = ~Q(requester=user)
    if scope.paths(policies.CONTACT_ROLES):
        contact = Compound.objects.filter(scope.q("path", policies.CONTACT_ROLES))
        restricted &= ~Q(compound_id__in=contact.values("pk"))
    return restricted


def _matches_what_they_see(user: Any, case: Case, terms: list[str]) -> bool:
    """Whether every word of the search is in what this user sees of the case."""
    from gongzhi.cases.selectors import case_requester, text_for_viewer  # (imports this module)

    requester = case_requester(user, case)
    seen = [case.number, *(text_for_viewer(t, case, requester) for t in (case.title, case.content))]
    if not requester.withheld:
        seen.append(case.address)
    folded = [text.lower() for text in seen]
    return all(
        any(term in text for text in seen)
        if _caseless(term)
        else any(term.lower() in text for text in folded)
        for term in terms
    )


def _unseen_matches(user: Any, now: Any, since: Any, filters: dict[str, Any]) -> Q | None:
    """The cases a text search finds only in what this user may not see of them: a number,
    room or name the page hides from them. Without this, searching for a phone number would
    tell the party complained about who complained (S9). The UNSEEN_CHECK_CAP most recent
    matches are checked one by one; older matches among restricted cases are left out."""
    restricted = _restricted_q(user)
    if restricted is None or not _searches_text(filters):
        return None
    terms = search_terms(filters["q"])
    restricted_cases = Case.objects.visible_to(user).filter(restricted)
    candidates = list(
        _queue(restricted_cases.select_related("compound"), user, now, since, **filters).order_by(
            "-pk"
        )[:UNSEEN_CHECK_CAP]
    )
    unseen, oldest = [], None
    for case in candidates:
        oldest = case.pk
        if not _matches_what_they_see(user, case, terms):
            unseen.append(case.pk)
    hide = Q(pk__in=unseen)
    if oldest is not None and len(candidates) == UNSEEN_CHECK_CAP:
        hide |= restricted & Q(pk__lt=oldest)
    return hide if unseen or len(candidates) == UNSEEN_CHECK_CAP else None


def case_queue(user: Any, *, now: Any = None, **filters: Any) -> QuerySet[Case]:
    """The inbox of `user`: the cases visible to them, filtered and ordered (see `_queue`)."""
    now = now or timezone.now()
    since = _since(filters)
    base = Case.objects.visible_to(user).select_related(*RELATED)
    hide = _unseen_matches(user, now, since, filters)
    if hide is not None:
        base = base.exclude(hide)
    return _queue(base, user, now, since, **filters)


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
    supervised: bool | None = None,
    mine: bool = False,
    sla_class: str = "",
    overdue: bool = False,
    late: Q | None = None,
    q: str = "",
    order: str = "-created_at",
) -> QuerySet[Case]:
    """Every filter optional; ordering limited to known columns, or "urgency": most urgent
    first, then least time left, then oldest, finished cases last, newest first (工作台).

    The urgency order is read from an index (case_queue_idx, or case_queue_active_idx when
    the filters leave only unfinished cases), so a page costs the rows it reads, not a sort
    of every visible case. Free text searches the SEARCH_WINDOW cases recorded last (_search_q).
    """
    statuses = [status] if isinstance(status, str) else status
    late = overdue_q(now) if late is None else late  # 已超时, or one half of it (queue_count)
    if bucket and not _implied_on_postgresql(bucket, statuses, overdue):
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
    if company_id:
        qs = qs.filter(assigned_company_id=company_id)
    if supervised is not None:
        qs = qs.filter(supervised=supervised)
    if mine:
        qs = qs.filter(Q(assigned_user=user) | Q(requester=user) | Q(created_by=user))
    if sla_class:
        qs = qs.filter(sla_class=sla_class)
    if overdue:
        qs = qs.filter(late)
    if q.strip():
        qs = qs.filter(_search_q(q.strip(), since))
    if order == "urgency":
        if _active_only(bucket, statuses) or overdue:
            # SQLite uses a partial index only when the query repeats its condition literally;
            # PostgreSQL proves it from the status filter, and a repeated condition would make
            # it underestimate the rows (and sort them all instead of reading the index).
            if connection.vendor != "postgresql":
                qs = qs.filter(IsActive())
            return qs.order_by(UrgencyRank(), "due_at", "created_at", "id")
        if _final_only(bucket, statuses):
            # Finished cases have no urgency left: the newest first (created_at index).
            return qs.order_by("-created_at", "-id")
        # Unfinished cases by urgency and time left, then the finished ones newest first.
        order = every_case_order()
        if since is not None:
            # Text among the SEARCH_WINDOW cases recorded last: read as one range of the table
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
    since = _since(filters)
    hide = _unseen_matches(user, now, since, filters)
    found = 0
    for part in count_parts(user) if parts is None else parts:
        part = part if hide is None else part.exclude(hide)
        for late in _count_halves(now, filters):
            found += capped_count(_queue(part, user, now, since, late=late, **filters), cap - found)
            if found > cap:
                return found
    return found


def _count_halves(now: Any, filters: dict[str, Any]) -> tuple[Q | None, ...]:
    """已超时 (`overdue_q`) as two disjoint halves, counted one after the other: past the
    deadline, or not yet but 交办 and not signed for in time. Each is a range of
    case_active_scope_idx (compound, status, due_at), so a count reads only the overdue cases,
    where the one OR reads every running case in scope. Other filters: one whole (None)."""
    if filters.get("bucket") != "overdue" and not filters.get("overdue"):
        return (None,)
    past_due = Q(status__in=sorted(CLOCK_STATUSES), due_at__lt=now)
    unsigned = Q(status=Status.DISPATCHED, due_at__gte=now, respond_due_at__lt=now)
    return (past_due, unsigned)


class BoundedPaginator(Paginator):
    """Pages over at most COUNT_CAP rows, counted with `capped_count` (`capped` when there
    are more: the pager says only the first COUNT_CAP are listed and offers no page past them).
    `counted`: the capped count when the caller already has it (`queue_count`)."""

    def __init__(
        self, object_list: QuerySet, per_page: int, cap: int | None = None, counted: Any = None
    ) -> None:
        super().__init__(object_list, per_page)
        self.cap = COUNT_CAP if cap is None else cap
        self.capped = False
        self._counted = counted

    @property
    def count(self) -> int:
        if not hasattr(self, "_bounded_count"):
            found = self._counted() if callable(self._counted) else self._counted
            if found is None:
                found = capped_count(self.object_list, self.cap)
            self.capped = found > self.cap
            self._bounded_count = min(found, self.cap)
        return self._bounded_count


def queue_counts(user: Any, cap: int | None = None, now: Any = None) -> dict[str, int]:
    """Cases per bucket, each counted up to cap + 1 (`format_count` shows "1000+")."""
    now = now or timezone.now()
    parts = count_parts(user)
    return {
        bucket: queue_count(user, cap=cap, now=now, parts=parts, bucket=bucket, order="urgency")
        for bucket in BUCKETS
    }


class _RowsInOrder:
    """The cases of `ids`, in that order, read a page at a time (a Paginator's object_list)."""

    def __init__(self, visible: QuerySet[Case], ids: list[int]) -> None:
        self.visible, self.ids = visible, ids

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: slice) -> list[Case]:
        ids = self.ids[index]
        rows = self.visible.in_bulk(ids)
        return [rows[pk] for pk in ids if pk in rows]


def queue_paginator(
    user: Any, per_page: int, *, counts: dict[str, int] | None = None, **filters: Any
) -> BoundedPaginator:
    """The work queue's pages. A bucket alone: its count from `counts` (`queue_counts` at the
    same `now`). Other filters on unfinished cases, and any text search: one read of at most
    COUNT_CAP + 1 ids in page order gives the count and every page, from the queue index that
    holds every column they test (a sparse filter walks that small index once, not once per
    count and page) or from the search window."""
    now = filters.pop("now", None) or timezone.now()
    cases = case_queue(user, now=now, **filters)
    bucket = filters.get("bucket")
    others = [k for k, v in filters.items() if k not in ("bucket", "order") and v]
    if counts is not None and bucket in counts and not others:
        return BoundedPaginator(cases, per_page, counted=counts[bucket])
    status = filters.get("status")
    statuses = [status] if isinstance(status, str) else status
    if (
        filters.get("order") == "urgency"
        and (_active_only(bucket, statuses) or filters.get("overdue"))
    ) or _searches_text(filters):
        # Text is searched row by row among the last SEARCH_WINDOW cases: once, here, rather
        # than once per part of the scope for the count and again for the page.
        ids = list(cases.values_list("pk", flat=True)[: COUNT_CAP + 1])
        visible = Case.objects.visible_to(user).select_related(*RELATED)
        return BoundedPaginator(_RowsInOrder(visible, ids), per_page, counted=len(ids))
    # Finished cases too: counted part by part (their order index is not a covering one).
    return BoundedPaginator(cases, per_page, counted=lambda: queue_count(user, now=now, **filters))


def format_count(value: int, cap: int | None = None) -> str:
    cap = COUNT_CAP if cap is None else cap
    return f"{cap}+" if value > cap else str(value)
