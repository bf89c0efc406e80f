"""Every user-facing read of the org tree, already scoped to the user."""

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.shortcuts import get_object_or_404

from gongzhi.core import audit, quantities
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
    return (
        Community.objects.visible_to(user)
        .select_related("street")
        .annotate(compound_count=Count("compounds", distinct=True))
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
            relation = "业主（指定投票人）" if member.is_designated_voter else "共有人"
            relations[member.person_id] = (member.person, [relation])
    residencies = Residency.objects.filter(unit=unit, moved_out__isnull=True).select_related(
        "person"
    )
    for residency in residencies:
        if residency.person_id in relations:
            if residency.kind == Residency.Kind.OWNER_OCCUPIER:
                relations[residency.person_id][1].append("自住")
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
    return CompoundParties(
        branch, party_members, committee, committee_members, contract, commitments, grids
    )


# How people write a building and a flat: 3号楼 / 3幢 / 3栋, 2单元502室, 2-502.
_BUILDING_SPELLINGS = (("号楼", "栋"), ("幢", "栋"), ("座", "栋"))
_FLAT = re.compile(r"(\d+)\s*(?:单元|-)\s*(\d+)")


def place_in_compound(compound: Compound, address: str) -> tuple[Building | None, Unit | None]:
    """The building and unit a written address names inside a compound, or None where it
    names none for sure (a staff intake or hotline address: "A小区3号楼2单元502室")."""
    text = address.replace(" ", "").replace("　", "")
    for spelling, ours in _BUILDING_SPELLINGS:
        text = text.replace(spelling, ours)
    if compound.name:
        text = text.split(compound.name, 1)[-1]
    named = [b for b in compound.buildings.all() if b.name and b.name in text]
    if not named:
        return None, None
    building = max(named, key=lambda b: len(b.name))  # 11栋 over 1栋
    flat = _FLAT.search(text.split(building.name, 1)[-1])
    if flat is None:
        return building, None
    unit = Unit.objects.filter(building=building, entrance=flat[1], room=flat[2]).first()
    return building, unit
