"""The AI grid worker's part in the demo's recent history (`seed_ai`, run by `seed_demo`).

`seed_scale` writes its cases as plain rows, so none of them met the AI grid worker. Here each
case of the last month is read by the real path a filed case takes (`record_suggestion`: the
model, its urgency rules, duplicates and routing) and, if it was assessed, its 研判 is weighed
against the advice as the 研判 service does (`record_decision`: 采纳, or 人工调整 with an
internal note); if it was handed over, its first 交办 as the 交办 service does
(`record_dispatch_decision`: another party than the suggested one is 人工调整 too). Only the
times are put back to when it happened: the advice a minute after filing (or at 研判), the
decision at 研判 (or at the 交办 that overrode it); and duplicates filed after the case, which
it could not have seen then, are dropped. Only the demo street's seeded history
(`seeding_scope`): a real case never gets advice or a decision it did not have.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongzhi.cases import triage_link
from gongzhi.cases.models import Case, CaseEvent, EventKind
from gongzhi.cases.seeding_scope import seeded_history
from gongzhi.cases.services.assignment import Assignee
from gongzhi.cases.suggestions import CaseSuggestion, Decision
from gongzhi.cases.workflow import Status
from gongzhi.org.models import Community, PropertyCompany, Role, RoleGrant, Street, User

READ_AFTER = dt.timedelta(minutes=1)


def recent_since(now: dt.datetime) -> dt.datetime:
    """The start of the demo's "month": the last 30 days, and all of the current month."""
    month_start = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return min(now - dt.timedelta(days=30), month_start)


def suggest_recent(street: Street, now: dt.datetime | None = None) -> tuple[int, int]:
    """Give every recent seeded case of the street without advice its AI suggestion and, once
    assessed, the decision on it. Returns (suggestions stored, decisions recorded). Idempotent."""
    now = now or timezone.now()
    assessors = _community_workers(street)
    cases = (
        seeded_history(street)
        .filter(created_at__gte=recent_since(now), ai_suggestions__isnull=True)
        .exclude(status__in=(Status.NOT_ACCEPTED, Status.MERGED))
        .select_related("compound__community")
        .order_by("created_at", "id")
    )
    stored = decided = 0
    with transaction.atomic():
        for case in cases:
            suggestion = triage_link.record_suggestion(case)
            if suggestion is None:
                continue
            stored += 1
            _as_at_filing(case, suggestion)
            if case.assessed_at and case.category:
                actor = assessors.get(case.compound.community.path)
                decided += _decide(case, suggestion, actor)
                if case.dispatched_at and actor is not None:
                    _weigh_dispatch(case, actor)
    return stored, decided


def _community_workers(street: Street) -> dict[str, User]:
    """Each community's worker (by path), who assesses and hands over its cases: `huajin`, and
    elsewhere the worker `seed_demo` records for the history."""
    workers: dict[str, User] = {}
    paths = set(Community.objects.filter(street=street).values_list("path", flat=True))
    grants = RoleGrant.objects.filter(role=Role.COMMUNITY_WORKER, scope_path__in=paths)
    for grant in grants.select_related("user").order_by("user_id"):
        workers.setdefault(grant.scope_path, grant.user)
    return workers


def _as_at_filing(case: Case, suggestion: CaseSuggestion) -> None:
    read_at = case.created_at + READ_AFTER
    if case.assessed_at:
        read_at = min(read_at, case.assessed_at)
    earlier = set(
        Case.objects.filter(
            pk__in=suggestion.duplicate_ids, created_at__lt=case.created_at
        ).values_list("pk", flat=True)
    )
    ids = [pk for pk in suggestion.duplicate_ids if pk in earlier]
    details = {k: v for k, v in suggestion.duplicate_details.items() if int(k) in earlier}
    CaseSuggestion.objects.filter(pk=suggestion.pk).update(
        created_at=read_at, duplicate_ids=ids, duplicate_details=details
    )


def _decide(case: Case, suggestion: CaseSuggestion, actor: Any) -> int:
    """研判 as it was: the decision and its note dated at the case's 研判."""
    notes_before = set(case.events.values_list("pk", flat=True))
    triage_link.record_decision(
        case=case,
        actor=actor,
        category=case.category,
        sla_class=case.sla_class,
        urgency=case.urgency,
    )
    CaseSuggestion.objects.filter(pk=suggestion.pk).exclude(decided_at=None).update(
        decided_at=case.assessed_at
    )
    CaseEvent.objects.filter(case=case).exclude(pk__in=notes_before).update(
        created_at=case.assessed_at
    )
    if actor is not None:  # the 研判 itself was hers too, as its note says
        CaseEvent.objects.filter(
            case=case, kind=EventKind.ASSESSED, internal=False, actor=None
        ).update(actor=actor)
    return int(CaseSuggestion.objects.filter(pk=suggestion.pk).exclude(decided_at=None).exists())


def _weigh_dispatch(case: Case, actor: Any) -> None:
    """交办 as it was: the first hand-over's party weighed against the suggested one, with the
    case as the 交办 left it (not yet signed for nor escalated), the decision and its note dated
    at the 交办."""
    dispatch = case.events.filter(kind=EventKind.DISPATCHED).order_by("created_at", "id").first()
    if dispatch is None:
        return
    party = dispatch.payload
    company = PropertyCompany.objects.filter(pk=party.get("company")).first()
    assignee = Assignee(party.get("level", ""), company, party.get("department", ""))
    case.status, case.escalation_level = Status.DISPATCHED, 0  # in memory only, not saved
    case.assigned_level, case.assigned_company = assignee.level, company
    case.assigned_department = assignee.department
    notes_before = set(case.events.values_list("pk", flat=True))
    triage_link.record_dispatch_decision(case=case, actor=actor, assignee=assignee)
    CaseEvent.objects.filter(case=case).exclude(pk__in=notes_before).update(
        created_at=dispatch.created_at
    )
    CaseSuggestion.objects.filter(
        case=case, decision=Decision.OVERRIDDEN, decided_at__gt=dispatch.created_at
    ).update(decided_at=dispatch.created_at)
