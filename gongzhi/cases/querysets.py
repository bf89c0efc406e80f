"""The scoped queryset of cases: who sees which case (one rule, used by every read)."""

from functools import reduce
from operator import or_
from typing import Any, Self

from django.db.models import BooleanField, DateTimeField, F, Func, IntegerField, Q

from gongzhi.cases.choices import Urgency
from gongzhi.cases.workflow import (
    AWAITING_DESK,
    CLOCK_STATUSES,
    FINAL_STATUSES,
    OPEN_STATUSES,
    Status,
)
from gongzhi.org.models import Compound, Role
from gongzhi.org.querysets import ScopedQuerySet
from gongzhi.org.scopes import Scope, scope_for

# Roles that see every case of the compounds in their scope.
CASE_READER_ROLES = frozenset(
    {Role.STREET_OFFICER, Role.COMMUNITY_WORKER, Role.GRID_WORKER, Role.PARTY_MEMBER}
)


# Every status but the final ones, sorted: the partial queue index covers exactly these.
ACTIVE_STATUSES = sorted(str(s) for s in {*OPEN_STATUSES, "resolved"})
FINAL_SORTED = sorted(str(s) for s in FINAL_STATUSES)


def _literals(values: list[str]) -> str:
    return ", ".join(f"'{value}'" for value in values)  # constant identifiers, no quotes inside


class _InlineSQL(Func):
    """An expression over the case's own columns with its constants written into the SQL.

    The queue's ORDER BY and WHERE terms must read exactly like the index definitions for the
    planners to use the indexes, and SQLite does not match a bound parameter to a literal in
    an index expression; so no parameters here. `sql` takes the compiled columns in order.
    """

    sql = ""
    columns: tuple[str, ...] = ()
    output_field: Any = IntegerField()

    def __init__(self) -> None:
        super().__init__(*(F(column) for column in self.columns))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        compiled = [compiler.compile(e)[0] for e in self.get_source_expressions()]
        return self.sql.format(*compiled), []


def _urgency_sql(urgency: str, deadline: str) -> str:
    """特急 (0, 1) before 紧急 (2, 3) before 一般 (4, 5); within each, a case with a deadline
    before one without."""
    return (
        f"CASE WHEN {urgency} = '{Urgency.CRITICAL.value}' AND {deadline} IS NOT NULL THEN 0"
        f" WHEN {urgency} = '{Urgency.CRITICAL.value}' THEN 1"
        f" WHEN {urgency} = '{Urgency.URGENT.value}' AND {deadline} IS NOT NULL THEN 2"
        f" WHEN {urgency} = '{Urgency.URGENT.value}' THEN 3"
        f" WHEN {deadline} IS NOT NULL THEN 4 ELSE 5 END"
    )


def _running_sql(status: str, assess_due: str, respond_due: str, due: str) -> str:
    """The deadline running now, the one the queue row's clock counts down (cases_ui.sla_clock,
    deadlines.late_since): the desk's (研判 or 交办, assess_due_at) while it holds the case;
    the 签收 one (respond_due_at) while the case is 交办 and not signed for, unless the resolve
    deadline comes first; the resolve one (due_at) otherwise."""
    desk = _literals(sorted(str(s) for s in AWAITING_DESK))
    return (
        f"CASE WHEN {status} IN ({desk}) THEN {assess_due}"
        f" WHEN {status} = '{Status.DISPATCHED.value}' AND {respond_due} IS NOT NULL"
        f" AND ({due} IS NULL OR {respond_due} < {due}) THEN {respond_due}"
        f" ELSE {due} END"
    )


_RUNNING_COLUMNS = ("status", "assess_due_at", "respond_due_at", "due_at")
_RUNNING = _running_sql("{0}", "{1}", "{2}", "{3}")


class RunningDue(_InlineSQL):
    """The deadline running now (`_running_sql`): the queue's "least time left" (overdue
    first), read from the queue indexes, where they held the resolve deadline alone (empty
    while the desk holds a case, later than the 签收 one while nobody has signed for it)."""

    columns = _RUNNING_COLUMNS
    sql = _RUNNING
    output_field = DateTimeField()


class ClockRank(_InlineSQL):
    """特急 before 紧急 before 一般, and within each, cases with a running deadline
    (`RunningDue`) before those without: ordering by (ClockRank, RunningDue) is "most urgent,
    then least time left on the clock each row shows", from one index."""

    columns = ("urgency", *_RUNNING_COLUMNS)
    sql = _urgency_sql("{0}", _running_sql("{1}", "{2}", "{3}", "{4}"))


class UrgencyRank(_InlineSQL):
    """The queue indexes' first column by the resolve deadline alone, as migrations 0005 to
    0026 build it (the queue reads ClockRank since 0027): 特急 before 紧急 before 一般, and
    within each, cases with a deadline (due_at) before those without."""

    columns = ("urgency", "due_at")
    sql = _urgency_sql("{0}", "{1}")  # the SQL of migrations 0005 to 0026: must not change


_IS_FINAL = f"{{0}} IN ({_literals(FINAL_SORTED)})"


class FinalRank(_InlineSQL):
    """0 for cases still in the loop, 1 for finished ones: case_queue_idx's first column until
    migration 0008 (the earlier migrations still build it)."""

    columns = ("status",)
    sql = f"CASE WHEN {_IS_FINAL} THEN 1 ELSE 0 END"


class QueueRank(_InlineSQL):
    """case_queue_idx's first column as migrations 0008 to 0026 build it (by UrgencyRank)."""

    columns = ("status", "urgency", "due_at")
    sql = f"CASE WHEN {_IS_FINAL} THEN 6 ELSE {UrgencyRank.sql.format('{1}', '{2}')} END"


class ClockQueueRank(_InlineSQL):
    """The queue of every case (全部): cases still in the loop by ClockRank, then the finished
    ones (6). With `ActiveRunningDue`, `WhileActive` and `OnceFinished` it orders the
    unfinished by urgency and time left on their running clock and the finished newest first,
    from one index (case_queue_idx)."""

    columns = ("urgency", *_RUNNING_COLUMNS)
    sql = (
        f"CASE WHEN {_IS_FINAL.format('{1}')} THEN 6"
        f" ELSE {_urgency_sql('{0}', _running_sql('{1}', '{2}', '{3}', '{4}'))} END"
    )


class ActiveRunningDue(_InlineSQL):
    """`RunningDue` of a case still in the loop, NULL for a finished one."""

    columns = _RUNNING_COLUMNS
    sql = f"CASE WHEN {_IS_FINAL} THEN NULL ELSE {_RUNNING} END"
    output_field = DateTimeField()


class WhileActive(_InlineSQL):
    """`column` of a case still in the loop, NULL for a finished one."""

    def __init__(self, column: str) -> None:
        self.columns = ("status", column)
        self.sql = f"CASE WHEN {_IS_FINAL} THEN NULL ELSE {{1}} END"
        super().__init__()


class OnceFinished(_InlineSQL):
    """`column` of a finished case, NULL for one still in the loop."""

    def __init__(self, column: str) -> None:
        self.columns = ("status", column)
        self.sql = f"CASE WHEN {_IS_FINAL} THEN {{1}} ELSE NULL END"
        super().__init__()


class InClock(_InlineSQL):
    """`status IN CLOCK_STATUSES` written as the partial SLA indexes write it (case_open_due_idx,
    case_open_warn_idx), so that SQLite matches the sweeps' queries to them."""

    columns = ("status",)
    sql = f"{{0}} IN ({_literals(sorted(str(s) for s in CLOCK_STATUSES))})"
    output_field = BooleanField()
    conditional = True


class IsActive(_InlineSQL):
    """The partial queue index's condition, as a filter that reads exactly like it."""

    columns = ("status",)
    sql = f"{{0}} IN ({_literals(ACTIVE_STATUSES)})"
    output_field = BooleanField()
    conditional = True


class Unindexed(Func):
    """A column the SQLite planner must not pick an index for (`+column`): a filter on
    finished statuses matches almost every case, and reading it through the status index, then
    sorting, costs seconds where walking the created_at index stops after one page."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        return super().as_sql(compiler, connection, template="+%(expressions)s", **extra)


def _compounds_under(scope: Scope, roles: set[str] | frozenset[str], field: str) -> Q:
    """`field IN (compounds under the scope's paths for these roles)`: a subquery on the small
    compound table rather than a join, so that a count can read case_active_scope_idx."""
    return Q(**{f"{field}__in": Compound.objects.filter(scope.q("path", roles)).values("pk")})


def _scope_terms(scope: Scope, *, indexed: bool) -> list[Q]:
    """The cases a user sees through their roles (their own cases come on top, see visible_to).

    `indexed=False` (visible_to): neither the compound nor the company is an index term on
    SQLite, whose OR-of-indexes plan would collect and sort every case in scope where walking
    the queue's order index stops after one page. `indexed=True` (visible_parts): each term
    is read on its own, from the compound-led case_active_scope_idx.
    """
    compound = "compound_id" if indexed else "compound_filter"
    company = "company_filter"  # from the compound-led index, not the company's every case
    terms = []
    if scope.roles & CASE_READER_ROLES:
        terms.append(_compounds_under(scope, CASE_READER_ROLES, compound))
    if Role.COMMITTEE_MEMBER in scope.roles:
        terms.append(_compounds_under(scope, {Role.COMMITTEE_MEMBER}, compound) & Q(is_public=True))
    if scope.company_ids:
        terms.append(
            _compounds_under(scope, {Role.PROPERTY_STAFF}, compound)
            & Q(**{f"{company}__in": scope.company_ids})
        )
    return terms


class CaseQuerySet(ScopedQuerySet):
    """Who sees which case (documented in /work/notes/cases-api.md):

    - everyone: cases they filed or are the requester of;
    - street officer, community and grid workers, party-branch members: every case of the
      compounds in their scope (the party branch leads the three parties of its compound);
    - owners'-committee members: only cases of their compound the requester allowed to publish
      (`is_public`): the committee is a party often complained about, not a case handler;
    - property staff: only cases assigned to their company, in compounds their company serves.
    """

    def visible_to(self, user: Any) -> Self:
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        scope = scope_for(user)
        if scope.everything:
            return self
        own = Q(requester=user) | Q(created_by=user)
        terms = _scope_terms(scope, indexed=False)
        return self.alias(
            compound_filter=Unindexed("compound_id"),
            company_filter=Unindexed("assigned_company_id"),
        ).filter(reduce(or_, terms, own))

    def visible_parts(self, user: Any) -> list[Self]:
        """`visible_to(user)` as disjoint querysets whose union it is: the cases of each scope
        term not already in an earlier one, then the user's own cases outside them all.

        For counting: each part is a plain conjunction that an index can answer (the cases in
        scope from case_active_scope_idx), where the OR of visible_to makes SQLite read the
        whole open set. The own-cases part is a pk subquery so that it is always read from the
        requester and creator indexes, whatever the other filters are.
        """
        if user is None or not getattr(user, "is_authenticated", False):
            return []
        scope = scope_for(user)
        if scope.everything:
            return [self]
        base = self.alias(company_filter=Unindexed("assigned_company_id"))
        parts, seen = [], None
        for term in _scope_terms(scope, indexed=True):
            parts.append(base.filter(term if seen is None else term & ~seen))
            seen = term if seen is None else seen | term
        own = Q(requester=user) | Q(created_by=user)
        if seen is not None:
            own &= ~seen
        parts.append(base.filter(pk__in=base.filter(own).values("pk")))
        return parts

    def open(self) -> Self:
        return self.filter(status__in=OPEN_STATUSES)


def every_case_order() -> list[Any]:
    """ORDER BY of the queue of every case, term for term the columns of case_queue_idx."""
    return [
        ClockQueueRank(),
        ActiveRunningDue(),
        WhileActive("created_at"),
        WhileActive("id"),
        OnceFinished("created_at").desc(),
        OnceFinished("id").desc(),
    ]
