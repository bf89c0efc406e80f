"""Every user-facing read of the org tree, already scoped to the user."""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit, quantities
from gongzhi.core.calendar import local_zone
from gongzhi.core.masking import mask_id_number, mask_name, mask_phone
from gongzhi.org import policies
from gongzhi.org.models import (
    Building,
    Community,
    Compound,
    Person,
    Residency,
    Role,
    Street,
    Unit,
)
from gongzhi.org.scopes import scope_for


def communities_for(user: Any) -> QuerySet[Community]:
    """The communities a user works in, each with the number of its compounds they may open
    (a party branch of one compound sees one, not the community's four)."""
    visible = Compound.objects.visible_to(user).values("pk")
    return (
        Community.objects.visible_to(user)
        .select_related("street")
        .annotate(compound_count=Count("compounds", filter=Q(compounds__in=visible), distinct=True))
        .order_by("id")
    )


def streets_for(user: Any) -> QuerySet[Street]:
    return Street.objects.visible_to(user).order_by("id")


def community_get(user: Any, pk: int) -> Community:
    return get_object_or_404(Community.objects.visible_to(user).select_related("street"), pk=pk)


def compounds_for(user: Any, community: Community | None = None) -> QuerySet[Compound]:
    qs = Compound.objects.visible_to(user).select_related("community")
    if community is not None:
        qs = qs.filter(community=community)
    return qs.annotate(
        building_count=Count("buildings", distinct=True),
    ).order_by("id")


def compound_get(user: Any, pk: int) -> Compound:
    return get_object_or_404(
        Compound.objects.visible_to(user).select_related("community__street", "party_branch"),
        pk=pk,
    )


@dataclass(frozen=True)
class CompoundFigures:
    buildings: int
    units: int
    total_area: Any


def compound_figures(compound: Compound) -> CompoundFigures:
    totals = Unit.objects.filter(building__compound=compound).aggregate(
        units=Count("id"), area=Sum("area")
    )
    return CompoundFigures(
        buildings=compound.buildings.count(),
        units=totals["units"] or 0,
        total_area=quantities.area(totals["area"]),
    )


def buildings_for(user: Any, compound: Compound) -> QuerySet[Building]:
    return (
        Building.objects.visible_to(user)
        .filter(compound=compound)
        .annotate(unit_count=Count("units"))
        .order_by("id")
    )


def building_get(user: Any, pk: int) -> Building:
    return get_object_or_404(
        Building.objects.visible_to(user).select_related("compound__community"), pk=pk
    )


def units_for(user: Any, building: Building) -> QuerySet[Unit]:
    return (
        Unit.objects.visible_to(user)
        .filter(building=building)
        .select_related("owner")
        .prefetch_related("owner__members__person")
        .order_by("entrance", "floor", "room")
    )


def unit_get(user: Any, pk: int) -> Unit:
    return get_object_or_404(
        Unit.objects.visible_to(user).select_related("building__compound__community", "owner"),
        pk=pk,
    )


@dataclass(frozen=True)
class PersonCard:
    """A person as the viewer may see them: masked unless the viewer's role needs contacts."""

    name: str
    phone: str
    id_number: str
    relation: str
    masked: bool


def _card(person: Person, relation: str, reveal: bool) -> PersonCard:
    if reveal:
        return PersonCard(person.name, person.phone, person.id_number, relation, False)
    return PersonCard(
        mask_name(person.name),
        mask_phone(person.phone),
        mask_id_number(person.id_number),
        relation,
        True,
    )


def unit_people(user: Any, unit: Unit, *, reveal: bool = False) -> list[PersonCard]:
    """Owners and residents of a unit. `reveal=True` shows full contacts to a role allowed to
    see them, and writes that view to the audit log (domain rule G2)."""
    reveal = reveal and policies.can_view_contacts(user, unit)
    # One line per person: an owner who lives in the unit is shown once, as "业主 · 自住".
    relations: dict[int, tuple[Person, list[str]]] = {}
    if unit.owner_id:
        for member in unit.owner.members.select_related("person"):
            relation = _("业主（指定投票人）") if member.is_designated_voter else _("共有人")
            relations[member.person_id] = (member.person, [relation])
    residencies = Residency.objects.filter(unit=unit, moved_out__isnull=True).select_related(
        "person"
    )
    for residency in residencies:
        if residency.person_id in relations:
            if residency.kind == Residency.Kind.OWNER_OCCUPIER:
                relations[residency.person_id][1].append(_("自住"))
            continue
        relations[residency.person_id] = (residency.person, [residency.get_kind_display()])
    cards = [_card(person, " · ".join(labels), reveal) for person, labels in relations.values()]
    if reveal:
        audit.record(
            action="pii.view",
            actor=user,
            obj=unit,
            detail={"people": len(cards), "unit": unit.name},
        )
    return cards


def households_of(user: Any) -> QuerySet[Unit]:
    """The units where the user is a resident (their home page)."""
    scope = scope_for(user)
    paths = scope.paths({Role.RESIDENT})
    return (
        Unit.objects.filter(path__in=paths)
        .select_related("building__compound__community", "owner")
        .order_by("id")
    )


# C4: renewal or a new selection starts six months before the contract ends.
RENEWAL_NOTICE_DAYS = 183


@dataclass(frozen=True)
class ContractTerm:
    """Where the serving contract stands today (C4): `lapsed` (past its end, continuing
    open-ended, 民法典 Art. 948), `renewal_due` (within six months of its end, `days_left`),
    or neither."""

    lapsed: bool = False
    renewal_due: bool = False
    days_left: int = 0


def contract_term(contract: Any, today: dt.date) -> ContractTerm:
    if contract is None or contract.end is None:
        return ContractTerm()
    days_left = (contract.end - today).days
    if days_left < 0:
        return ContractTerm(lapsed=True)
    return ContractTerm(renewal_due=days_left <= RENEWAL_NOTICE_DAYS, days_left=days_left)


@dataclass(frozen=True)
class CompoundParties:
    """The three parties of a compound as anyone in scope may see them (names masked)."""

    party_branch: Any
    party_members: list[PersonCard]
    committee: Any
    committee_members: list[PersonCard]
    contract: Any
    commitments: list[Any]
    grids: list[Any]
    term: ContractTerm
    today: dt.date


def compound_parties(compound: Compound) -> CompoundParties:
    from gongzhi.org.models import CommitteeMember, PartyBranchMember, ServiceContract

    branch = getattr(compound, "party_branch", None)
    party_members = []
    if branch is not None:
        for member in PartyBranchMember.objects.filter(branch=branch).select_related("person"):
            party_members.append(_card(member.person, member.duty, reveal=False))
    committee = compound.committees.order_by("-term_start").first()
    committee_members = []
    if committee is not None:
        for member in CommitteeMember.objects.filter(committee=committee).select_related("person"):
            committee_members.append(_card(member.person, member.get_office_display(), False))
    contract = (
        ServiceContract.objects.filter(compound=compound)
        .select_related("company")
        .order_by("-start")
        .first()
    )
    commitments = list(contract.commitments.order_by("due")) if contract else []
    grids = list(
        compound.community.grids.filter(buildings__compound=compound).distinct().order_by("name")
    )
    today = timezone.localdate(timezone.now(), local_zone())
    return CompoundParties(
        branch,
        party_members,
        committee,
        committee_members,
        contract,
        commitments,
        grids,
        contract_term(contract, today),
        today,
    )


# How people write a building and a flat: 3号楼 / 3幢 / 3栋, 2单元502室, 2-502.
_BUILDING_SPELLINGS = (("号楼", "栋"), ("幢", "栋"), ("座", "栋"))
_FLAT = re.compile(r"(\d+)\s*(?:单元|-)\s*(\d+)")
# A flat written right after the building, the only spellings that cannot mean anything else:
# 2单元502 / 2-502 (entrance and room), or 502室 / 502 alone (the room, any entrance).
_FLAT_AFTER_BUILDING = re.compile(r"(?P<entrance>\d{1,2})(?:单元|-)(?P<room>\d{3,4})")
_ROOM_AFTER_BUILDING = re.compile(r"(?P<room>\d{3,4})")
# What may follow such a room for it to be a room: 室/房, 号 ending the text (not 号楼, 号车位),
# the end, a separator; after 2单元502 any other word too (2单元502业主…). Never a digit, a
# range (2-3楼), a year, an amount, a count or a floor (3栋1单元2024年, 1单元120户, 1单元3楼).
_NOT_A_ROOM_AFTER = frozenset("0123456789.-~～—至到年元块万米平个次户人天楼层栋幢座单号车位")
_SEPARATORS = frozenset("，,。.；;、：:（()）《》 \t\n")


def _building_in(compound: Compound, address: str) -> tuple[Building | None, str]:
    """The building of `compound` an address names, and what is written after it."""
    text = address.replace(" ", "").replace("\u3000", "")
    for spelling, ours in _BUILDING_SPELLINGS:
        text = text.replace(spelling, ours)
    if compound.name:
        text = text.split(compound.name, 1)[-1]
    if not text:  # nothing written (a staff intake without an address): no buildings to read
        return None, ""
    found: list[tuple[Building, re.Match[str]]] = []
    for building in compound.buildings.all():
        if not building.name:
            continue
        # "1栋" is not named by "11栋": a name starting with a digit needs none before it.
        before = r"(?<!\d)" if building.name[0].isdigit() else ""
        match = re.search(before + re.escape(building.name), text)
        if match is not None:
            found.append((building, match))
    if not found:
        return None, ""
    building, match = max(found, key=lambda item: len(item[0].name))  # 11栋 over 1栋
    return building, text[match.end() :]


def place_in_compound(compound: Compound, address: str) -> tuple[Building | None, Unit | None]:
    """The building and unit a written address names inside a compound, or None where it
    names none for sure (a staff intake or hotline address: "A小区3号楼2单元502室")."""
    building, rest = _building_in(compound, address)
    if building is None:
        return None, None
    flat = _FLAT.search(rest)
    if flat is None:
        return building, None
    unit = Unit.objects.filter(building=building, entrance=flat[1], room=flat[2]).first()
    return building, unit


def _room_ends(tail: str, *, after_entrance: bool) -> bool:
    """Whether what follows a written room number leaves it a room for sure."""
    if not tail or tail[0] in "室房" or tail[0] in _SEPARATORS:
        return True
    if tail[0] == "号":
        return len(tail) == 1 or tail[1] == "室" or tail[1] in _SEPARATORS
    return after_entrance and tail[0] not in _NOT_A_ROOM_AFTER and not tail[0].isascii()


def _number(text: str) -> str:
    return text.lstrip("0") or "0"  # 0301 is room 301


def missing_flat(compound: Compound, address: str) -> tuple[Building, str] | None:
    """(building, the flat as written, e.g. "1单元3001" or "301室") when an address names a
    building of the compound and, unmistakably, a flat that building does not have; None when it
    names none, names one that exists, or only might name one (free text: "9栋1-3楼", "小区东门").
    A building whose households were never registered (no 楼盘表) has no flat to check against."""
    building, rest = _building_in(compound, address)
    if building is None:
        return None
    rooms = {(_number(e), _number(r)) for e, r in building.units.values_list("entrance", "room")}
    if not rooms:
        return None
    flat = _FLAT_AFTER_BUILDING.match(rest)
    if flat is not None:
        if not _room_ends(rest[flat.end() :], after_entrance=True):
            return None
        entrance, room = _number(flat["entrance"]), _number(flat["room"])
        if (entrance, room) in rooms:
            return None
        return building, f"{flat['entrance']}单元{flat['room']}"
    alone = _ROOM_AFTER_BUILDING.match(rest)
    if alone is None or not _room_ends(rest[alone.end() :], after_entrance=False):
        return None
    if any(room == _number(alone["room"]) for _, room in rooms):
        return None
    return building, f"{alone['room']}室"
