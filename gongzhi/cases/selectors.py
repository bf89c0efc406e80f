"""Every user-facing read of cases, starting from `Case.objects.visible_to(user)`."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case as Conditional
from django.db.models import F, IntegerField, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from gongzhi.cases import policies
from gongzhi.cases.choices import NOT_ACCEPTED_CHANNEL, Urgency
from gongzhi.cases.models import Case, CaseAttachment, CaseEvent, CaseRating, SlaPolicy
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
_RELATED = ("compound__community", "assigned_company", "assigned_user", "respondent_company")


def _bucket_q(user: Any, bucket: str, now: Any) -> Q:
    if bucket == "open":
        return Q(status__in=OPEN_STATUSES)
    if bucket == "overdue":
        return Q(status__in=CLOCK_STATUSES, due_at__lt=now)
    if bucket == "warning":
        return Q(status__in=CLOCK_STATUSES, warn_at__lte=now, due_at__gte=now)
    if bucket == "resolved":
        return Q(status=Status.RESOLVED)
    if bucket == "closed":
        return Q(status__in=FINAL_STATUSES)
    if bucket == "todo":
        return _todo_q(user)
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
    most urgent first, then least time left, then oldest, finished cases last (工作台)."""
    qs = Case.objects.visible_to(user).select_related(*_RELATED)
    if bucket:
        qs = qs.filter(_bucket_q(user, bucket, timezone.now()))
    if status:
        qs = qs.filter(status__in=[status] if isinstance(status, str) else status)
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
        qs = qs.filter(status__in=CLOCK_STATUSES, due_at__lt=timezone.now())
    if q.strip():
        term = q.strip()
        qs = qs.filter(
            Q(number__icontains=term)
            | Q(title__icontains=term)
            | Q(content__icontains=term)
            | Q(address__icontains=term)
        )
    if order == "urgency":
        return _by_urgency(qs)
    allowed = {"created_at", "-created_at", "due_at", "-due_at", "updated_at", "-updated_at"}
    return qs.order_by(order if order in allowed else "-created_at", "-id")


def _by_urgency(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.annotate(
        final_rank=Conditional(
            When(status__in=FINAL_STATUSES, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        urgency_rank=Conditional(
            When(urgency=Urgency.CRITICAL, then=Value(0)),
            When(urgency=Urgency.URGENT, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
    ).order_by("final_rank", "urgency_rank", F("due_at").asc(nulls_last=True), "created_at", "id")


def queue_counts(user: Any) -> dict[str, int]:
    now = timezone.now()
    base = Case.objects.visible_to(user)
    return {bucket: base.filter(_bucket_q(user, bucket, now)).count() for bucket in BUCKETS}


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


def case_requester(user: Any, case: Case, *, reveal: bool = False) -> RequesterCard:
    """S9: masked unless `reveal` and the viewer may see it; each unmasked view is audited."""
    if reveal and policies.can_view_requester(user, case):
        if case.requester_id != getattr(user, "pk", None):
            audit.record(action="pii.view", actor=user, obj=case, detail={"number": case.number})
        return RequesterCard(case.requester_name, case.requester_phone, False)
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
