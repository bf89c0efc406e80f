"""Periodic SLA sweeps (S3/S4/S5), each `f(now) -> int` and idempotent by compare-and-swap.

Each sweep selects only the cases whose warn_at/respond_due_at/due_at/visit_due_at has passed
(or, for the warning before a 签收 deadline, is near), through the partial indexes on Case, so its
cost follows the number of due cases, not all cases.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import BooleanField, QuerySet

from gongzhi.cases import deadlines
from gongzhi.cases.models import RESPOND_UNFLAGGED, Case, CaseEvent, EventKind
from gongzhi.cases.querysets import InClock, _InlineSQL
from gongzhi.cases.services import notices
from gongzhi.cases.services.escalation import case_escalate, case_flag_respond_breach
from gongzhi.cases.services.moves import move
from gongzhi.cases.triage_link import record_suggestion
from gongzhi.cases.workflow import Action, CaseChanged, Status
from gongzhi.core.calendar import local_zone

BATCH = 500


def _warn_one(case: Case, now: dt.datetime) -> bool:
    with transaction.atomic():
        won = Case.objects.filter(
            pk=case.pk, status=case.status, due_at=case.due_at, warned_at__isnull=True
        ).update(warned_at=now)
        if not won:
            return False
        CaseEvent.objects.create(
            case=case,
            kind=EventKind.SLA_WARNED,
            old_status=case.status,
            new_status=case.status,
            note="即将超过办理期限",
            payload={"due_at": case.due_at.isoformat()},
            created_at=now,
        )
        notices.send(
            notices.handlers(case),
            case=case,
            kind="case.deadline_warning",
            title="诉求即将超时，请尽快办理",
            key=f"warn:{case.due_at.isoformat()}",
        )
    return True


class AwaitingResponse(_InlineSQL):
    """`status = 'dispatched'` (交办, not yet 签收) written as case_respond_due_idx writes it: a
    literal, so that SQLite matches the response sweep's query to that partial index."""

    columns = ("status",)
    sql = f"{{0}} = '{Status.DISPATCHED.value}'"
    output_field = BooleanField()
    conditional = True


def warning_candidates(now: dt.datetime) -> QuerySet[Case]:
    """Served by the partial index case_open_warn_idx, in its order (earliest warning first):
    the statuses as a literal term so that SQLite matches the index's condition too."""
    return Case.objects.filter(
        InClock(), warned_at__isnull=True, warn_at__lte=now, due_at__gt=now
    ).order_by("warn_at", "id")


def breach_candidates(now: dt.datetime) -> QuerySet[Case]:
    """Served by the partial index case_open_due_idx, earliest deadline first."""
    return Case.objects.filter(InClock(), breached_at__isnull=True, due_at__lte=now).order_by(
        "due_at", "id"
    )


def respond_breach_candidates(now: dt.datetime) -> QuerySet[Case]:
    """Served by the partial index case_respond_due_idx (dispatched, deadline not yet flagged),
    earliest 签收 deadline first."""
    return Case.objects.filter(
        AwaitingResponse(), RESPOND_UNFLAGGED, respond_due_at__lte=now
    ).order_by("respond_due_at", "id")


def sweep_warnings(now: dt.datetime) -> int:
    """Warn the handlers once per deadline when `warn_percent` of the window is left."""
    due = warning_candidates(now).select_related("compound", "assigned_user")
    return sum(_warn_one(case, now) for case in due[:BATCH])


def respond_warning_candidates(now: dt.datetime) -> QuerySet[Case]:
    """交办 and not signed for, the 签收 deadline ahead but within its class's lead (as the
    queue's 即将超时 reads it, `deadlines.respond_soon_q`), not warned yet: a range of the
    partial index case_respond_due_idx up to the longest lead, earliest deadline first."""
    leads = deadlines.respond_leads()
    if not leads:
        return Case.objects.none()
    return (
        Case.objects.filter(
            AwaitingResponse(),
            RESPOND_UNFLAGGED,
            respond_warned_at__isnull=True,
            respond_due_at__gt=now,
            respond_due_at__lte=now + max(leads),
        )
        .filter(deadlines.within_lead_q(now, leads))  # the status as the index writes it
        .order_by("respond_due_at", "id")
    )


def _warn_respond_one(case: Case, now: dt.datetime) -> bool:
    """The handlers hear that the 签收 deadline is near, once per deadline: the compare-and-swap
    on (status, respond_due_at, not yet warned) lets exactly one runner win."""
    due = case.respond_due_at
    with transaction.atomic():
        won = Case.objects.filter(
            pk=case.pk, status=Status.DISPATCHED, respond_due_at=due, respond_warned_at=None
        ).update(respond_warned_at=now)
        if not won:
            return False
        due_local = due.astimezone(local_zone())
        CaseEvent.objects.create(
            case=case,
            kind=EventKind.SLA_WARNED,
            old_status=case.status,
            new_status=case.status,
            note=f"即将超过签收期限（{due_local:%m-%d %H:%M}）",
            payload={"respond_due_at": due.isoformat()},
            created_at=now,
        )
        notices.send(
            notices.handlers(case),
            case=case,
            kind="case.deadline_warning",
            title="诉求即将超过签收期限，请尽快签收",
            body=f"{notices.case_label(case)}。签收期限 {due_local:%Y-%m-%d %H:%M}。",
            key=f"respond_warn:{due.isoformat()}",
        )
    return True


def sweep_respond_warnings(now: dt.datetime) -> int:
    """Warn the handlers once per 签收 deadline when `warn_percent` of the response window is
    left, as `sweep_warnings` does for the resolve deadline."""
    due = respond_warning_candidates(now).select_related("compound", "assigned_user")
    return sum(_warn_respond_one(case, now) for case in due[:BATCH])


def sweep_respond_breaches(now: dt.datetime) -> int:
    """Dispatched cases nobody signed for (签收) by respond_due_at: a 响应超时 event and notices,
    once per 签收 deadline; no escalation (see case_flag_respond_breach)."""
    due = respond_breach_candidates(now).select_related(
        "compound", "assigned_user", "assigned_company", "dispatched_by"
    )
    return sum(case_flag_respond_breach(case=case, now=now) for case in due[:BATCH])


def sweep_breaches(now: dt.datetime) -> int:
    """Breached cases escalate one level, exactly once per breach."""
    due = breach_candidates(now).select_related("compound")
    return sum(case_escalate(case=case, now=now) for case in due[:BATCH])


def _auto_close_one(case: Case, now: dt.datetime) -> bool:
    try:
        with transaction.atomic():
            move(
                case,
                action=Action.AUTO_CLOSE,
                to=Status.CLOSED,
                actor=None,
                kind=EventKind.AUTO_CLOSED,
                note="处置后逾期未评价，系统自动办结",
                updates={"closed_at": now},
                now=now,
            )
    except CaseChanged:
        return False
    return True


def sweep_auto_close(now: dt.datetime) -> int:
    """Resolved cases nobody rated by `visit_due_at` close by themselves (the loop closes)."""
    due = Case.objects.filter(status=Status.RESOLVED, visit_due_at__lte=now).order_by(
        "visit_due_at", "id"
    )  # case_visit_due_idx
    return sum(_auto_close_one(case, now) for case in due[:BATCH])


def sweep_missing_suggestions(now: dt.datetime) -> int:
    """Still-unassessed cases of the last day that have no AI suggestion get it here: all of
    them in deferred mode (the default), and in background mode those whose filing thread died
    with its worker (after two minutes, to leave the thread time to finish)."""
    deferred = settings.GONGZHI_TRIAGE_AT_FILING == "deferred"
    settled = now if deferred else now - dt.timedelta(minutes=2)
    missing = Case.objects.filter(
        status=Status.RECEIVED,
        created_at__gte=now - dt.timedelta(days=1),
        created_at__lte=settled,
        ai_suggestions__isnull=True,
    ).order_by("created_at", "id")
    return sum(record_suggestion(case) is not None for case in missing[:100])


def run_all(now: dt.datetime) -> int:
    """The one entry in settings.GONGZHI_SWEEPS."""
    return (
        sweep_warnings(now)
        + sweep_respond_warnings(now)
        + sweep_respond_breaches(now)
        + sweep_breaches(now)
        + sweep_auto_close(now)
        + sweep_missing_suggestions(now)
    )
