"""Periodic SLA sweeps (S3/S4/S5), each `f(now) -> int` and idempotent by compare-and-swap.

Each sweep selects only the cases whose assess_due_at, warn_at, respond_due_at, due_at or
visit_due_at has passed (or, for the warning before a 签收 deadline, is near), through the partial
indexes on Case, so its cost follows the number of due cases, not all cases.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import BooleanField, QuerySet
from django.utils.translation import gettext_noop

from gongzhi.cases import deadlines, event_notes, sla
from gongzhi.cases.models import RESPOND_UNFLAGGED, Case, CaseEvent, EventKind, SlaPolicy
from gongzhi.cases.querysets import InClock, _InlineSQL, _literals
from gongzhi.cases.services import notices
from gongzhi.cases.services.escalation import case_escalate, case_flag_respond_breach
from gongzhi.cases.sweep_runs import BATCH, MINUTE, Tally, _each, _tally, logger  # noqa: F401
from gongzhi.cases.triage_link import record_suggestion
from gongzhi.cases.visit_sweeps import (  # noqa: F401 - the scheduler's and the tests' names
    VISIT_WARNING_LEAD,
    sweep_auto_close,
    sweep_visit_warnings,
    visit_warning_candidates,
    visit_warning_recipients,
)
from gongzhi.cases.workflow import AWAITING_DESK, Status
from gongzhi.core.notifications.texts import Text


def _warn_one(case: Case, now: dt.datetime) -> bool:
    with transaction.atomic():
        won = Case.objects.filter(
            pk=case.pk, status=case.status, due_at=case.due_at, warned_at__isnull=True
        ).update(warned_at=now)
        if not won:
            return False
        note, words = event_notes.written(Text(gettext_noop("即将超过办理期限")))
        CaseEvent.objects.create(
            case=case,
            kind=EventKind.SLA_WARNED,
            old_status=case.status,
            new_status=case.status,
            note=note,
            payload={"due_at": case.due_at.isoformat(), **words},
            created_at=now,
        )
        notices.send(
            notices.handlers(case),
            case=case,
            kind="case.deadline_warning",
            title=Text(gettext_noop("诉求即将超时，请尽快办理")),
            body=notices.with_case(
                gettext_noop("%(case)s。%(limit)s %(due)s（剩余约 %(hours)s 小时）。"),
                case,
                limit=Text(gettext_noop("办理期限")),
                due=deadlines.local_stamp(case.due_at, year=True),
                hours=max(round((case.due_at - now).total_seconds() / 3600), 1),
            ),
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
    return _each(due[:BATCH], lambda case: _warn_one(case, now))


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


def _warn_once(
    case: Case,
    now: dt.datetime,
    *,
    claim: dict[str, Any],
    flag: str,
    due: dt.datetime,
    limit: str,
    recipients: Callable[[Case], list[Any]],
    title: str,
    key: str,
) -> bool:
    """One warning that a deadline (`due`, named `limit`: 签收期限, 研判期限) is near: the
    `limit` and `title` are message ids (gettext_noop), read in each recipient's language; the
    compare-and-swap on `claim` (the case still waiting for that step, same deadline) with
    `flag` unset lets exactly one runner win; then an event and the notices."""
    with transaction.atomic():
        if not Case.objects.filter(pk=case.pk, **claim, **{flag: None}).update(**{flag: now}):
            return False
        note, words = event_notes.written(
            Text(
                gettext_noop("即将超过%(limit)s（%(due)s）"),
                limit=Text(limit),
                due=deadlines.local_stamp(due),
            )
        )
        CaseEvent.objects.create(
            case=case,
            kind=EventKind.SLA_WARNED,
            old_status=case.status,
            new_status=case.status,
            note=note,
            payload={key: due.isoformat(), **words},
            created_at=now,
        )
        notices.send(
            recipients(case),
            case=case,
            kind="case.deadline_warning",
            title=Text(title),
            body=notices.with_case(
                gettext_noop("%(case)s。%(limit)s %(due)s。"),
                case,
                limit=Text(limit),
                due=deadlines.local_stamp(due, year=True),
            ),
            key=f"{key.removesuffix('_due_at')}_warn:{due.isoformat()}",
        )
    return True


def _warn_respond_one(case: Case, now: dt.datetime) -> bool:
    """The handlers hear that the 签收 deadline is near, once per deadline."""
    due = case.respond_due_at
    return _warn_once(
        case,
        now,
        claim={"status": Status.DISPATCHED, "respond_due_at": due},
        flag="respond_warned_at",
        due=due,
        limit=gettext_noop("签收期限"),
        recipients=notices.handlers,
        title=gettext_noop("诉求即将超过签收期限，请尽快签收"),
        key="respond_due_at",
    )


def sweep_respond_warnings(now: dt.datetime) -> int:
    """Warn the handlers once per 签收 deadline when `warn_percent` of the response window is
    left, as `sweep_warnings` does for the resolve deadline."""
    due = respond_warning_candidates(now).select_related("compound", "assigned_user")
    return _each(due[:BATCH], lambda case: _warn_respond_one(case, now))


def sweep_respond_breaches(now: dt.datetime) -> int:
    """Dispatched cases nobody signed for (签收) by respond_due_at: a 响应超时 event and notices,
    once per 签收 deadline; no escalation (see case_flag_respond_breach)."""
    due = respond_breach_candidates(now).select_related(
        "compound", "assigned_user", "assigned_company", "dispatched_by"
    )
    return _each(due[:BATCH], lambda case: case_flag_respond_breach(case=case, now=now))


class HeldByDesk(_InlineSQL):
    """`status IN (...)` of AWAITING_DESK (filed, assessed or handed back, not yet 交办) written
    as case_assess_due_idx writes it, so that SQLite reads that partial index."""

    columns = ("status",)
    sql = f"{{0}} IN ({_literals(sorted(AWAITING_DESK))})"
    output_field = BooleanField()
    conditional = True


def assess_breach_candidates(now: dt.datetime) -> QuerySet[Case]:
    """Served by the partial index case_assess_due_idx (held by the desk, deadline not yet
    flagged), earliest 研判 or 交办 deadline first."""
    return Case.objects.filter(
        HeldByDesk(), assess_breached_at__isnull=True, assess_due_at__lte=now
    ).order_by("assess_due_at", "id")


def assess_warning_candidates(now: dt.datetime) -> QuerySet[Case]:
    """Held by the desk, its 研判 or 交办 deadline ahead and its warning time (warn_at, set with
    the deadline) come, not warned yet: a range of case_assess_due_idx up to the longest lead
    of any class (the desk's window is the class's response window, `deadlines.respond_leads`)."""
    leads = deadlines.respond_leads()
    if not leads:
        return Case.objects.none()
    return Case.objects.filter(
        HeldByDesk(),
        assess_breached_at__isnull=True,
        assess_due_at__gt=now,
        assess_due_at__lte=now + max(leads),
        warn_at__lte=now,
        warned_at__isnull=True,
    ).order_by("assess_due_at", "id")


def _warn_assess_one(case: Case, now: dt.datetime) -> bool:
    """The community and street staff hear that the desk's deadline (研判, or 交办 of a case
    handed back) is near, once per deadline."""
    due = case.assess_due_at
    filed = case.status == Status.RECEIVED
    return _warn_once(
        case,
        now,
        claim={"status": case.status, "assess_due_at": due},
        flag="warned_at",
        due=due,
        limit=gettext_noop("研判期限") if filed else gettext_noop("交办期限"),
        recipients=notices.supervisors,
        title=(
            gettext_noop("诉求即将超过研判时限，请尽快研判交办")
            if filed
            else gettext_noop("诉求即将超过交办时限，请尽快重新交办")
        ),
        key="assess_due_at",
    )


def sweep_assess_warnings(now: dt.datetime) -> int:
    """Warn the staff over the compound once per 研判 deadline when its warning time has come."""
    due = assess_warning_candidates(now).select_related("compound")
    return _each(due[:BATCH], lambda case: _warn_assess_one(case, now))


def _window(minutes: float) -> Text:
    """The 研判 window in words, in each reader's language: "15分钟", "2小时", "15天"."""
    minutes = round(minutes)
    if minutes >= 24 * 60 and minutes % (24 * 60) == 0:
        return Text(gettext_noop("%(n)s天"), n=minutes // (24 * 60))
    if minutes >= 60 and minutes % 60 == 0:
        return Text(gettext_noop("%(n)s小时"), n=minutes // 60)
    return Text(gettext_noop("%(n)s分钟"), n=minutes)


def _flag_assess_one(case: Case, now: dt.datetime, windows: dict[str, int]) -> bool:
    """A case the desk held past assess_due_at: one 研判超时 event (filed, not assessed) or
    交办超时 event (handed back by 退单 or 重办, not handed over again), and the community and
    street staff over it are told (urgently when it is pressing, notices.ACTION_KINDS); exactly
    once per deadline, by compare-and-swap on (same status and deadline, not yet flagged).
    研判 from 受理, 交办 and merging stop the clock; 退单 and 重办 start a new one."""
    due = case.assess_due_at
    with transaction.atomic():
        won = Case.objects.filter(
            pk=case.pk, status=case.status, assess_due_at=due, assess_breached_at=None
        ).update(assess_breached_at=now, updated_at=now)
        if not won:
            return False
        case.assess_breached_at = now
        minutes = windows.get(sla.provisional_class(case))  # the class's response window
        window = _window(minutes if minutes else (due - case.created_at) / MINUTE)
        if case.status == Status.RECEIVED:
            kind = EventKind.ASSESS_OVERDUE
            note = gettext_noop("受理后超过研判时限（%(window)s，%(due)s）仍未研判")
            title = gettext_noop("诉求超过研判时限仍未研判，请尽快研判交办")
            body = gettext_noop(
                "诉求 %(number)s 受理已超过研判时限（%(window)s），尚未研判，请尽快研判交办。"
                "研判期限 %(due)s。"
            )
        else:
            kind = EventKind.DISPATCH_OVERDUE
            note = gettext_noop("退单或重办后超过交办时限（%(window)s，%(due)s）仍未重新交办")
            title = gettext_noop("诉求退单或重办后超过交办时限，请尽快重新交办")
            body = gettext_noop(
                "诉求 %(number)s 退单或重办后已超过交办时限（%(window)s），尚未重新交办，"
                "请尽快交办。交办期限 %(due)s。"
            )
        note, words = event_notes.written(Text(note, window=window, due=deadlines.local_stamp(due)))
        CaseEvent.objects.create(
            case=case,
            kind=kind,
            old_status=case.status,
            new_status=case.status,
            note=note,
            payload={"assess_due_at": due.isoformat(), **words},
            created_at=now,
        )
        notices.send(
            notices.supervisors(case),
            case=case,
            kind=f"case.{kind}",
            title=Text(title),
            body=Text(
                body, number=case.number, window=window, due=deadlines.local_stamp(due, year=True)
            ),
            key=f"{kind}:{due.isoformat()}",
        )
    return True


def sweep_assess_breaches(now: dt.datetime) -> int:
    """Cases the desk held past assess_due_at (研判 or 交办): a 研判超时 or 交办超时 event and
    notices to the community workers and street officers over the compound, once per deadline."""
    due = list(assess_breach_candidates(now).select_related("compound")[:BATCH])
    if not due:
        return 0
    windows = dict(SlaPolicy.objects.values_list("code", "respond_minutes"))  # once a pass
    return _each(due, lambda case: _flag_assess_one(case, now, windows))


def sweep_breaches(now: dt.datetime) -> int:
    """Breached cases escalate one level, exactly once per breach."""
    due = breach_candidates(now).select_related("compound")
    return _each(due[:BATCH], lambda case: case_escalate(case=case, now=now))


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
    return _each(missing[:100], lambda case: record_suggestion(case) is not None)


# The sweeps of run_all in order, with the name the scheduler prints for each.
RUN_ALL = (
    ("AI研判建议", sweep_missing_suggestions),
    ("研判预警", sweep_assess_warnings),
    ("研判超时", sweep_assess_breaches),
    ("到期预警", sweep_warnings),
    ("签收预警", sweep_respond_warnings),
    ("签收超时", sweep_respond_breaches),
    ("超时升级", sweep_breaches),
    ("回访预警", sweep_visit_warnings),
    ("自动办结", sweep_auto_close),
)


def run_all(now: dt.datetime) -> int:
    """The one entry in settings.GONGZHI_SWEEPS: every sweep runs even when another raised
    (logged with its name and counted in `failures`), so one broken case or sweep cannot
    hold back the rest. Returns the total handled, a `Tally` with each sweep's count."""
    # The AI reads new cases first: the class it reads sets their 研判 deadline.
    total = failures = 0
    parts: list[tuple[str, int | None, int]] = []
    for name, sweep in RUN_ALL:
        try:
            count = sweep(now)
        except Exception:
            logger.exception("sweep %s failed", sweep.__name__)
            failures += 1
            parts.append((name, None, 1))
            continue
        total += count
        failures += getattr(count, "failures", 0)
        parts.append((name, int(count), getattr(count, "failures", 0)))
    return _tally(total, failures, tuple(parts))
