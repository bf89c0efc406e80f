"""S4: a breached case escalates one level (小区 → 社区 → 街道 → 职能部门 吹哨), exactly once per
breach, each level with its own deadline. Called by `sweeps.sweep_breaches`.

S3's response clock (签收 within `respond_minutes`): a missed one is recorded and announced, not
escalated (`case_flag_respond_breach`, called by `sweeps.sweep_respond_breaches`)."""

import datetime as dt

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext_noop

from gongzhi.cases import deadlines, event_notes, sla
from gongzhi.cases.choices import (  # UNNAMED_DEPARTMENT: importable from here as before
    UNNAMED_DEPARTMENT,
    Level,
    next_level,
)
from gongzhi.cases.models import RESPOND_UNFLAGGED, Case, CaseEvent, EventKind, RoutingRule
from gongzhi.cases.pending_requests import extension_request
from gongzhi.cases.services import notice_answers, notices
from gongzhi.cases.services.moves import move
from gongzhi.cases.workflow import CLOCK_STATUSES, Action, Status, check_move
from gongzhi.core import audit
from gongzhi.core.notifications.texts import Text, label
from gongzhi.org.models import User


def breach_text(level: str) -> Text:
    """The SLA_BREACHED event's note, in each reader's language (event_notes)."""
    return Text(gettext_noop("超过办理期限（%(level)s层级）"), level=label(Level(level).label))


def escalation_text(level: str, department: str) -> Text:
    """The ESCALATED event's note: the level the case went to, and its department if any."""
    to = label(Level(level).label)
    if department:
        return Text(
            gettext_noop("升级至%(level)s办理（%(department)s）"),
            level=to,
            department=event_notes.department(department),
        )
    return Text(gettext_noop("升级至%(level)s办理"), level=to)


@transaction.atomic
def case_escalate(*, case: Case, now: dt.datetime) -> bool:
    """Flag the breach of the current deadline and hand the case one level up.

    Returns False when another runner (or an earlier run) already handled this deadline, or a
    person changed the case since the sweep read it (the next pass reads it afresh): the
    compare-and-swap on (status, version, due_at, breached_at IS NULL) lets exactly one runner
    win. Both steps bump `version`, so a form or service still holding the case as it was
    before the escalation gets CaseChanged instead of writing over the new level's deadline.
    """
    if case.status not in CLOCK_STATUSES or case.due_at is None or case.due_at > now:
        return False
    check_move(case.status, Action.ESCALATE)
    won = Case.objects.filter(
        pk=case.pk,
        status=case.status,
        version=case.version,
        due_at=case.due_at,
        breached_at__isnull=True,
    ).update(
        breached_at=now,
        breach_count=F("breach_count") + 1,
        version=F("version") + 1,
        updated_at=now,
    )
    if not won:
        return False
    case.breached_at, case.breach_count = now, case.breach_count + 1
    case.version += 1
    old_level = case.assigned_level or Level.COMPOUND
    note, words = event_notes.written(breach_text(old_level))
    CaseEvent.objects.create(
        case=case,
        kind=EventKind.SLA_BREACHED,
        old_status=case.status,
        new_status=case.status,
        note=note,
        payload={"due_at": case.due_at.isoformat(), "level": old_level, **words},
        created_at=now,
    )
    level = next_level(old_level)
    if level is None:
        # Nobody above a department: the breach stays flagged for the street's dashboard.
        detail = {"number": case.number, "due_at": case.due_at.isoformat(), "from": old_level}
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
        department = _department_for(case)
    old_due = case.due_at
    lapsed = extension_request(case)  # the late party's 申请延期 is not the new level's
    note, words = event_notes.written(escalation_text(level, department))
    move(
        case,
        action=Action.ESCALATE,
        actor=None,
        kind=EventKind.ESCALATED,
        note=note,
        payload={
            "from": old_level,
            "to": level,
            "due_at": window.due_at.isoformat(),
            # The requester's timeline names where it went (ui_selectors).
            "department": department if level == Level.DEPARTMENT else "",
            **words,
        },
        updates={
            "assigned_level": level,
            "assigned_department": department,
            "assigned_user": None,
            "escalation_level": case.escalation_level + 1,
            "clock_started_at": now,
            "due_at": window.due_at,
            "warn_at": window.warn_at,
            "warned_at": None,
            "breached_at": None,
            "extension_requested_days": 0,
        },
        now=now,
    )
    notices.send(
        notices.handlers(case) + notices.supervisors(case),
        case=case,
        kind="case.escalated",
        title=Text(gettext_noop("诉求超时，已升级至%(level)s"), level=label(Level(level).label)),
        body=notices.with_case(
            gettext_noop("%(case)s。升级后的办理期限 %(due)s，请尽快办理。"),
            case,
            due=deadlines.local_stamp(window.due_at, year=True),
        ),
        key=f"escalated:{old_due.isoformat()}",
    )
    if lapsed:
        _tell_extension_lapsed(case, lapsed, level, old_due)
        notice_answers.extension_answered(case)
    _tell_requester(case, level, department, old_due)
    return True


def _department_for(case: Case) -> str:
    """The department a case escalated past the street goes to (吹哨): its compound's routing
    rule for the category, else the street's default rule, as `suggest_assignee` reads them;
    else one the street names by 改派."""
    department = (
        RoutingRule.objects.filter(
            Q(compound=case.compound_id) | Q(compound__isnull=True), category=case.category
        )
        .exclude(department="")
        .order_by(F("compound").asc(nulls_last=True), "id")
        .values_list("department", flat=True)
        .first()
    )
    return department or UNNAMED_DEPARTMENT


def _tell_extension_lapsed(case: Case, request: dict, level: str, old_due: dt.datetime) -> None:
    """Whoever asked for the 申请延期 pending at the breach hears that it lapsed: the deadline
    it would have moved is gone, and the level the case went to sets its own (`policies`: the
    late company may no longer delay the work)."""
    asked = User.objects.filter(pk=request["by"]) if request["by"] else User.objects.none()
    notices.send(
        list(asked),
        case=case,
        kind="case.extended",
        title=Text(gettext_noop("诉求已超时升级，延期申请已失效")),
        body=notices.with_case(
            gettext_noop(
                "%(case)s。诉求已升级至%(level)s办理，尚未审批的延期申请（%(days)s 天）随之失效。"
            ),
            case,
            level=label(Level(level).label),
            days=request["days"],
        ),
        key=f"extension_lapsed:{old_due.isoformat()}",
    )


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


def _handling_party(case: Case) -> str | Text:
    """Who was to sign for the case: the company by its name, else the level (translated for
    each reader) and its department."""
    if case.assigned_company_id:
        return case.assigned_company.name
    level = label(Level(case.assigned_level).label) if case.assigned_level else ""
    if case.assigned_department:
        return Text(
            gettext_noop("%(level)s（%(department)s）"),
            level=level,
            department=event_notes.department(case.assigned_department),
        )
    return level


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
    late = Text(gettext_noop("超过签收期限（%(due)s）未签收"), due=deadlines.local_stamp(due))
    if party:
        late = Text(gettext_noop("%(late)s：%(party)s"), late=late, party=party)
    note, words = event_notes.written(late)
    CaseEvent.objects.create(
        case=case,
        kind=EventKind.RESPOND_BREACHED,
        old_status=case.status,
        new_status=case.status,
        note=note,
        payload={
            "respond_due_at": due.isoformat(),
            "level": case.assigned_level,
            "company": case.assigned_company_id,
            **words,
        },
        created_at=now,
    )
    key = f"respond_breach:{due.isoformat()}"  # per 签收 deadline; one notice per person
    due_text = deadlines.local_stamp(due, year=True)
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
