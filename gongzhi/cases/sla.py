"""SLA deadlines (S3) from the street-editable `SlaPolicy` rows and the working-day calendar."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gongzhi.cases.choices import DEFAULT_SLA_CLASS, Channel, SlaClass
from gongzhi.cases.models import Case, CaseEvent, EventKind, SlaPolicy
from gongzhi.cases.workflow import Status
from gongzhi.core.calendar import WorkingCalendar, add_clock_hours


@dataclass(frozen=True)
class Window:
    """One deadline window: when it started, when to warn, when it ends."""

    started_at: dt.datetime
    warn_at: dt.datetime
    due_at: dt.datetime


def policy_for(sla_class: str) -> SlaPolicy:
    try:
        return SlaPolicy.objects.get(code=sla_class)
    except SlaPolicy.DoesNotExist:
        raise ValidationError({"sla_class": _("未配置该时限类别的办理时限")}) from None


def warn_time(start: dt.datetime, due: dt.datetime, policy: SlaPolicy) -> dt.datetime:
    """Warn when `warn_percent` of the window is left (20 % of 24 h: 4.8 h before the end)."""
    return due - (due - start) * policy.warn_percent / 100


def resolve_window(policy: SlaPolicy, start: dt.datetime, calendar: WorkingCalendar | None = None):
    """The resolve deadline of a freshly dispatched case: clock hours or working days."""
    if policy.clock == SlaPolicy.Clock.WORKING_DAYS:
        calendar = calendar or WorkingCalendar()
        due = calendar.add_working_days(start, policy.resolve_working_days)
    else:
        due = add_clock_hours(start, policy.resolve_hours)
    return Window(start, warn_time(start, due, policy), due)


def default_class(*, channel: str, category: str, suggested: str = "") -> str:
    """The SLA class a case is suggested and its 研判 defaults to (S3); the assessor may change
    it. An emergency sign the AI read (燃气味, 电梯困人) first, never downgraded unseen; then a
    petition (阳光信访) is 信访类 whatever its subject; then the AI's class (`suggested`), else
    the category's usual class, else 一般类."""
    if suggested == SlaClass.EMERGENCY:
        return SlaClass.EMERGENCY
    if channel == Channel.PETITION:
        return SlaClass.PETITION
    if suggested in SlaClass.values:
        return suggested
    return DEFAULT_SLA_CLASS.get(category, SlaClass.GENERAL)


def provisional_class(case: Case) -> str:
    """The class a case's clock runs by: its own from 研判, else the one 研判 defaults to
    (`default_class`, with the AI's suggested class if it has one). Before 研判 it stands in
    for the class a person will set (the 研判 deadline, notices.is_pressing)."""
    if case.sla_class:
        return case.sla_class
    suggestion = case.suggestion if isinstance(case.suggestion, dict) else {}
    suggested = suggestion.get("sla_class")
    return default_class(
        channel=case.channel,
        category=case.category,
        suggested=suggested if isinstance(suggested, str) else "",
    )


_POLICIES_READ = "_sla_policies_read"  # {class code: SlaPolicy or None} on one case object


def provisional_policy(case: Case) -> SlaPolicy | None:
    """The `SlaPolicy` row of the case's `provisional_class`, or None without one. Read once
    per case object (a filing reads it for the 研判 deadline, then for its notices' urgency,
    `notices.runs_through_the_night`): a memo on the object, which lives one request or one
    sweep's step, so a street's edit of the policies applies from the next one."""
    code = provisional_class(case)
    read = case.__dict__.setdefault(_POLICIES_READ, {})
    if code not in read:
        read[code] = SlaPolicy.objects.filter(code=code).first()
    return read[code]


def assess_window(case: Case, arrived: dt.datetime | None = None) -> Window | None:
    """研判期限 of a case being filed: 受理 (`created_at`) plus the `respond_minutes` of its
    provisional class (物业类 15 minutes, 信访类 15 days: S3's 受理 deadline), in clock
    minutes, warned when `warn_percent` of it is left (as the 签收 deadline of that class).
    Counted from `arrived` instead when the case reached the street later than it was received
    (a hotline order imported the next day): nobody could assess it before.
    None for a merged repeat (S6: no new clock) or a class without a policy row."""
    if case.status == Status.MERGED:
        return None
    policy = provisional_policy(case)
    if policy is None:
        return None
    start = max(case.created_at, arrived) if arrived else case.created_at
    due = start + dt.timedelta(minutes=policy.respond_minutes)
    return Window(start, warn_time(start, due, policy), due)


def redispatch_window(case: Case, start: dt.datetime) -> Window | None:
    """交办期限 of a case handed back to the desk (退单, 重办) at `start`: the `respond_minutes` of
    its class, as its first 研判 had, warned alike. None for a class without a policy row."""
    policy = SlaPolicy.objects.filter(code=provisional_class(case)).first()
    if policy is None:
        return None
    due = start + dt.timedelta(minutes=policy.respond_minutes)
    return Window(start, warn_time(start, due, policy), due)


def redispatch_clock(case: Case, start: dt.datetime) -> dict[str, Any]:
    """The column updates that start a handed-back case's 交办 deadline (`redispatch_window`)."""
    window = redispatch_window(case, start)
    return {
        "assess_due_at": window.due_at if window else None,
        "assess_breached_at": None,
        "warn_at": window.warn_at if window else None,
        "warned_at": None,
    }


def petition_extensions(case: Case) -> tuple[int, dt.datetime | None]:
    """The 延期 granted while `case` was 信访类, over its whole life (every round, every party):
    how many, and the latest deadline one of them set. Read from the event log, as the case's
    `extension_count` restarts whenever it is handed over in another class."""
    count, until, petition = 0, None, False
    events = CaseEvent.objects.filter(
        case=case, kind__in=[EventKind.ASSESSED, EventKind.EXTENDED]
    ).order_by("created_at", "id")
    for kind, payload in events.values_list("kind", "payload"):
        if kind == EventKind.ASSESSED:
            if "sla_class" in payload:  # not the note of an overridden AI suggestion
                petition = payload["sla_class"] == SlaClass.PETITION
        elif petition and payload.get("to"):
            count += 1
            to = dt.datetime.fromisoformat(payload["to"])
            until = to if until is None else max(until, to)
    return count, until


def conclude_window(case: Case, policy: SlaPolicy, now: dt.datetime) -> Window:
    """The resolve window a 交办 or 改派 gives. 信访类 (S3: conclude <= 60 days, +30 once) counts
    from 受理 (`created_at`), not from the hand-over, and keeps the extension granted before: a
    re-dispatched or reopened petition gets no new 60 days (its deadline may have passed).
    Every other class starts afresh at `now`."""
    if case.sla_class != SlaClass.PETITION:
        return resolve_window(policy, now)
    start = case.created_at
    window = resolve_window(policy, start)
    _, until = petition_extensions(case)
    if until is not None and until > window.due_at:
        window = Window(start, warn_time(start, until, policy), until)
    return window


def may_extend_again(case: Case, policy: SlaPolicy) -> bool:
    """Whether the class allows one more 延期 now: `extension_count` holds this round's (a
    petition's: its whole life's, see `extensions_kept`) against the policy's limit."""
    return case.extension_count < policy.max_extensions


def extensions_kept(case: Case) -> int:
    """The extensions a hand-over leaves on the case: 信访类 counts them for its whole life;
    any other class gets its own allowance with each new party (0)."""
    return petition_extensions(case)[0] if case.sla_class == SlaClass.PETITION else 0


def respond_due(policy: SlaPolicy, start: dt.datetime) -> dt.datetime:
    return start + dt.timedelta(minutes=policy.respond_minutes)


def escalation_window(
    policy: SlaPolicy, start: dt.datetime, calendar: WorkingCalendar | None = None
) -> Window:
    """The next level's own deadline (S4) on the class's own clock: a working-day class counts
    `escalation_working_days` (start day not counted, to 23:59:59 of the N-th working day), any
    other `escalation_hours` clock hours."""
    if policy.clock == SlaPolicy.Clock.WORKING_DAYS:
        calendar = calendar or WorkingCalendar()
        due = calendar.add_working_days(start, policy.escalation_working_days)
    else:
        due = add_clock_hours(start, policy.escalation_hours)
    return Window(start, warn_time(start, due, policy), due)


def extension_limit(policy: SlaPolicy, due_at: dt.datetime) -> dt.datetime:
    return due_at + dt.timedelta(days=policy.extension_days)


def ensure_default_policies() -> None:
    """Create any missing default policy (S3) exactly as the data migrations do (0002's rows
    with 0021's escalation working days).

    Used where the rows may be gone: benchmark seeding on a database whose policies were
    deleted, and tests after a transactional flush.
    """
    import importlib

    from django.apps import apps

    migration = importlib.import_module("gongzhi.cases.migrations.0021_sla_escalation_working_days")
    migration.create_defaults(apps, None)
