"""Creating the org tree: street → community → compound → building → unit, and owners (V6)."""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat

from gongzhi.core import audit
from gongzhi.org.models import (
    AreaSource,
    Building,
    Community,
    Compound,
    Owner,
    OwnerMember,
    Person,
    Street,
    Unit,
)


def _set_path(node: Any, prefix: str, letter: str) -> None:
    node.path = f"{prefix}{letter}{node.pk}/"
    type(node).objects.filter(pk=node.pk).update(path=node.path)


@transaction.atomic
def street_create(*, name: str, code: str, district: str = "", city: str = "") -> Street:
    street = Street.objects.create(name=name, code=code, district=district, city=city)
    _set_path(street, "", "S")
    audit.record(action="org.street_create", obj=street, detail={"name": name})
    return street


@transaction.atomic
def community_create(*, street: Street, name: str) -> Community:
    community = Community.objects.create(street=street, name=name)
    _set_path(community, street.path, "C")
    audit.record(action="org.community_create", obj=community, detail={"name": name})
    return community


@transaction.atomic
def compound_create(*, community: Community, name: str, **fields: Any) -> Compound:
    compound = Compound.objects.create(community=community, name=name, **fields)
    _set_path(compound, community.path, "P")
    audit.record(action="org.compound_create", obj=compound, detail={"name": name})
    return compound


@transaction.atomic
def building_create(*, compound: Compound, name: str, floors: int = 6) -> Building:
    building = Building.objects.create(compound=compound, name=name, floors=floors)
    _set_path(building, compound.path, "B")
    audit.record(
        action="org.building_create", obj=building, detail={"name": name, "floors": floors}
    )
    return building


def unit_create(
    *,
    building: Building,
    entrance: str,
    room: str,
    area: Decimal,
    floor: int = 1,
    area_source: str = AreaSource.REGISTERED,
    ownership_status: str = Unit.Status.REGISTERED,
    owner: Owner | None = None,
) -> Unit:
    """Create a unit; callers (seed, roster import) wrap many of these in one transaction and
    write the audit row themselves, with what changed besides the unit (owners, residents)."""
    unit = Unit.objects.create(
        building=building,
        name=f"{building.name}{entrance}单元{room}",
        entrance=entrance,
        room=room,
        floor=floor,
        area=area,
        area_source=area_source,
        ownership_status=ownership_status,
        owner=owner,
    )
    _set_path(unit, building.path, "U")
    return unit


def units_bulk_create(*, units: Sequence[Unit]) -> list[Unit]:
    """Insert many new (unsaved) units at once and set their paths with one UPDATE per
    building; for seeding and large imports. Callers wrap it in their transaction."""
    for unit in units:
        unit.name = unit.name or f"{unit.building.name}{unit.entrance}单元{unit.room}"
    created = Unit.objects.bulk_create(units, batch_size=500)
    for building in {unit.building_id: unit.building for unit in created}.values():
        Unit.objects.filter(building=building, path="").update(
            path=Concat(Value(f"{building.path}U"), Cast("id", CharField()), Value("/"))
        )
    for unit in created:
        unit.path = f"{unit.building.path}U{unit.pk}/"
    return created


def owners_bulk_create(*, compound: Compound, groups: Sequence[Sequence[Person]]) -> list[Owner]:
    """One new Owner per group of saved persons (the first is the designated voter); a group
    of one is a personal owner. The caller makes sure no group already owns in the compound."""
    owners = Owner.objects.bulk_create(
        [
            Owner(compound=compound, kind=Owner.Kind.PERSON if len(g) == 1 else Owner.Kind.CO_OWNED)
            for g in groups
        ],
        batch_size=500,
    )
    OwnerMember.objects.bulk_create(
        [
            OwnerMember(owner=owner, person=person, is_designated_voter=index == 0)
            for owner, group in zip(owners, groups, strict=True)
            for index, person in enumerate(group)
        ],
        batch_size=500,
    )
    return owners


def owner_for_person(*, compound: Compound, person: Person) -> Owner:
    """The person's owning party in this compound: one head however many units (rule V6)."""
    existing = Owner.objects.filter(
        compound=compound, kind=Owner.Kind.PERSON, members__person=person
    ).first()
    if existing:
        return existing
    owner = Owner.objects.create(compound=compound, kind=Owner.Kind.PERSON)
    OwnerMember.objects.create(owner=owner, person=person, is_designated_voter=True)
    return owner


def owner_set_designated_voter(*, owner: Owner, person: Person) -> None:
    """A co-owned unit votes through one designated member (rule V6)."""
    owner.members.exclude(person=person).update(is_designated_voter=False)
    owner.members.filter(person=person).update(is_designated_voter=True)


def developer_owner(*, compound: Compound, name: str) -> Owner:
    """All unsold units of the developer count as one owner (rule V6)."""
    owner, _ = Owner.objects.get_or_create(
        compound=compound, kind=Owner.Kind.DEVELOPER, defaults={"developer_name": name}
    )
    return owner
