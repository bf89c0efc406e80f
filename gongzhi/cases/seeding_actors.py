"""Who did each step of the demo's history (`seed_history_actors`, run by `seed_demo`).

`seed_scale` writes its timelines without actors (fast, for benchmarks), so every step would
show 系统. For the demo, a pass afterwards names the staff who would have taken each step, as
the services record them: 研判/交办/不予受理 by the community's worker, 签收/开始办理/处置/退单
by the party the case was with (a company's staff, the community worker, the street, which
also records a department's result), 督办 by the level above the case, 终止 by the street
(which may decide it without a request), and the return visit as a 电话回访 (the seeded history
names no requester, `seeding_scope.seeded_history`) by the community worker, or, when she
handled the round herself (S5: `policies.handled_round`), by the compound's grid worker (an
exception close needs a supervisor: then the street, another officer if the street finished
it). 受理 by whoever takes such a demand in (`FILERS`): the community's desk, the compound's
grid worker, its party branch or its property company. The steps of the system (deadlines,
escalations, 自动办结) stay the system's. Bulk updates by actor, not one save per event. Only
the demo street's seeded history, by its own staff (`seeding_scope`): a real step without an
actor (a deleted officer's) is never credited to someone else.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from gongzhi.cases.choices import Channel, Level, RatingVia
from gongzhi.cases.models import Case, CaseEvent, CaseRating, EventKind
from gongzhi.cases.seeding_scope import seeded_history
from gongzhi.org.models import Community, Compound, Grid, Role, RoleGrant, Street
from gongzhi.org.scopes import current_company_compounds

DESK = (EventKind.ASSESSED, EventKind.DISPATCHED, EventKind.NOT_ACCEPTED)
PARTY = (EventKind.ACCEPTED, EventKind.STARTED, EventKind.RESOLVED, EventKind.RETURNED)
RECORD_PARTY = (EventKind.DISPATCHED, EventKind.ACCEPTED, EventKind.RESOLVED, EventKind.RETURNED)
NAMED = (
    EventKind.FILED,
    *DESK,
    *PARTY,
    EventKind.SUPERVISED,
    EventKind.TERMINATED,
    EventKind.CLOSED,
)
# Who records a demand from each channel (`intake_channels`), the first of them the compound
# has; the community's desk after them all. 线上 is filed by a resident, whom the seeded
# history does not name, and AI网格员 by the machine: those stay 系统.
FILERS: dict[str, tuple[str, ...]] = {
    Channel.PROPERTY_HOTLINE: ("company",),
    Channel.GRID_WORKER: ("grid",),
    Channel.PATROL: ("grid",),
    Channel.SENTINEL: ("party", "grid"),  # 民情前哨: the party branch's eyes in the compound
    Channel.HOTLINE_12345: (),
    Channel.PETITION: (),
    Channel.SUPERIOR: (),
    Channel.VISIT: (),
    Channel.PHONE: (),
}
CHUNK = 500  # ids per UPDATE: well under SQLite's limit of bound parameters


class _Staff:
    """The staff member of each party of the street: the first granted the role there."""

    def __init__(self, street: Street) -> None:
        grants = RoleGrant.objects.order_by("user_id")
        by_path: dict[str, int] = {}
        for path, user in grants.filter(
            role=Role.COMMUNITY_WORKER, scope_path__startswith=street.path
        ).values_list("scope_path", "user_id"):
            by_path.setdefault(path, user)
        paths = dict(Community.objects.filter(street=street).values_list("id", "path"))
        compounds = Compound.objects.filter(community__street=street)
        self.community_of = dict(compounds.values_list("id", "community_id"))
        compound_paths = dict(compounds.values_list("path", "id"))
        party: dict[str, int] = {}
        for path, user in grants.filter(
            role=Role.PARTY_MEMBER, scope_path__startswith=street.path
        ).values_list("scope_path", "user_id"):
            party.setdefault(path, user)
        self.party_members = {compound_paths[p]: u for p, u in party.items() if p in compound_paths}
        self.workers = {pk: by_path.get(path) for pk, path in paths.items()}
        self.companies: dict[int, int] = {}
        for company, user in grants.filter(role=Role.PROPERTY_STAFF).values_list(
            "company_id", "user_id"
        ):
            self.companies.setdefault(company, user)
        self.company_of = {
            compound_paths[path]: company
            for path, company in current_company_compounds(set(self.companies)).items()
            if path in compound_paths
        }
        self.streets = list(
            grants.filter(role=Role.STREET_OFFICER, scope_path=street.path).values_list(
                "user_id", flat=True
            )
        )
        self.street = self.streets[0] if self.streets else None
        grid_worker: dict[int, int] = {}
        for grid, user in Grid.workers.through.objects.order_by("user_id").values_list(
            "grid_id", "user_id"
        ):
            grid_worker.setdefault(grid, user)
        self.grid_workers: dict[int, int] = {}
        for grid, compound in Grid.buildings.through.objects.order_by("id").values_list(
            "grid_id", "building__compound_id"
        ):
            if grid in grid_worker:
                self.grid_workers.setdefault(compound, grid_worker[grid])

    def worker(self, compound_id: int) -> int | None:
        return self.workers.get(self.community_of.get(compound_id))

    def party(self, compound_id: int, party: dict[str, Any]) -> int | None:
        level = party.get("level")
        if level == Level.COMPOUND:
            return self.companies.get(party.get("company"))
        if level == Level.COMMUNITY:
            return self.worker(compound_id)
        return self.street  # the street, or a department whose result the street records

    def filer(self, compound_id: int, channel: str) -> int | None:
        """Who recorded a demand from `channel` (受理), or None for the resident or the machine."""
        if channel not in FILERS:
            return None
        found = {
            "company": self.companies.get(self.company_of.get(compound_id)),
            "grid": self.grid_workers.get(compound_id),
            "party": self.party_members.get(compound_id),
        }
        first = next((found[who] for who in FILERS[channel] if found[who]), None)
        return first or self.worker(compound_id)

    def visitor(self, compound_id: int, handlers: set[int], exception: bool) -> int | None:
        """Who rings the requester back: not whoever handled the round; an exception close
        only by a supervisor (the community or the street)."""
        candidates = [self.worker(compound_id), *self.streets]
        if not exception:
            candidates.insert(1, self.grid_workers.get(compound_id))
        return next((pk for pk in candidates if pk and pk not in handlers), None)

    def above(self, compound_id: int, level: str) -> int | None:
        """督办 by the level above the case: the community over a compound, else the street."""
        return self.worker(compound_id) if level in ("", Level.COMPOUND) else self.street


@transaction.atomic
def name_history_actors(street: Street) -> int:
    """Name the actor of every staff step of the street's seeded history still recorded
    without one. Returns how many."""
    staff = _Staff(street)
    history = seeded_history(street)
    events = (
        CaseEvent.objects.filter(case__in=history, actor=None, kind__in=NAMED)
        .order_by("case_id", "created_at", "id")
        .values_list(
            "id",
            "kind",
            "payload",
            "case_id",
            "case__compound_id",
            "case__assigned_level",
            "case__channel",
        )
    )
    actors: dict[int, list[int]] = defaultdict(list)
    dispatched: dict[int, list[int]] = defaultdict(list)  # dispatcher → cases
    visited: dict[int, list[int]] = defaultdict(list)  # by → cases (电话回访)
    exceptions = set(
        CaseRating.objects.filter(case__in=history)
        .exclude(exception_reason="")
        .values_list("case_id", flat=True)
    )
    party: dict[str, Any] = {}
    handlers: set[int] = set()  # who handled the case's round (S5)
    case = None
    for pk, kind, payload, case_id, compound, level, channel in events:
        if case_id != case:
            case, party, handlers = case_id, {}, set()
        if kind in RECORD_PARTY:
            party = payload
        actor = None
        if kind == EventKind.FILED:
            actor = staff.filer(compound, channel)
        elif kind in DESK:
            actor = staff.worker(compound)
            if kind == EventKind.DISPATCHED and actor:
                dispatched[actor].append(case_id)
                if party.get("level") == Level.COMMUNITY:  # handed to her own level: taken on
                    handlers.add(actor)
        elif kind in PARTY:
            actor = staff.party(compound, party)
            if kind != EventKind.RETURNED and actor:
                handlers.add(actor)
        elif kind == EventKind.SUPERVISED:
            actor = staff.above(compound, level)
        elif kind == EventKind.TERMINATED:
            actor = staff.street
        elif not payload:  # a seeded visit (the services' own record what they were)
            actor = staff.visitor(compound, handlers, case_id in exceptions)
            if actor:
                visited[actor].append(case_id)
        if actor:
            actors[actor].append(pk)
    for actor, pks in actors.items():
        for chunk in _chunks(pks):
            CaseEvent.objects.filter(pk__in=chunk).update(actor_id=actor)
    for actor, cases in dispatched.items():
        for chunk in _chunks(cases):
            Case.objects.filter(pk__in=chunk, dispatched_by=None).update(dispatched_by_id=actor)
    for actor, cases in visited.items():
        for chunk in _chunks(cases):
            CaseRating.objects.filter(case_id__in=chunk, by=None).update(
                by_id=actor, via=RatingVia.PHONE
            )
    return sum(len(pks) for pks in actors.values())


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for first in range(0, len(ids), CHUNK):
        yield ids[first : first + CHUNK]
