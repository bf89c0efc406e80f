"""已超时 and 即将超时 as the work queue, the case page and the sweeps read them: from a case's
deadlines, not from the sweeps' flags, so that they are right before the scheduler has run.

A case has three clocks (S3): the desk's (assess_due_at) while it is filed and not assessed
(研判期限), or handed back by 退单 or 重办 and not handed over again (交办期限); the 签收
(respond_due_at) while it is 交办 and not signed for; and the resolve deadline (due_at) while it
is in work. All three count for late and for due soon.
"""

import datetime as dt
from collections import defaultdict
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Case as Choose
from django.db.models import F, Q, When
from django.utils import timezone

from gongzhi.cases.models import Case, SlaPolicy
from gongzhi.cases.querysets import InClock
from gongzhi.cases.workflow import AWAITING_DESK, CLOCK_STATUSES, Status
from gongzhi.core.calendar import local_zone

# The statuses in which a case can be 已超时: in work (CLOCK_STATUSES), or held by the desk.
LATE_STATUSES = CLOCK_STATUSES | AWAITING_DESK
_DESK = sorted(AWAITING_DESK)


def local_stamp(when: dt.datetime, *, year: bool = False) -> str:
    """A deadline as the timeline's notes write it, on the platform's clock (Asia/Shanghai):
    "05-12 17:30", or "2026-05-12 17:30" with `year`. The same in every language."""
    local = timezone.localtime(when, local_zone())
    return f"{local:%Y-%m-%d %H:%M}" if year else f"{local:%m-%d %H:%M}"


def unassessed_late_q(now: Any) -> Q:
    """Held by the desk past its deadline (assess_due_at): filed (受理) and not assessed (研判),
    or handed back (退单, 重办) and not handed over again (交办). Other cases it holds have none."""
    return Q(status__in=_DESK, assess_due_at__lt=now)


def overdue_q(now: Any) -> Q:
    """已超时, as the clock shows it red (cases_ui.sla_clock): past the case's deadline, or 交办
    and not signed for (签收) past the response deadline, or not assessed past the 研判 one."""
    late = Q(due_at__lt=now) | Q(status=Status.DISPATCHED, respond_due_at__lt=now)
    return (Q(status__in=sorted(CLOCK_STATUSES)) & late) | unassessed_late_q(now)


def is_late(
    status: str, due_at: Any, respond_due_at: Any, now: Any, assess_due_at: Any = None
) -> bool:
    """`overdue_q` for one case's columns (a case in hand, or a row of a capped read)."""
    if status in AWAITING_DESK:
        return assess_due_at is not None and assess_due_at < now
    if status not in CLOCK_STATUSES:
        return False
    if due_at is not None and due_at < now:
        return True
    return status == Status.DISPATCHED and respond_due_at is not None and respond_due_at < now


def is_overdue(case: Case, now: Any) -> bool:
    """`overdue_q` for one case in hand (the case page, the API's case detail)."""
    return is_late(case.status, case.due_at, case.respond_due_at, now, case.assess_due_at)


def late_since(now: Any) -> Choose:
    """The deadline an overdue case (`overdue_q`) missed: 办理期限, else the desk's (研判 or
    交办) deadline of a case the desk holds, else the 签收 one."""
    return Choose(
        When(due_at__lt=now, then=F("due_at")),
        When(status__in=_DESK, then=F("assess_due_at")),
        default=F("respond_due_at"),
    )


def overdue_halves(now: Any) -> tuple[Q, Q, Q]:
    """`overdue_q` as disjoint parts, counted one after the other: past the deadline; not yet
    but 交办 and not signed for in time; or held by the desk past its deadline. Each is a range of
    case_active_scope_idx (compound, status, due_at; assess_due_at is in it too), so a count
    reads only the overdue cases, where the one OR reads every running case in scope."""
    past_due = Q(status__in=sorted(CLOCK_STATUSES), due_at__lt=now)
    unsigned = Q(status=Status.DISPATCHED, due_at__gte=now, respond_due_at__lt=now)
    return (past_due, unsigned, unassessed_late_q(now))


def resolve_soon_q(now: Any) -> Q:
    """The resolve deadline is still ahead and its warning time (warn_at) has come. A deadline
    still ahead is never breached yet (every new due_at clears breached_at): so the not-yet-due
    cases are read from case_open_due_idx, not every open case."""
    return Q(InClock(), breached_at__isnull=True, due_at__gte=now, warn_at__lte=now)


def respond_leads() -> dict[dt.timedelta, list[str]]:
    """How long before its 签收 deadline a case of each SLA class is due soon, as its resolve
    deadline is: when `warn_percent` of the response window (`respond_minutes`) is left. Read
    from the policies in force (one small query); classes with the same lead share an entry."""
    leads: dict[dt.timedelta, list[str]] = defaultdict(list)
    for code, minutes, percent in SlaPolicy.objects.values_list(
        "code", "respond_minutes", "warn_percent"
    ).order_by("code"):
        leads[dt.timedelta(minutes=minutes * percent / 100)].append(code)
    return dict(leads)


def within_lead_q(now: Any, leads: dict[dt.timedelta, list[str]]) -> Q:
    """The 签收 deadline is at most its class's lead (`respond_leads`) away."""
    if not leads:
        return Q(pk__in=[])
    return reduce(
        or_,
        (Q(sla_class__in=codes, respond_due_at__lte=now + lead) for lead, codes in leads.items()),
    )


def respond_soon_q(now: Any, leads: dict[dt.timedelta, list[str]] | None = None) -> Q:
    """交办, not signed for, and its 签收 deadline still ahead but within its class's lead.
    Every column is in the queue's covering indexes (status, sla_class, respond_due_at), so
    counts and pages still read no table row."""
    leads = respond_leads() if leads is None else leads
    within = within_lead_q(now, leads)
    return Q(status=Status.DISPATCHED, respond_due_at__gte=now) & within


def assess_soon_q(now: Any) -> Q:
    """Held by the desk, its deadline (研判 or 交办) still ahead and its warning time (warn_at,
    set with the deadline from the class's lead) come. Disjoint from the other two (statuses)."""
    return Q(status__in=_DESK, assess_due_at__gte=now, warn_at__lte=now)


def due_soon_q(now: Any) -> Q:
    """即将超时: the running deadline (研判, 签收 or the resolve one) is near, not yet passed."""
    return resolve_soon_q(now) | respond_soon_q(now) | assess_soon_q(now)


def due_soon_halves(now: Any) -> tuple[Q, Q, Q]:
    """`due_soon_q` as disjoint parts (as `overdue_halves`, for the counts): the resolve
    deadline is near; or not that, but the 签收 deadline is (a range of the dispatched cases);
    or the desk's deadline of a case it holds."""
    resolve_soon = resolve_soon_q(now)
    return (resolve_soon, respond_soon_q(now) & ~resolve_soon, assess_soon_q(now))
