"""Every user-facing read of cases, starting from `Case.objects.visible_to(user)`."""

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from gongzhi.cases import policies
from gongzhi.cases.choices import NOT_ACCEPTED_CHANNEL
from gongzhi.cases.models import Case, CaseAttachment, CaseEvent, CaseRating, SlaPolicy
from gongzhi.cases.querysets import (
    ACTIVE_STATUSES,
    FinalRank,
    InClock,
    IsActive,
    Unindexed,
    UrgencyRank,
)
from gongzhi.cases.services.assignment import Assignee, current_company, suggest_assignee
from gongzhi.cases.workflow import (
    ACTIONS,
    CLOCK_STATUSES,
    FINAL_STATUSES,
    OPEN_STATUSES,
    SYSTEM_ACTIONS,
    Action,
    Status,
)
from gongzhi.core import audit
from gongzhi.core.masking import mask_name, mask_phone, redact_text
from gongzhi.org.models import Role
from gongzhi.org.scopes import scope_for

BUCKETS = ("todo", "open", "overdue", "warning", "resolved", "closed")
# Counts and pages stop here: at a million cases nobody pages past 1,000 rows, and counting
# every match on every page view would cost time in proportion to all cases ("1000+").
COUNT_CAP = 1000
# Free-text search reads at most the newest SEARCH_WINDOW cases (the search box says so); a
# case number (NH…) is found among all cases through its unique index.
SEARCH_WINDOW = 50_000
_NUMBER = re.compile(r"^[A-Za-z]{2}\d{4,}$")
_RELATED = ("compound__community", "assigned_company", "assigned_user", "respondent_company")


def _bucket_q(user: Any, bucket: str, now: Any) -> Q:
    if bucket == "open":
        return Q(status__in=sorted(OPEN_STATUSES))
    if bucket == "overdue":
        return Q(status__in=sorted(CLOCK_STATUSES), due_at__lt=now)
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


def _search_q(term: str) -> Q:
    """A case number (or its prefix) among all cases; any other text among the newest
    SEARCH_WINDOW cases, in number, title, content and address."""
    if _NUMBER.match(term):
        prefix = term.upper()
        return Q(number__gte=prefix, number__lt=prefix + "\U0010ffff")
    text = (
        Q(number__icontains=term)
        | Q(title__icontains=term)
        | Q(content__icontains=term)
        | Q(address__icontains=term)
    )
    since = search_since()
    return text & Q(created_at__gte=since) if since is not None else text


def search_since() -> Any:
    """The filing time of the SEARCH_WINDOW-th newest case (None while there are fewer)."""
    return (
        Case.objects.order_by("-created_at")
        .values_list("created_at", flat=True)[SEARCH_WINDOW - 1 : SEARCH_WINDOW]
        .first()
    )


def case_queue(
    user: Any,
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
    q: str = "",
    order: str = "-created_at",
) -> QuerySet[Case]:
    """The inbox: every filter optional; ordering limited to known columns, or "urgency":
    most urgent first, then least time left, then oldest, finished cases last (工作台).

    The urgency order is read from an index (case_queue_idx, or case_queue_active_idx when
    the filters leave only unfinished cases), so a page costs the rows it reads, not a sort
    of every visible case. Free text searches the newest SEARCH_WINDOW cases (see _search_q).
    """
    qs = Case.objects.visible_to(user).select_related(*_RELATED)
    statuses = [status] if isinstance(status, str) else status
    if bucket:
        qs = qs.filter(_bucket_q(user, bucket, timezone.now()))
    if statuses and _final_only(None, statuses):
        # Nearly every case: walk the newest first instead of the status index (see Unindexed).
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
        qs = qs.filter(status__in=sorted(CLOCK_STATUSES), due_at__lt=timezone.now())
    if q.strip():
        qs = qs.filter(_search_q(q.strip()))
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
        return qs.order_by(FinalRank(), UrgencyRank(), "due_at", "created_at", "id")
    allowed = {"created_at", "-created_at", "due_at", "-due_at", "updated_at", "-updated_at"}
    return qs.order_by(order if order in allowed else "-created_at", "-id")


def capped_count(qs: QuerySet, cap: int | None = None) -> int:
    """min(matches, cap + 1): reads at most cap + 1 rows; more than `cap` shows as "1000+"."""
    cap = COUNT_CAP if cap is None else cap
    return qs.order_by().values("pk")[: cap + 1].count()


class BoundedPaginator(Paginator):
    """Pages over at most COUNT_CAP rows, counted with `capped_count` (`capped` when there
    are more: the pager says only the first COUNT_CAP are listed and offers no page past them)."""

    def __init__(self, object_list: QuerySet, per_page: int, cap: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self.cap = COUNT_CAP if cap is None else cap
        self.capped = False

    @property
    def count(self) -> int:
        if not hasattr(self, "_bounded_count"):
            found = capped_count(self.object_list, self.cap)
            self.capped = found > self.cap
            self._bounded_count = min(found, self.cap)
        return self._bounded_count


def queue_counts(user: Any, cap: int | None = None) -> dict[str, int]:
    """Cases per bucket, each counted up to cap + 1 (`format_count` shows "1000+")."""
    now = timezone.now()
    base = Case.objects.visible_to(user)
    return {
        bucket: capped_count(base.filter(_bucket_q(user, bucket, now)), cap) for bucket in BUCKETS
    }


def format_count(value: int, cap: int | None = None) -> str:
    cap = COUNT_CAP if cap is None else cap
    return f"{cap}+" if value > cap else str(value)


def my_cases(user: Any) -> QuerySet[Case]:
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    return (
        Case.objects.filter(Q(requester=user) | Q(created_by=user))
        .select_related("compound", "duplicate_of")
        .order_by("-created_at", "-id")
    )


def case_get(user: Any, pk: int) -> Case:
    return get_object_or_404(Case.objects.visible_to(user).select_related(*_RELATED), pk=pk)


def case_get_by_number(user: Any, number: str) -> Case:
    return get_object_or_404(Case.objects.visible_to(user).select_related(*_RELATED), number=number)


@dataclass(frozen=True)
class RequesterCard:
    name: str
    phone: str
    masked: bool
    withheld: bool = False  # S9: the viewer may be the party complained about


WITHHELD = RequesterCard("（诉求人信息保密）", "", True, True)


def case_requester(user: Any, case: Case, *, reveal: bool = False) -> RequesterCard:
    """S9: masked unless `reveal` and the viewer may see it; each unmasked view is audited. The
    party a case may be about gets no trace of the requester at all, not even a masked one."""
    if reveal and policies.can_view_requester(user, case):
        if case.requester_id != getattr(user, "pk", None):
            audit.record(action="pii.view", actor=user, obj=case, detail={"number": case.number})
        return RequesterCard(case.requester_name, case.requester_phone, False)
    if policies.requester_withheld(user, case):
        return WITHHELD
    return RequesterCard(mask_name(case.requester_name), mask_phone(case.requester_phone), True)


_ACTION_CHECKS = {
    Action.ASSESS: policies.can_dispatch,
    Action.DISPATCH: policies.can_dispatch,
    Action.ANSWER: policies.can_dispatch,
    Action.NOT_ACCEPT: policies.can_dispatch,
    Action.ACCEPT: policies.can_handle,
    Action.START: policies.can_handle,
    Action.RESOLVE: policies.can_handle,
    Action.RETURN: policies.can_handle,
    Action.EXTEND: lambda u, c: policies.can_handle(u, c) or policies.can_dispatch(u, c),
    Action.SUPERVISE: policies.can_supervise,
    Action.VISIT: policies.can_visit,
    Action.CLOSE_EXCEPTION: policies.can_supervise,
    Action.REQUEST_TERMINATION: policies.can_request_termination,
    Action.TERMINATE: policies.can_supervise,
}


def allowed_actions(user: Any, case: Case) -> list[str]:
    """Actions this user may take now: the transition table AND the policy (for buttons)."""
    actions = []
    for action, move in ACTIONS.items():
        if action in SYSTEM_ACTIONS or case.status not in move.sources:
            continue
        if action == Action.ANSWER and not case.is_consultation:
            continue
        if action == Action.RETURN and case.designated_by_street:
            continue
        if action == Action.DISPATCH and not case.sla_class:
            continue
        if action == Action.REQUEST_TERMINATION and case.termination_requested:
            continue
        if _ACTION_CHECKS[action](user, case):
            actions.append(str(action))
    return actions


def _sees_internal(user: Any, case: Case) -> bool:
    scope = scope_for(user)
    return scope.everything or scope.covers(
        case.compound.path, policies.CONTACT_ROLES | {Role.PARTY_MEMBER}
    )


def case_timeline(user: Any, case: Case) -> list[CaseEvent]:
    events = case.events.select_related("actor").order_by("created_at", "id")
    if not _sees_internal(user, case):
        events = events.filter(internal=False)
    return list(events)


@dataclass(frozen=True)
class CaseDetail:
    case: Case
    requester: RequesterCard
    can_reveal: bool
    actions: list[str]
    timeline: list[CaseEvent]
    attachments: list[CaseAttachment]
    ratings: list[CaseRating]
    repeats: int
    original: Case | None
    not_accepted_channel: str
    policy: SlaPolicy | None
    overdue: bool
    extra: dict[str, Any] = field(default_factory=dict)


def case_detail(user: Any, pk: int) -> CaseDetail:
    case = case_get(user, pk)
    original = None
    if case.duplicate_of_id:
        # A repeat's requester follows the original's progress (S6), not its private data.
        original = Case.objects.only("pk", "number", "status", "title", "public_reply").get(
            pk=case.duplicate_of_id
        )
    policy = SlaPolicy.objects.filter(code=case.sla_class).first() if case.sla_class else None
    return CaseDetail(
        case=case,
        requester=case_requester(user, case),
        can_reveal=policies.can_view_requester(user, case),
        actions=allowed_actions(user, case),
        timeline=case_timeline(user, case),
        attachments=list(case.attachments.order_by("uploaded_at", "id")),
        ratings=list(case.ratings.order_by("round")),
        repeats=case.repeats.count(),
        original=original,
        not_accepted_channel=NOT_ACCEPTED_CHANNEL.get(case.not_accepted_reason, ""),
        policy=policy,
        overdue=bool(
            case.status in CLOCK_STATUSES and case.due_at and case.due_at < timezone.now()
        ),
    )


@dataclass(frozen=True)
class PublicCase:
    number: str
    title: str
    category: str
    status: str
    content: str
    public_reply: str
    closed_at: Any


def published_cases(path: str) -> QuerySet[Case]:
    """Cases under `path` whose requester agreed to publish them (S9): what the public may list."""
    return Case.objects.filter(is_public=True, compound__path__startswith=path)


def public_case(case: Case) -> PublicCase:
    """For public pages: never the requester; content only when the requester allowed it."""
    return PublicCase(
        number=case.number,
        title=redact_text(case.title),
        category=case.get_category_display() if case.category else "",
        status=case.get_status_display(),
        content=redact_text(case.content) if case.is_public else "",
        public_reply=redact_text(case.public_reply),
        closed_at=case.closed_at,
    )


def dispatch_options(case: Case) -> dict[str, Any]:
    """What the dispatch form offers: the routing suggestion, the serving company, the policy."""
    suggestion: Assignee = suggest_assignee(case)
    company = current_company(case.compound)
    companies = [company] if company else []
    if suggestion.company and suggestion.company not in companies:
        companies.append(suggestion.company)
    return {
        "suggestion": suggestion,
        "companies": companies,
        "policy": SlaPolicy.objects.filter(code=case.sla_class).first(),
    }
