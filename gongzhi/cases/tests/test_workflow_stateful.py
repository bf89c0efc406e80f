"""Stateful property test of the closed loop (S2–S5): random sequences of actions by random
personas on a few cases, with the scheduler's sweeps and the passing of time in between.

After every step (hypothesis `RuleBasedStateMachine`) these hold, or the test fails with the
shortest sequence that breaks them:

- the transition table: every event's old → new status is in `TRANSITIONS`;
- scope: an action by someone outside the case's scope raises PermissionDenied and changes
  nothing (no field, no event, no rating, no notification); a success is always by someone in
  scope (or the requester rating their own case);
- one rating per case round (S5);
- the SLA clock (S3): a deadline runs exactly while the case is dispatched, accepted or in
  progress; it moves later only by an extension (reason given, requester told, within the
  policy's count and days), a new dispatch, an escalation or a reopening;
- a refused action (wrong status, invalid input, stale version) changes nothing.

Each example runs inside a savepoint that is rolled back, on top of one personas street.
"""

import datetime as dt
import os
from collections import Counter
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from gongzhi.cases import services, sla, sweeps
from gongzhi.cases.choices import (
    CaseType,
    Category,
    Channel,
    Level,
    NotAcceptedReason,
    RatingLevel,
    RatingVia,
    SlaClass,
    Urgency,
)
from gongzhi.cases.models import Case, CaseEvent, CaseRating, EventKind, SlaPolicy
from gongzhi.cases.tests.conftest import png
from gongzhi.cases.workflow import (
    CLOCK_STATUSES,
    FINAL_STATUSES,
    TRANSITIONS,
    Action,
    CaseChanged,
    InvalidTransition,
    Status,
)
from gongzhi.core.models import Notification

PERSONAS = [
    "outsider",
    "resident_a",
    "resident_b",
    "property_a",
    "property_b",
    "committee_a",
    "party_a",
    "community_worker",
    "grid_worker",
    "street_officer",
]
# Which compounds each persona's roles reach, written out by hand from gongzhi.org.testing
# (the oracle the services are checked against; company X serves A and C, Y serves B).
REACH = {
    "outsider": set(),
    "resident_a": {"a"},
    "resident_b": {"b"},
    "property_a": {"a", "c"},
    "property_b": {"b"},
    "committee_a": {"a"},
    "party_a": {"a"},
    "community_worker": {"a", "b"},
    "grid_worker": {"a", "b"},
    "street_officer": {"a", "b", "c"},
}
# Who may file where (intake staff in their reach, residents in their own compound): everyone
# in reach except the owners' committee, which does not take in cases.
FILE_REACH = {name: reach for name, reach in REACH.items() if name != "committee_a"}
WHILE_DISPATCHED = [Action.ACCEPT] * 3 + [Action.EXTEND, Action.RETURN, Action.REQUEST_TERMINATION]
# The actions that move the deadline (and tell the requester): 延期, and an approved request.
EXTENDING = {Action.EXTEND, Action.APPROVE_EXTENSION}
HUMAN_ACTIONS = [a for a in Action.values if a not in (Action.ESCALATE, Action.AUTO_CLOSE)]
# Statuses in which no deadline runs (S3: the clock starts at dispatch).
NO_CLOCK = {Status.RECEIVED, Status.ASSESSED, Status.RETURNED, Status.REOPENED}
# Event kinds that may set a new deadline.
DEADLINE_EVENTS = {
    EventKind.DISPATCHED,
    EventKind.REASSIGNED,
    EventKind.EXTENDED,
    EventKind.ESCALATED,
    EventKind.RETURNED,
    EventKind.REOPENED,
}
START = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)  # a Monday


def _snapshot(case_pk: int) -> dict[str, Any]:
    return {
        "case": Case.objects.filter(pk=case_pk).values().get(),
        "events": CaseEvent.objects.filter(case_id=case_pk).count(),
        "ratings": CaseRating.objects.filter(case_id=case_pk).count(),
        "notifications": Notification.objects.count(),
    }


class CaseWorkflow(RuleBasedStateMachine):
    world: Any = None  # the personas, built once per test (see the test below)
    stats: dict[str, int]

    cases = Bundle("cases")

    def __init__(self) -> None:
        super().__init__()
        self.p = self.world
        self.users = {name: getattr(self.p, name) for name in PERSONAS}
        self.compounds = {"a": self.p.compound_a, "b": self.p.compound_b, "c": self.p.compound_c}
        self.key_of = {c.pk: key for key, c in self.compounds.items()}
        self.policies = {policy.code: policy for policy in SlaPolicy.objects.all()}
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.clock = time_machine.travel(START, tick=False)
        self.traveller = self.clock.start()

    def teardown(self) -> None:
        self.clock.stop()
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    # --- Rules --------------------------------------------------------------------------

    @rule(
        target=cases,
        persona=st.sampled_from(PERSONAS),
        compound=st.sampled_from(["a", "b", "c"]),
        type=st.sampled_from([CaseType.HELP, CaseType.CONSULTATION, CaseType.COMPLAINT]),
        requester=st.sampled_from(["resident_a", "resident_b"]),
    )
    def file(self, persona: str, compound: str, type: str, requester: str):
        before = Case.objects.count()
        try:
            case = services.case_file(
                actor=self.users[persona],
                compound=self.compounds[compound],
                channel=Channel.PHONE,
                type=type,
                title="楼道灯不亮",
                content="3单元楼道灯坏了一周",
                requester=self.users[requester],
            )
        except PermissionDenied:
            assert compound not in FILE_REACH.get(persona, ()), f"{persona} may file in {compound}"
            assert Case.objects.count() == before
            self.stats["denied"] += 1
            return multiple()  # nothing filed, nothing added to the bundle
        assert compound in FILE_REACH.get(persona, ()), f"{persona} filed in {compound}"
        self.stats["filed"] += 1
        return case.pk

    @rule(
        case_pk=cases,
        persona=st.sampled_from(PERSONAS),
        action=st.sampled_from(HUMAN_ACTIONS),
        choice=st.integers(0, 5),
        stale=st.booleans(),
    )
    def act(self, case_pk: int, persona: str, action: str, choice: int, stale: bool):
        """Anyone tries anything: mostly refusals, each of which must change nothing."""
        self._perform(case_pk, persona, action, choice, stale)

    def _perform(self, case_pk: int, persona: str, action: str, choice: int, stale: bool):
        case = Case.objects.select_related("compound").get(pk=case_pk)
        before = _snapshot(case_pk)
        actor = self.users[persona]
        kwargs = self._arguments(case, action, choice)
        if stale and choice == 0:
            kwargs["expected_version"] = case.version - 1
        in_reach = self.key_of[case.compound_id] in REACH[persona]
        is_requester = case.requester_id == actor.pk
        told = self._extension_notices(case.requester_id) if action in EXTENDING else 0
        if action == Action.REQUEST_EXTENSION:
            told = self._extension_notices(case.requester_id)
        try:
            SERVICES[action](case=case, actor=actor, **kwargs)
        except PermissionDenied:
            self._assert_unchanged(case_pk, before, f"{persona} denied {action}")
            self.stats["denied"] += 1
            return
        except (InvalidTransition, ValidationError, CaseChanged) as refused:
            self._assert_unchanged(case_pk, before, f"{persona} {action}: {refused}")
            assert in_reach or is_requester, f"{persona} out of scope got {refused!r}"
            self.stats["refused"] += 1
            return
        assert in_reach or (is_requester and action == Action.VISIT), (
            f"{persona} did {action} on a case of compound {self.key_of[case.compound_id]}"
        )
        assert not (stale and choice == 0), f"{action} accepted a stale version"
        self.stats[action] += 1
        self._check_deadline_change(case_pk, before, action, told)
        if action == Action.REQUEST_EXTENSION:  # nothing moves, nobody tells the requester yet
            after = Case.objects.filter(pk=case_pk).values().get()
            assert after["due_at"] == before["case"]["due_at"], "a request moved the deadline"
            assert self._extension_notices(case.requester_id) == told, "requester told early"

    @rule(case_pk=cases, choices=st.lists(st.integers(0, 5), min_size=1, max_size=6))
    def advance(self, case_pk: int, choices: list[int]) -> None:
        """A few natural next steps by the right persona, so that sequences reach deep into
        the loop (dispatch, handling, rating, reopening) rather than stopping at refusals."""
        for choice in choices:
            case = Case.objects.select_related("compound").get(pk=case_pk)
            persona, action = self._next_step(case, choice)
            if action is None:
                return
            self._perform(case_pk, persona, action, choice, stale=False)

    @rule(hours=st.sampled_from([1, 6, 30, 24 * 8]))
    def time_passes_and_the_scheduler_runs(self, hours: int) -> None:
        self.traveller.shift(dt.timedelta(hours=hours))
        self.stats["escalated"] += sweeps.sweep_breaches(timezone.now())
        sweeps.sweep_warnings(timezone.now())
        sweeps.sweep_auto_close(timezone.now())

    def _next_step(self, case: Case, choice: int) -> tuple[str, str | None]:
        key = self.key_of[case.compound_id]
        dispatcher = "street_officer" if key == "c" or choice == 5 else "community_worker"
        handler = {
            Level.COMPOUND: "property_b" if key == "b" else "property_a",
            Level.COMMUNITY: "community_worker",
        }.get(case.assigned_level, "street_officer")
        requester = next(
            n for n in ("resident_a", "resident_b") if self.users[n].pk == case.requester_id
        )
        if case.extension_requested_days and case.status in CLOCK_STATUSES:
            return dispatcher, (Action.APPROVE_EXTENSION if choice < 4 else Action.REJECT_EXTENSION)
        # The company asks for its 延期 (申请延期); the community extends its own case.
        extend = (
            Action.REQUEST_EXTENSION if case.assigned_level == Level.COMPOUND else Action.EXTEND
        )
        steps = {
            Status.RECEIVED: (dispatcher, Action.ANSWER if choice == 4 else Action.ASSESS),
            Status.ASSESSED: (dispatcher, Action.NOT_ACCEPT if choice == 4 else Action.DISPATCH),
            Status.RETURNED: (dispatcher, Action.ASSESS if choice < 3 else Action.DISPATCH),
            Status.REOPENED: (dispatcher, Action.CLOSE_EXCEPTION if choice == 4 else Action.ASSESS),
            # 延期 by the community or the street, who supervise the party (S2).
            Status.DISPATCHED: (
                dispatcher if WHILE_DISPATCHED[choice] == Action.EXTEND else handler,
                WHILE_DISPATCHED[choice],
            ),
            Status.ACCEPTED: (handler, extend if choice == 3 else Action.START),
            Status.IN_PROGRESS: (handler, extend if choice == 3 else Action.RESOLVE),
            Status.RESOLVED: (requester if choice < 4 else "grid_worker", Action.VISIT),
        }  # fmt: skip
        return steps.get(case.status, ("outsider", None))

    # --- Inputs ---------------------------------------------------------------------------

    def _arguments(self, case: Case, action: str, choice: int) -> dict[str, Any]:
        reason = "非本单位职责，应由供电公司处理"
        if action == Action.ASSESS:
            sla_class = [SlaClass.PROPERTY, SlaClass.EMERGENCY, SlaClass.GENERAL][choice % 3]
            return {"category": Category.REPAIR, "sla_class": sla_class, "urgency": Urgency.NORMAL}
        if action == Action.DISPATCH:
            company = self.p.company_y if case.compound == self.p.compound_b else self.p.company_x
            if choice == 5:  # not the compound's company: a validation error
                company = self.p.company_y if company == self.p.company_x else self.p.company_x
            level = [Level.COMPOUND, Level.COMPOUND, Level.COMMUNITY, Level.STREET][choice % 4]
            if choice == 5:
                level = Level.COMPOUND
            return {"level": level, "company": company if level == Level.COMPOUND else None}
        if action == Action.REASSIGN:
            # Choice 4: no reason, refused; a reassignment to the same party is refused too.
            level = [Level.COMMUNITY, Level.COMPOUND, Level.STREET, Level.DEPARTMENT][choice % 4]
            company = self.p.company_y if case.compound == self.p.compound_b else self.p.company_x
            return {
                "level": level,
                "company": company if level == Level.COMPOUND else None,
                "department": "区住建局" if level == Level.DEPARTMENT else "",
                "reason": "" if choice == 4 else "原承办单位无法处理，改派",
            }
        if action == Action.RESOLVE:
            return {"public_reply": "已更换楼道灯。", "evidence": [png()]}
        if action == Action.EXTEND:
            due = case.due_at or timezone.now()
            days = [1, 2, 1, 1, 1, 30][choice]  # 30 days: beyond every policy's limit
            return {
                "reason": "" if choice == 4 else "需要采购配件",
                "until": due + dt.timedelta(days=days),
            }
        if action == Action.REQUEST_EXTENSION:
            return {
                "reason": "" if choice == 4 else "需要采购配件",
                "days": [1, 2, 1, 1, 1, 30][choice],  # 30 days: beyond every policy's limit
            }
        if action == Action.APPROVE_EXTENSION:
            return {}
        if action == Action.ANSWER:
            return {"reply": "物业费标准见公示栏。"}
        if action == Action.MERGE:
            # Into the oldest other unfinished case of the compound (choice 5: of any compound,
            # which is refused unless it is the same).
            others = Case.objects.exclude(pk=case.pk).exclude(status__in=FINAL_STATUSES)
            if choice != 5:
                others = others.filter(compound_id=case.compound_id)
            other = others.order_by("pk").values_list("number", flat=True).first()
            return {"original": other or "NH000"}
        if action == Action.NOT_ACCEPT:
            return {"reason": NotAcceptedReason.LITIGATION}
        if action == Action.VISIT:
            level = list(RatingLevel.values)[choice % len(RatingLevel.values)]
            return {"resolved": choice % 2 == 0, "level": level, "via": RatingVia.PHONE}
        if action in (Action.ACCEPT,):
            return {}
        if action == Action.START:
            return {}
        return {"reason": reason}

    # --- Checks ---------------------------------------------------------------------------

    def _assert_unchanged(self, case_pk: int, before: dict[str, Any], what: str) -> None:
        assert _snapshot(case_pk) == before, f"{what} but the case changed"

    def _extension_notices(self, requester_id: int | None) -> int:
        return Notification.objects.filter(recipient_id=requester_id, kind="case.extended").count()

    def _check_deadline_change(
        self, case_pk: int, before: dict[str, Any], action: str, told: int
    ) -> None:
        old, new = before["case"], Case.objects.filter(pk=case_pk).values().get()
        if old["due_at"] == new["due_at"]:
            return
        kinds = set(
            CaseEvent.objects.filter(case_id=case_pk)
            .order_by("-id")[:3]
            .values_list("kind", flat=True)
        )
        assert kinds & DEADLINE_EVENTS, f"{action} moved the deadline without a deadline event"
        if action in EXTENDING:
            policy = self.policies[new["sla_class"]]
            assert old["due_at"] < new["due_at"] <= sla.extension_limit(policy, old["due_at"])
            assert new["extension_count"] == old["extension_count"] + 1 <= policy.max_extensions
            assert self._extension_notices(new["requester_id"]) == told + 1, "requester not told"

    @invariant()
    def every_move_is_in_the_transition_table(self) -> None:
        moves = (
            CaseEvent.objects.exclude(old_status="")
            .values_list("old_status", "new_status", "kind")
            .distinct()
        )
        for old, new, kind in moves:
            assert old == new or new in TRANSITIONS[old], f"{kind}: {old} → {new}"

    @invariant()
    def one_rating_per_round(self) -> None:
        doubled = (
            CaseRating.objects.values("case_id", "round").annotate(n=Count("id")).filter(n__gt=1)
        )
        assert not doubled.exists(), list(doubled)

    @invariant()
    def the_clock_runs_exactly_while_someone_must_act(self) -> None:
        for case in Case.objects.all():
            if case.status in CLOCK_STATUSES:
                assert case.due_at is not None and case.clock_started_at is not None, case.status
                assert case.due_at > case.clock_started_at
                assert case.extension_count <= self.policies[case.sla_class].max_extensions
            elif case.status in NO_CLOCK:
                assert case.due_at is None and case.breached_at is None, case.status


SERVICES = {
    Action.ASSESS: services.case_assess,
    Action.MERGE: services.case_merge,
    Action.DISPATCH: services.case_dispatch,
    Action.REASSIGN: services.case_reassign,
    Action.ACCEPT: services.case_accept,
    Action.START: services.case_start,
    Action.RESOLVE: services.case_resolve,
    Action.RETURN: services.case_return,
    Action.EXTEND: services.case_extend,
    Action.REQUEST_EXTENSION: services.case_request_extension,
    Action.APPROVE_EXTENSION: services.case_approve_extension,
    Action.REJECT_EXTENSION: services.case_reject_extension,
    Action.SUPERVISE: services.case_supervise,
    Action.ANSWER: services.case_answer,
    Action.NOT_ACCEPT: services.case_not_accept,
    Action.VISIT: services.case_visit,
    Action.CLOSE_EXCEPTION: services.case_close_with_exception,
    Action.REQUEST_TERMINATION: services.case_request_termination,
    Action.TERMINATE: services.case_terminate,
    Action.REJECT_TERMINATION: services.case_reject_termination,
}
# About 0.2 s of CPU per sequence: 100 sequences of up to 15 steps (an `advance` step is up to
# 6 actions) stay under a minute per database; GONGZHI_STATEFUL_EXAMPLES=2000 for a long run.
EXAMPLES = int(os.environ.get("GONGZHI_STATEFUL_EXAMPLES", "100"))
# The same sequences on every run, so that `make test` cannot go red by the draw (one in a few
# random runs never reached 延期); GONGZHI_STATEFUL_RANDOM=1 explores new ones.
RANDOM = os.environ.get("GONGZHI_STATEFUL_RANDOM") == "1"
STEPS = 15


@pytest.mark.django_db
def test_random_sequences_of_actions_keep_every_invariant(personas, make):
    CaseWorkflow.world = personas
    CaseWorkflow.stats = Counter()
    run_state_machine_as_test(
        CaseWorkflow,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            derandomize=not RANDOM,
            database=None,  # no example database written into the repository
            # Bounded runtime: a failure prints its whole sequence instead of minutes of shrinking.
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    stats = CaseWorkflow.stats
    # The sequences reached deep into the loop, not only refusals.
    for action in (Action.DISPATCH, Action.ACCEPT, Action.RESOLVE, Action.VISIT, Action.EXTEND):
        assert stats[action] > 0, f"never {action}: {sorted(stats.items())}"
    assert stats["denied"] > 0 and stats["refused"] > 0, dict(stats)
