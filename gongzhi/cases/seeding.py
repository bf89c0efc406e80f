"""Realistic synthetic cases for benchmarks (`seed_scale`): texts from templates per category and
a lifecycle consistent with the workflow, the SLA policies and the event timeline.

Built for a million cases: the factory makes plain rows (dicts and tuples, no model instances)
that `seed_scale` writes with executemany (SQLite) or COPY (PostgreSQL). The history is left as
a running scheduler would have left it: past warnings and breaches recorded, unrated resolved
cases auto-closed; old cases are mostly finished, recent ones mostly open.
"""

import bisect
import datetime as dt
import functools
import itertools
import random
from typing import Any

from django.utils import timezone

from gongzhi.cases import event_notes, sla
from gongzhi.cases.choices import (
    DEFAULT_SLA_CLASS,
    CaseType,
    Channel,
    Level,
    RatingLevel,
    SlaClass,
    Urgency,
    next_level,
)
from gongzhi.cases.models import Case, EventKind, RoutingRule, SlaPolicy
from gongzhi.cases.requester_keys import phone_key
from gongzhi.cases.seeding_texts import (
    GIVEN,
    SETTLED_AT_ONCE,
    SURNAMES,
    TEMPLATES,
    assessed_urgency,
)
from gongzhi.cases.services.escalation import UNNAMED_DEPARTMENT, breach_text, escalation_text
from gongzhi.cases.workflow import CLOCK_STATUSES, OPEN_STATUSES, Status
from gongzhi.core.calendar import WorkingCalendar

SUPERVISION = "已超时限，请加快办理并及时反馈进度"
# The notes of a seeded 研判 warning and 研判超时.
ASSESS_SOON, ASSESS_LATE = "即将超过研判期限", "受理后超过研判时限仍未研判"
REDISPATCH_SOON, REDISPATCH_LATE = "即将超过交办期限", "退单或重办后超过交办时限仍未重新交办"
# 督办: the share of unfinished cases a supervisor flags, late ones far more often.
SUPERVISED_IF_LATE, SUPERVISED_OTHERWISE = 0.5, 0.02

CHANNEL_WEIGHTS = {
    Channel.HOTLINE_12345: 35,
    Channel.PROPERTY_HOTLINE: 20,
    Channel.ONLINE: 15,
    Channel.GRID_WORKER: 10,
    Channel.SENTINEL: 6,
    Channel.PATROL: 4,
    Channel.VISIT: 4,
    Channel.PHONE: 4,
    Channel.PETITION: 2,
    Channel.SUPERIOR: 2,
    Channel.AI_GRID: 2,
}
TYPE_WEIGHTS = {
    CaseType.HELP: 40,
    CaseType.COMPLAINT: 30,
    CaseType.CONSULTATION: 10,
    CaseType.SUGGESTION: 8,
    CaseType.REPORT: 6,
    CaseType.PRAISE: 3,
    CaseType.OTHER: 3,
}
# Statuses by age: the last few days mostly open, the last month mostly done, older cases
# almost all finished (about 2.5 % of a year's cases are open at any time).
RECENT = {Status.RECEIVED: 10, Status.ASSESSED: 8, Status.DISPATCHED: 15, Status.ACCEPTED: 15,
          Status.IN_PROGRESS: 25, Status.RESOLVED: 17, Status.CLOSED: 10}  # fmt: skip
MONTH = {Status.CLOSED: 80, Status.RESOLVED: 4, Status.IN_PROGRESS: 5, Status.TERMINATED: 3,
         Status.NOT_ACCEPTED: 2, Status.RETURNED: 1, Status.ACCEPTED: 2, Status.DISPATCHED: 1,
         Status.ASSESSED: 1, Status.RECEIVED: 1}  # fmt: skip
MATURE = {Status.CLOSED: 934, Status.TERMINATED: 30, Status.NOT_ACCEPTED: 20,
          Status.IN_PROGRESS: 8, Status.RETURNED: 3, Status.ACCEPTED: 3,
          Status.RESOLVED: 2}  # fmt: skip
ORDER = [Status.ASSESSED, Status.DISPATCHED, Status.ACCEPTED, Status.IN_PROGRESS,
         Status.RESOLVED, Status.CLOSED]  # fmt: skip
SATISFIED = [RatingLevel.VERY_SATISFIED, RatingLevel.SATISFIED, RatingLevel.BASIC]

# A case row: every column of Case but the id, defaults from the model (values as the database
# stores them: JSON as text). `case_columns()` fixes the order the rows are written in.
Row = dict[str, Any]
# kind, old status, new status, when[, note[, payload]]
Event = (
    tuple[str, str, str, dt.datetime]
    | tuple[str, str, str, dt.datetime, str]
    | tuple[str, str, str, dt.datetime, str, dict[str, Any]]
)


class _Weighted:
    """`rng.choices` without recomputing the cumulative weights on every call."""

    def __init__(self, weights: dict) -> None:
        self.values = list(weights)
        self.cumulative = list(itertools.accumulate(weights.values()))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random) -> str:
        return self.values[bisect.bisect(self.cumulative, rng.random() * self.total)]


def case_columns() -> list[str]:
    return [f.column for f in Case._meta.concrete_fields if not f.primary_key]


def _template() -> Row:
    row: Row = {}
    for f in Case._meta.concrete_fields:
        if f.primary_key:
            continue
        default = f.get_default()
        row[f.column] = "{}" if isinstance(default, dict) else default
    return row


def _iso(naive_utc: dt.datetime) -> str:
    """A datetime of the rows as the services write it into a payload."""
    return naive_utc.replace(tzinfo=dt.UTC).isoformat()


# The notes `case_escalate` writes (event_notes: the note in Chinese, its message in the
# payload, so the demo's timelines read in each reader's language); composed once per level
# and department, as seed_scale writes thousands of them. The payload entry is shared: read only.
@functools.cache
def _breach_note(level: str) -> tuple[str, dict[str, Any]]:
    return event_notes.written(breach_text(level))


@functools.cache
def _escalation_note(level: str, department: str) -> tuple[str, dict[str, Any]]:
    return event_notes.written(escalation_text(level, department))


def _reached(status: str, stage: str) -> bool:
    if status in (Status.TERMINATED, Status.RETURNED):
        return stage in (Status.ASSESSED, Status.DISPATCHED)
    return status in ORDER and ORDER.index(status) >= ORDER.index(stage)


class CaseFactory:
    """`draft(compound, created_at)` → (case row, events, rating or None); a rating is
    (level, resolved, exception reason, when)."""

    def __init__(self, rng: random.Random, now: dt.datetime, companies: dict[int, int]) -> None:
        """`now` and every datetime of the rows are naive UTC (cheap to compute and to write)."""
        self.rng, self.now, self.companies = rng, now, companies
        self.latest = now - dt.timedelta(minutes=1)
        self.policies = {p.code: p for p in SlaPolicy.objects.all()}
        # Where a case escalated past the street goes (吹哨), as `case_escalate` reads it.
        self.departments = dict(
            RoutingRule.objects.exclude(department="").values_list("category", "department")
        )
        self.calendar = WorkingCalendar()
        self.template = _template()
        self.channel, self.type = _Weighted(CHANNEL_WEIGHTS), _Weighted(TYPE_WEIGHTS)
        self.by_age = [_Weighted(RECENT), _Weighted(MONTH), _Weighted(MATURE)]
        self.categories = list(TEMPLATES)
        self._windows: dict[tuple[str, dt.date], dt.datetime] = {}

    def _at(self, start: dt.datetime, **delta: float) -> dt.datetime:
        return min(start + dt.timedelta(**delta), self.latest)

    def _window(self, policy: SlaPolicy, start: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        """(due_at, warn_at) as `sla.resolve_window` computes them, memoised per start day for
        working-day clocks (the deadline is the end of the N-th working day)."""
        if policy.clock == SlaPolicy.Clock.WORKING_DAYS:
            aware = start.replace(tzinfo=dt.UTC)
            key = (policy.code, timezone.localdate(aware))
            if key not in self._windows:  # the same end of day for every start that day
                due = sla.resolve_window(policy, aware, self.calendar).due_at
                self._windows[key] = due.astimezone(dt.UTC).replace(tzinfo=None)
            due = self._windows[key]
        else:
            due = start + dt.timedelta(hours=policy.resolve_hours)
        return due, sla.warn_time(start, due, policy)

    def _escalation_window(
        self, policy: SlaPolicy, start: dt.datetime
    ) -> tuple[dt.datetime, dt.datetime]:
        """(due_at, warn_at) of the next level, as `case_escalate` computes them (naive UTC)."""
        window = sla.escalation_window(policy, start.replace(tzinfo=dt.UTC), self.calendar)
        return (
            window.due_at.astimezone(dt.UTC).replace(tzinfo=None),
            window.warn_at.astimezone(dt.UTC).replace(tzinfo=None),
        )

    def draft(self, compound: Any, created_at: dt.datetime) -> tuple[Row, list[Event], Any]:
        rng = self.rng
        category = self.categories[int(rng.random() * len(self.categories))]
        choices = TEMPLATES[category]
        title, text, reply = choices[int(rng.random() * len(choices))]
        r = rng.random
        place = {"b": 1 + int(r() * 30), "u": 1 + int(r() * 4), "r": 101 + int(r() * 2704),
                 "n": 2 + int(r() * 8)}  # fmt: skip
        content = text.format(**place)
        age = (self.now - created_at).days
        status = self.by_age[0 if age < 4 else 1 if age < 30 else 2](rng)
        if age >= 1 and status in OPEN_STATUSES and title in SETTLED_AT_ONCE:
            status = Status.CLOSED  # a gas smell is handled the same day, not left for weeks
        phone = f"1{'3456789'[int(rng.random() * 7)]}{int(rng.random() * 1e9):09d}"
        case = dict(self.template)
        case.update(
            channel=self.channel(rng),
            type=self.type(rng),
            title=title,
            content=content,
            compound_id=compound.pk,
            address=compound.address,  # as filing records a case with no address of its own
            requester_name=SURNAMES[int(rng.random() * len(SURNAMES))]
            + GIVEN[int(rng.random() * len(GIVEN))]
            + GIVEN[int(rng.random() * len(GIVEN))],
            requester_phone=phone,
            requester_phone_key=phone_key(phone),  # as create_case writes it
            is_public=rng.random() < 0.3,
            status=status,
            created_at=created_at,
        )
        events: list[Event] = [(EventKind.FILED, "", Status.RECEIVED, created_at)]
        # 研判期限 as `sla.assess_window` sets it at filing: the response window of the class an
        # unassessed case runs by (信访类 for a petition, else 一般类: no category yet).
        petition = case["channel"] == Channel.PETITION
        policy = self.policies[SlaClass.PETITION if petition else SlaClass.GENERAL]
        due = created_at + dt.timedelta(minutes=policy.respond_minutes)
        if status == Status.RECEIVED:  # 研判 clears both; 交办 sets the resolve deadline's
            case["assess_due_at"] = due
            case["warn_at"] = sla.warn_time(created_at, due, policy)
        rating = None
        if status == Status.NOT_ACCEPTED:
            case["not_accepted_reason"] = "litigation"
            case["closed_at"] = self._at(created_at, hours=2)
            events.append((EventKind.NOT_ACCEPTED, Status.RECEIVED, status, case["closed_at"]))
        elif status != Status.RECEIVED:
            rating = self._lifecycle(case, events, category, reply.format(**place))
        self._as_if_swept(case, events)
        self._maybe_supervised(case, events)
        case["updated_at"] = events[-1][3]
        return case, events, rating

    def _as_if_swept(self, case: Row, events: list[Event]) -> None:
        now, status = self.now, case["status"]
        filed = status == Status.RECEIVED
        if status in (Status.RECEIVED, Status.RETURNED) and case["warn_at"] <= now:  # the desk's
            case["warned_at"] = case["warn_at"]
            soon = ASSESS_SOON if filed else REDISPATCH_SOON
            events.append((EventKind.SLA_WARNED, status, status, case["warn_at"], soon))
        if status in (Status.RECEIVED, Status.RETURNED) and case["assess_due_at"] <= now:
            due = case["assess_due_at"]
            case["assess_breached_at"] = due
            kind = EventKind.ASSESS_OVERDUE if filed else EventKind.DISPATCH_OVERDUE
            events.append((kind, status, status, due, ASSESS_LATE if filed else REDISPATCH_LATE))
        if status == Status.DISPATCHED and case["respond_due_at"] <= now:  # not signed for
            case["respond_breached_at"] = case["respond_due_at"]
            events.append((EventKind.RESPOND_BREACHED, status, status, case["respond_due_at"]))
        if status in CLOCK_STATUSES and case["warn_at"] and case["warn_at"] <= now:
            case["warned_at"] = case["warn_at"]
            events.append((EventKind.SLA_WARNED, status, status, case["warn_at"]))
        if status in CLOCK_STATUSES and case["due_at"] and case["due_at"] <= now:
            self._escalate_while_late(case, events)
        if status == Status.RESOLVED and case["visit_due_at"] <= now:
            case["status"], case["closed_at"] = Status.CLOSED, case["visit_due_at"]
            events.append(
                (EventKind.AUTO_CLOSED, Status.RESOLVED, Status.CLOSED, case["closed_at"])
            )

    def _maybe_supervised(self, case: Row, events: list[Event]) -> None:
        """督办 of a case still being worked on, after its last step (so in its present status),
        as `case_supervise` records it."""
        status = case["status"]
        if status not in CLOCK_STATUSES:
            return
        late = bool(case["breach_count"]) or case["respond_breached_at"] is not None
        if self.rng.random() >= (SUPERVISED_IF_LATE if late else SUPERVISED_OTHERWISE):
            return
        at = self._at(events[-1][3], hours=self.rng.uniform(0.5, 8))
        case.update(supervised=True, supervised_at=at)
        events.append((EventKind.SUPERVISED, status, status, at, SUPERVISION))

    def _escalate_while_late(self, case: Row, events: list[Event]) -> None:
        """Each deadline that passed hands the case one level up at that moment, with the next
        level's own window, as `case_escalate` does; above a department the breach stays
        flagged. (Only the breach is recorded for cases finished since: their level is history.)
        """
        status, policy = case["status"], self.policies[case["sla_class"]]
        while case["due_at"] <= self.now:
            due, level = case["due_at"], case["assigned_level"] or Level.COMPOUND
            case["breach_count"] = (case["breach_count"] or 0) + 1
            note, words = _breach_note(level)
            events.append((EventKind.SLA_BREACHED, status, status, due, note,
                           {"due_at": _iso(due), "level": level, **words}))  # fmt: skip
            above = next_level(level)
            if above is None:
                case["breached_at"] = due
                return
            next_due, warn = self._escalation_window(policy, due)
            case.update(assigned_level=above, assigned_user_id=None, clock_started_at=due,
                        escalation_level=(case["escalation_level"] or 0) + 1, due_at=next_due,
                        warn_at=warn, warned_at=None, breached_at=None)  # fmt: skip
            department = ""
            if above == Level.DEPARTMENT:
                department = self.departments.get(case["category"], UNNAMED_DEPARTMENT)
                case["assigned_department"] = department
            note, words = _escalation_note(above, department)
            # The payload `case_escalate` writes: the reports count escalations by it.
            events.append((EventKind.ESCALATED, status, status, due, note,
                           {"from": level, "to": above, "due_at": _iso(next_due),
                            "department": department, **words}))  # fmt: skip
            if warn <= self.now:
                case["warned_at"] = warn
                events.append((EventKind.SLA_WARNED, status, status, warn))

    def _escalated_then_resolved(
        self, case: Row, events: list[Event], due: dt.datetime, fraction: float
    ) -> tuple[dt.datetime, dt.datetime, dict[str, Any]]:
        """The breach at `due` and the escalation `case_escalate` makes then; the level above
        resolves the case within its own window. Returns (the deadline it was resolved against,
        when, the party that resolved it)."""
        level = case["assigned_level"] or Level.COMPOUND
        case["breach_count"] = 1
        # The breach a running scheduler (or the late 已处置 itself) records: section 七 of the
        # monthly report counts these events, 按时办结率 the case's breach_count.
        note, words = _breach_note(level)
        events.append((EventKind.SLA_BREACHED, Status.IN_PROGRESS, Status.IN_PROGRESS, due,
                       note, {"due_at": _iso(due), "level": level, **words}))  # fmt: skip
        above = next_level(level)
        party = {"level": level, "company": case["assigned_company_id"], "department": ""}
        if above is None:
            case["breached_at"] = due
            return due, self._at(due, hours=24 * (fraction - 1)), party
        next_due, warn = self._escalation_window(self.policies[case["sla_class"]], due)
        department = ""
        if above == Level.DEPARTMENT:
            department = self.departments.get(case["category"], UNNAMED_DEPARTMENT)
        case.update(assigned_level=above, assigned_user_id=None, clock_started_at=due,
                    escalation_level=1, due_at=next_due, warn_at=warn,
                    assigned_department=department)  # fmt: skip
        note, words = _escalation_note(above, department)
        events.append((EventKind.ESCALATED, Status.IN_PROGRESS, Status.IN_PROGRESS, due, note,
                       {"from": level, "to": above, "due_at": _iso(next_due),
                        "department": department, **words}))  # fmt: skip
        # fraction ∈ [1.05, 1.6] → 10 %…90 % of the new level's window.
        share = 0.1 + (fraction - 1.05) / 0.55 * 0.8
        resolved = self._at(due, seconds=(next_due - due).total_seconds() * share)
        return next_due, resolved, {**party, "level": above, "department": department}

    def _lifecycle(self, case: Row, events: list[Event], category: str, reply: str) -> Any:
        """Assess → dispatch → accept → start → resolve (with `reply` as the public reply) →
        close, as far as the status says."""
        rng, status = self.rng, case["status"]
        sla_class = SlaClass.PETITION if case["channel"] == Channel.PETITION else (
            DEFAULT_SLA_CLASS.get(category, SlaClass.GENERAL))  # fmt: skip
        assessed = self._at(case["created_at"], minutes=3 + int(rng.random() * 58))
        urgency = assessed_urgency(case["title"], rng.random())
        if urgency == Urgency.CRITICAL and case["channel"] != Channel.PETITION:
            sla_class = SlaClass.EMERGENCY  # 特急 runs on the emergency clock (S3)
        case.update(category=category, sla_class=sla_class, assessed_at=assessed,
                    urgency=urgency)  # fmt: skip
        events.append((EventKind.ASSESSED, Status.RECEIVED, Status.ASSESSED, assessed))
        if not _reached(status, Status.DISPATCHED):
            return None
        policy = self.policies[sla_class]
        start = self._at(assessed, minutes=2 + int(rng.random() * 29))
        due, warn = self._window(policy, start)
        company = self.companies.get(case["compound_id"])
        if company and sla_class in (SlaClass.PROPERTY, SlaClass.EMERGENCY, SlaClass.UTILITIES):
            case.update(assigned_level=Level.COMPOUND, assigned_company_id=company)
        else:
            case["assigned_level"] = Level.COMMUNITY
        respond_due = start + dt.timedelta(minutes=policy.respond_minutes)
        case.update(dispatched_at=start, clock_started_at=start, due_at=due, warn_at=warn,
                    respond_due_at=respond_due)  # fmt: skip
        # The party each event records, as the services do (the metrics charge it).
        party = {"level": case["assigned_level"], "company": case["assigned_company_id"],
                 "department": ""}  # fmt: skip
        events.append((EventKind.DISPATCHED, Status.ASSESSED, Status.DISPATCHED, start, "",
                       {**party, "due_at": _iso(due)}))  # fmt: skip
        if status == Status.RETURNED:
            returned = self._at(start, hours=1)
            # 交办期限 as `sla.redispatch_clock` sets it: the class's response window.
            again = returned + dt.timedelta(minutes=policy.respond_minutes)
            case.update(return_count=1, assigned_level="", assigned_company_id=None, due_at=None,
                        assess_due_at=again,
                        warn_at=sla.warn_time(returned, again, policy))  # fmt: skip
            events.append((EventKind.RETURNED, Status.DISPATCHED, status, returned,
                           "", {**party, "escalated": False}))  # fmt: skip
            return None
        if status == Status.TERMINATED:
            case["closed_at"] = self._at(start, days=2)
            events.append((EventKind.TERMINATED, Status.DISPATCHED, status, case["closed_at"]))
            return None
        if not _reached(status, Status.ACCEPTED):
            return None
        late = rng.random() < 0.08
        minutes = policy.respond_minutes * (rng.uniform(1.1, 3) if late else rng.uniform(0.1, 0.9))
        case["responded_at"] = self._at(start, minutes=minutes)
        signed = {**party, "respond_due_at": _iso(respond_due),
                  "on_time": case["responded_at"] <= respond_due}  # fmt: skip
        events.append((EventKind.ACCEPTED, Status.DISPATCHED, Status.ACCEPTED, case["responded_at"],
                       "", signed))  # fmt: skip
        if not _reached(status, Status.IN_PROGRESS):
            return None
        began = self._at(case["responded_at"], minutes=5 + int(rng.random() * 116))
        events.append((EventKind.STARTED, Status.ACCEPTED, Status.IN_PROGRESS, began))
        if not _reached(status, Status.RESOLVED):
            return None
        span = (due - start).total_seconds()
        fraction = rng.uniform(1.05, 1.6) if rng.random() < 0.1 else rng.uniform(0.1, 0.95)
        resolved = self._at(start, seconds=span * fraction)
        case.update(breach_count=0, public_reply=reply)
        if resolved > due:
            # Late: at its deadline the case went one level up (吹哨), and that level finished
            # it within its own window, part way through as `fraction` says.
            due, resolved, party = self._escalated_then_resolved(case, events, due, fraction)
        case.update(resolved_at=resolved,
                    visit_due_at=resolved + dt.timedelta(days=policy.auto_close_days))  # fmt: skip
        events.append((EventKind.RESOLVED, Status.IN_PROGRESS, Status.RESOLVED, resolved, "",
                       {**party, "round": 1, "on_time": resolved <= due}))  # fmt: skip
        if status != Status.CLOSED:
            return None
        case["closed_at"] = self._at(resolved, hours=2 + int(rng.random() * 71))
        events.append((EventKind.CLOSED, Status.RESOLVED, Status.CLOSED, case["closed_at"]))
        satisfied = rng.random() < 0.9
        level = SATISFIED[int(rng.random() * 3)] if satisfied else RatingLevel.DISSATISFIED
        # An unsatisfied visit closed only through a supervisor's reasoned exception (S5):
        # the demand is beyond policy, so it is not 已解决 either.
        reason = "" if satisfied else "诉求超出政策范围，已当面解释说明"
        return (level, satisfied, reason, case["closed_at"])
