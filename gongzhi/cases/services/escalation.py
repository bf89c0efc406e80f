"""S4: a breached case escalates one level (小区 → 社区 → 街道 → 职能部门 吹哨), exactly once per
breach, each level with its own deadline. Called by `sweeps.sweep_breaches`.

S3's response clock (签收 within `respond_minutes`): a missed one is recorded and announced, not
escalated (`case_flag_respond_breach`, called by `sweeps.sweep_respond_breaches`)."""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_noop

from gongzhi.cases import sla
from gongzhi.cases.choices import (  # UNNAMED_DEPARTMENT: importable from here as before
    UNNAMED_DEPARTMENT,
    Level,
    next_level,
    source_label,
)
from gongzhi.cases.models import RESPOND_UNFLAGGED, Case, CaseEvent, EventKind, RoutingRule
from gongzhi.cases.services import notices
from gongzhi.cases.workflow import CLOCK_STATUSES, Action, Status, check_move
from gongzhi.core import audit
from gongzhi.core.calendar import local_zone
from gongzhi.core.notifications.texts import Text, label


def breach_note(level: str) -> str:
    """The SLA_BREACHED event's note (stored text: Chinese in any language)."""
    return f"超过办理期限（{source_label(Level(level).label)}层级）"


def escalation_note(level: str, department: str) -> str:
    """The ESCALATED event's note: the level the case went to, and its department if any."""
    note = f"升级至{source_label(Level(level).label)}办理"
    return note + (f"（{department}）" if department else "")


@transaction.atomic
def case_escalate(*, case: Case, now: dt.datetime) -> bool:
    """Flag the breach of the current deadline and hand the case one level up.

    Returns False when another runner (or an earlier run) already handled this deadline: the
    compare-and-swap on (status, due_at, breached_at IS NULL) lets exactly one runner win.
    """
    if case.status not in CLOCK_STATUSES or case.due_at is None or case.due_at > now:
        return False
    check_move(case.status, Action.ESCALATE)
    won = Case.objects.filter(
        pk=case.pk, status=case.status, due_at=case.due_at, breached_at__isnull=True
    ).update(breached_at=now, breach_count=F("breach_count") + 1, updated_at=now)
    if not won:
        return False
    old_level = case.assigned_level or Level.COMPOUND
    CaseEvent.objects.create(
        case=case,
        kind=EventKind.SLA_BREACHED,
        old_status=case.status,
        new_status=case.status,
        note=breach_note(old_level),
        payload={"due_at": case.due_at.isoformat(), "level": old_level},
        created_at=now,
    )
    level = next_level(old_level)
    detail = {"number": case.number, "due_at": case.due_at.isoformat(), "from": old_level}
    if level is None:
        # Nobody above a department: the breach stays flagged for the street's dashboard.
        audit.record(action="case.sla_breach", obj=case, detail=detail)
        notices.send(
            notices.supervisors(case),
            case=case,
            kind="case.escalated",
            title=Text(gettext_noop("诉求已超时（已吹哨至职能部门）")),
            key=f"breach:{case.due_at.isoformat()}",
        )
        return True
    policy = sla.policy_for(case.sla_class)
    window = sla.escalation_window(policy, now)
    department = case.assigned_department
    if level == Level.DEPARTMENT and not department:
        rule = RoutingRule.objects.filter(category=case.category).exclude(department="").first()
        department = rule.department if rule else UNNAMED_DEPARTMENT
    old_due = case.due_at
    Case.objects.filter(pk=case.pk).update(
        assigned_level=level,
        assigned_department=department,
        assigned_user=None,
        escalation_level=F("escalation_level") + 1,
        clock_started_at=now,
        due_at=window.due_at,
        warn_at=window.warn_at,
        warned_at=None,
        breached_at=None,
        updated_at=now,
    )
    case.refresh_from_db()
    CaseEvent.objects.create(
        case=case,
        kind=EventKind.ESCALATED,
        old_status=case.status,
        new_status=case.status,
        note=escalation_note(level, department),
        payload={
            "from": old_level,
            "to": level,
            "due_at": window.due_at.isoformat(),
            # The requester's timeline names where it went (ui_selectors).
            "department": department if level == Level.DEPARTMENT else "",
        },
        created_at=now,
    )
    audit.record(action="case.escalate", obj=case, detail={**detail, "to": level})
    notices.send(
        notices.handlers(case) + notices.supervisors(case),
        case=case,
        kind="case.escalated",
        title=Text(gettext_noop("诉求超时，已升级至%(level)s"), level=label(Level(level).label)),
        body=notices.case_label(case),
        key=f"escalated:{old_due.isoformat()}",
    )
    _tell_requester(case, level, department, old_due)
    return True


def _tell_requester(case: Case, level: str, department: str, old_due: dt.datetime) -> None:
    """The requester hears where their case went, in plain words: the level, or a department
    by its name; nothing of the staff or of the late party. Their preferences apply (muted
    kinds, quiet hours: a resident is never woken for an urgent kind)."""
    where = notices.party_text(level, "", department)
    notices.tell_requester(
        case,
        kind="case.escalated",
        title=Text(gettext_noop("您的诉求已提级至%(where)s办理"), where=where),
        body=Text(
            gettext_noop("您的诉求（编号 %(number)s）已提级至%(where)s办理，请留意办理进度。"),
            number=case.number,
            where=where,
        ),
        key=f"escalated_requester:{old_due.isoformat()}",
    )


def _handling_party(case: Case) -> str:
    if case.assigned_company_id:
        return case.assigned_company.name
    level = source_label(Level(case.assigned_level).label) if case.assigned_level else ""
    return f"{level}（{case.assigned_department}）" if case.assigned_department else level


@transaction.atomic
def case_flag_respond_breach(*, case: Case, now: dt.datetime) -> bool:
    """A dispatched case nobody signed for (签收) by `respond_due_at`: one 响应超时 event, and the
    handling party and the dispatcher are told; once per 签收 deadline (a new 交办 sets a new one).

    No escalation and no change of deadline or party: S4 escalates on the breach of the case's
    own deadline (due_at), and S3's response deadline only measures how fast the party answered
    (the response rate, metrics.py). The case stays red in the queue until someone signs for it;
    if nobody has handled it by due_at, `case_escalate` hands it up as for any breach.

    Returns False when another runner (or an earlier run) already flagged this deadline: the
    compare-and-swap on (status, respond_due_at, not yet flagged) lets exactly one runner win.
    """
    due = case.respond_due_at
    if case.status != Status.DISPATCHED or due is None or due > now:
        return False
    won = Case.objects.filter(
        RESPOND_UNFLAGGED, pk=case.pk, status=Status.DISPATCHED, respond_due_at=due
    ).update(respond_breached_at=now, updated_at=now)
    if not won:
        return False
    case.respond_breached_at = now
    party = _handling_party(case)
    due_local = due.astimezone(local_zone())
    CaseEvent.objects.create(
        case=case,
        kind=EventKind.RESPOND_BREACHED,
        old_status=case.status,
        new_status=case.status,
        note=f"超过签收期限（{due_local:%m-%d %H:%M}）未签收" + (f"：{party}" if party else ""),
        payload={
            "respond_due_at": due.isoformat(),
            "level": case.assigned_level,
            "company": case.assigned_company_id,
        },
        created_at=now,
    )
    key = f"respond_breach:{due.isoformat()}"  # per 签收 deadline; one notice per person
    due_text = f"{due_local:%Y-%m-%d %H:%M}"
    notices.send(
        notices.handlers(case),
        case=case,
        kind="case.respond_overdue",
        title=Text(gettext_noop("诉求已超过签收期限，请立即签收")),
        body=notices.with_case(gettext_noop("%(case)s。签收期限 %(due)s。"), case, due=due_text),
        key=key,
    )
    notices.send(
        notices.dispatcher(case),
        case=case,
        kind="case.respond_overdue",
        title=Text(gettext_noop("交办的诉求超过签收期限仍未签收")),
        body=notices.with_case(
            gettext_noop("%(case)s。承办：%(party)s，签收期限 %(due)s。"),
            case,
            party=party or "—",
            due=due_text,
        ),
        key=key,
    )
    return True
