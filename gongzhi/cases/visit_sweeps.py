"""The return visit's sweeps (S5): a resolved case nobody rated warns the staff who may visit
it a day before it closes itself, then closes by itself at `visit_due_at`."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_noop

from gongzhi.cases import deadlines, event_notes, policies
from gongzhi.cases.models import Case, CaseEvent, EventKind
from gongzhi.cases.services import notices
from gongzhi.cases.services.moves import move
from gongzhi.cases.sweep_runs import BATCH, _each
from gongzhi.cases.workflow import Action, CaseChanged, Status
from gongzhi.core.notifications.texts import Text


def _auto_close_one(case: Case, now: dt.datetime) -> bool:
    note, words = event_notes.written(Text(gettext_noop("处置后逾期未评价，系统自动办结")))
    try:
        with transaction.atomic():
            move(
                case,
                action=Action.AUTO_CLOSE,
                to=Status.CLOSED,
                actor=None,
                kind=EventKind.AUTO_CLOSED,
                note=note,
                payload=words,
                updates={"closed_at": now},
                now=now,
            )
            notices.tell_requester(
                case,
                kind="case.closed",
                title=Text(gettext_noop("您的诉求已办结")),
                body=Text(
                    gettext_noop(
                        "诉求 %(number)s 处置后逾期未评价，已自动办结。如问题仍未解决，可再反映。"
                    ),
                    number=case.number,
                ),
                key=f"closed:{case.round}",
            )
    except CaseChanged:
        return False
    return True


def sweep_auto_close(now: dt.datetime) -> int:
    """Resolved cases nobody rated by `visit_due_at` close by themselves (the loop closes)."""
    due = Case.objects.filter(status=Status.RESOLVED, visit_due_at__lte=now).order_by(
        "visit_due_at", "id"
    )  # case_visit_due_idx
    return _each(due[:BATCH], lambda case: _auto_close_one(case, now))


# S5: the staff who may phone the requester hear this long before an unrated case closes itself.
VISIT_WARNING_LEAD = dt.timedelta(days=1)


def visit_warning_candidates(now: dt.datetime) -> QuerySet[Case]:
    """Resolved, unrated, closing by itself within VISIT_WARNING_LEAD (a range of
    case_visit_due_idx), not warned since it was resolved: `warned_at` is the resolve
    deadline's warning until 处置 (then older than resolved_at), this one after."""
    return (
        Case.objects.filter(
            status=Status.RESOLVED,
            visit_due_at__gt=now,
            visit_due_at__lte=now + VISIT_WARNING_LEAD,
        )
        .filter(Q(warned_at__isnull=True) | Q(warned_at__lt=F("resolved_at")))
        .order_by("visit_due_at", "id")
    )


def visit_warning_recipients(case: Case) -> list[Any]:
    """Who may still record the visit before the case closes itself: whoever handed it over
    (the desk), else the community and street staff over the compound; never whoever handled
    the round (S5, `policies.can_visit`), nor the requester (told to rate already)."""

    def may_visit(users: list[Any]) -> list[Any]:
        return [u for u in users if u.pk != case.requester_id and policies.can_visit(u, case)]

    return may_visit(notices.dispatcher(case)) or may_visit(notices.supervisors(case))


def _warn_visit_one(case: Case, now: dt.datetime) -> bool:
    """One warning per round that the case closes itself unrated at visit_due_at: within the
    lead, or in the second half of a shorter window (auto-close after one day)."""
    due, resolved_at = case.visit_due_at, case.resolved_at or case.visit_due_at
    if now < max(due - VISIT_WARNING_LEAD, resolved_at + (due - resolved_at) / 2):
        return False
    with transaction.atomic():
        unwarned = Q(warned_at__isnull=True) | Q(warned_at__lt=F("resolved_at"))
        won = (
            Case.objects.filter(unwarned, pk=case.pk, status=Status.RESOLVED, visit_due_at=due)
            .filter(resolved_at=case.resolved_at)
            .update(warned_at=now)
        )
        if not won:
            return False
        note, words = event_notes.written(
            Text(
                gettext_noop("即将逾期未评价自动办结（%(due)s），请尽快回访"),
                due=deadlines.local_stamp(due),
            )
        )
        CaseEvent.objects.create(
            case=case,
            kind=EventKind.SLA_WARNED,
            old_status=case.status,
            new_status=case.status,
            note=note,
            payload={"visit_due_at": due.isoformat(), **words},
            created_at=now,
        )
        notices.send(
            visit_warning_recipients(case),
            case=case,
            kind="case.visit_due",
            title=Text(gettext_noop("诉求即将逾期自动办结，请尽快回访")),
            body=notices.with_case(
                gettext_noop(
                    "%(case)s。诉求人尚未评价，%(due)s 将自动办结，请尽快电话或上门回访。"
                ),
                case,
                due=deadlines.local_stamp(due, year=True),
            ),
            key=f"visit_warn:{due.isoformat()}",
        )
    return True


def sweep_visit_warnings(now: dt.datetime) -> int:
    """Resolved cases nobody rated, a day before they close by themselves (`sweep_auto_close`):
    the staff who may record the return visit are told, once per round."""
    due = visit_warning_candidates(now).select_related("compound", "dispatched_by")
    return _each(due[:BATCH], lambda case: _warn_visit_one(case, now))
