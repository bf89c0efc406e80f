"""Every write to the org tree goes through these functions (style.md, rule 2)."""

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from gongzhi.core import audit
from gongzhi.org import policies
from gongzhi.org.models import (
    AreaSource,
    Building,
    Community,
    Compound,
    Owner,
    OwnerMember,
    Person,
    PropertyCompany,
    Residency,
    Role,
    RoleGrant,
    Street,
    Unit,
)
from gongzhi.org.roster import RosterRow
from gongzhi.org.roster_export import rows_for_compound, write_workbook
from gongzhi.org.scopes import forget_scope


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
    """Create a unit; callers (seed, roster import) wrap many of these in one transaction."""
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


def _node_label(node: Any) -> str:
    names = []
    while node is not None:
        names.append(node.name)
        node = node.parent
    return " / ".join(reversed(names))


@transaction.atomic
def role_grant(
    *,
    actor: Any,
    user: Any,
    role: str,
    node: Any = None,
    company: PropertyCompany | None = None,
) -> RoleGrant:
    """Grant `role` at `node` (or, for property staff, at `company`). `actor=None` is the system
    (seeding, initial setup); a person must be a street officer above the node."""
    if role == Role.PROPERTY_STAFF:
        if company is None:
            raise ValueError("物业人员须指定所属物业企业")
        path, label = "", company.name
    else:
        if node is None:
            raise ValueError("请指定授权的组织节点")
        path, label = node.path, _node_label(node)
    if actor is not None and not policies.can_grant_roles(actor, path or None):
        audit.record(
            action="org.role_grant",
            actor=actor,
            obj=user,
            outcome="denied",
            detail={"role": role, "scope": label},
        )
        raise PermissionDenied("无权授予该角色")
    grant, _ = RoleGrant.objects.get_or_create(
        user=user,
        role=role,
        scope_path=path,
        company=company,
        defaults={"scope_label": label},
    )
    forget_scope(user)
    audit.record(
        action="org.role_grant", actor=actor, obj=user, detail={"role": role, "scope": label}
    )
    return grant


@transaction.atomic
def role_revoke(*, actor: Any, grant: RoleGrant) -> None:
    if not policies.can_grant_roles(actor, grant.scope_path or None):
        raise PermissionDenied("无权撤销该角色")
    audit.record(
        action="org.role_revoke",
        actor=actor,
        obj=grant.user,
        detail={"role": grant.role, "scope": grant.scope_label},
    )
    grant.delete()
    forget_scope(grant.user)


# --- The 楼盘表 (roster) --------------------------------------------------------------------


@dataclass(frozen=True)
class RosterReport:
    created: int
    updated: int
    unchanged: int

    def __str__(self) -> str:
        return f"新增 {self.created}，更新 {self.updated}，未变 {self.unchanged}"


@transaction.atomic
def roster_import(*, actor: Any, compound: Compound, rows: Sequence[RosterRow]) -> RosterReport:
    """Create or update the buildings, units, owners, persons and residencies of validated
    roster rows (`roster.parse`), all or nothing. `actor=None` is the system (a command)."""
    if actor is not None and not policies.can_manage_roster(actor, compound):
        raise PermissionDenied("无权管理该小区的楼盘表")
    sync = _RosterSync(actor, compound)
    outcomes = Counter(sync.apply(row) for row in rows)
    report = RosterReport(outcomes["created"], outcomes["updated"], outcomes["unchanged"])
    audit.record(
        action="org.roster_import",
        actor=actor,
        obj=compound,
        detail={"rows": len(rows), "created": report.created, "updated": report.updated},
    )
    return report


@transaction.atomic
def roster_export(*, actor: Any, compound: Compound) -> bytes:
    """The compound's roster as .xlsx with full contacts: an export of personal data (G4)."""
    if actor is not None and not policies.can_manage_roster(actor, compound):
        raise PermissionDenied("无权导出该小区的楼盘表")
    rows = rows_for_compound(compound)
    data = write_workbook(rows, title=compound.name)
    audit.record(
        action="pii.export",
        actor=actor,
        obj=compound,
        detail={"what": "楼盘表", "format": "xlsx", "rows": len(rows)},
    )
    return data


_UNIT_FIELD_LABELS = {
    "floor": "楼层",
    "area": "专有面积",
    "area_source": "面积来源",
    "ownership_status": "产权状态",
    "owner_id": "业主",
}


class _RosterSync:
    """Applies roster rows one by one against what the compound already holds."""

    def __init__(self, actor: Any, compound: Compound) -> None:
        self.actor = actor
        self.compound = compound
        self.today = timezone.localdate()
        self.buildings = {b.name: b for b in compound.buildings.all()}
        self.floors_checked: set[str] = set()
        units = Unit.objects.filter(building__compound=compound).select_related("building")
        self.units = {(u.building.name, u.entrance, u.room): u for u in units}
        # Owners by their set of members: the same person or group is the same Owner (V6).
        self.owners: dict[frozenset[int], tuple[Owner, int | None]] = {}
        members = OwnerMember.objects.filter(owner__compound=compound).exclude(
            owner__kind=Owner.Kind.DEVELOPER
        )
        grouped: dict[int, list[OwnerMember]] = defaultdict(list)
        for member in members.select_related("owner"):
            grouped[member.owner_id].append(member)
        for group in grouped.values():
            voter = next((m.person_id for m in group if m.is_designated_voter), None)
            self.owners[frozenset(m.person_id for m in group)] = (group[0].owner, voter)
        self.residencies: dict[int, list[Residency]] = defaultdict(list)
        current = Residency.objects.filter(unit__building__compound=compound, moved_out=None)
        for residency in current:
            self.residencies[residency.unit_id].append(residency)
        self.people: dict[Any, Person] = {}

    def apply(self, row: RosterRow) -> str:
        changed: set[str] = set()
        building = self._building(row, changed)
        owner, persons = self._owner(row, changed)
        fields = {
            "floor": row.floor,
            "area": row.area,
            "area_source": row.area_source,
            "ownership_status": row.status,
            "owner_id": owner.pk if owner else None,
        }
        unit = self.units.get(row.key)
        if unit is None:
            unit = unit_create(
                building=building,
                entrance=row.entrance,
                room=row.room,
                floor=row.floor,
                area=row.area,
                area_source=row.area_source,
                ownership_status=row.status,
                owner=owner,
            )
            self.units[row.key] = unit
            outcome, action = "created", "org.unit_create"
        else:
            diff = {k: v for k, v in fields.items() if getattr(unit, k) != v}
            for name, value in diff.items():
                setattr(unit, name, value)
            if diff:
                unit.save(update_fields=[name.removesuffix("_id") for name in diff])
                changed |= {_UNIT_FIELD_LABELS[name] for name in diff}
            outcome, action = ("updated" if changed else "unchanged"), "org.unit_update"
        if row.residents is not None and self._residents(unit, row, persons):
            changed.add("住户")
            outcome = "updated" if outcome == "unchanged" else outcome
        if outcome != "unchanged":
            detail = {"unit": unit.name, "changes": sorted(str(c) for c in changed)}
            audit.record(action=action, actor=self.actor, obj=unit, detail=detail)
        return outcome

    def _building(self, row: RosterRow, changed: set[str]) -> Building:
        building = self.buildings.get(row.building)
        if building is None:
            building = building_create(compound=self.compound, name=row.building, floors=row.floors)
            self.buildings[row.building] = building
            changed.add("楼栋")
        elif row.building not in self.floors_checked and building.floors != row.floors:
            building.floors = row.floors
            building.save(update_fields=["floors"])
            audit.record(
                action="org.building_update",
                actor=self.actor,
                obj=building,
                detail={"floors": row.floors},
            )
            changed.add("层数")
        self.floors_checked.add(row.building)
        return building

    def _owner(self, row: RosterRow, changed: set[str]) -> tuple[Owner | None, dict[str, Person]]:
        if row.status == Unit.Status.UNSOLD:
            name = row.developer_name or f"{self.compound.name}开发建设单位"
            return developer_owner(compound=self.compound, name=name), {}
        if not row.owners:
            return None, {}
        persons = [self._person(o.name, o.phone, o.id_number, changed) for o in row.owners]
        key = frozenset(p.pk for p in persons)
        owner, voter = self.owners.get(key, (None, None))
        if owner is None:
            owner = owners_bulk_create(compound=self.compound, groups=[persons])[0]
        elif voter != persons[0].pk:
            owner_set_designated_voter(owner=owner, person=persons[0])
            changed.add("指定投票人")
        self.owners[key] = (owner, persons[0].pk)
        return owner, {p.name: p for p in persons}

    def _person(self, name: str, phone: str, id_number: str, changed: set[str]) -> Person:
        """Matched by ID number, else by name and phone; created when unknown."""
        key = id_number or (name, phone)
        if key in self.people:
            return self.people[key]
        person = Person.objects.filter(id_number=id_number).first() if id_number else None
        if person is None:
            same = Person.objects.filter(name=name, phone=phone)
            person = (same.filter(id_number="") if id_number else same).order_by("id").first()
        if person is None:
            person = Person.objects.create(name=name, phone=phone, id_number=id_number)
            changed.add("人员")
        else:
            wanted = {"name": name, "phone": phone, "id_number": id_number or person.id_number}
            diff = {k: v for k, v in wanted.items() if getattr(person, k) != v}
            if diff:
                Person.objects.filter(pk=person.pk).update(**diff)
                for field, value in diff.items():
                    setattr(person, field, value)
                changed.add("人员信息")
        self.people[key] = person
        return person

    def _residents(self, unit: Unit, row: RosterRow, owners: dict[str, Person]) -> bool:
        """Make the unit's current residents those of the row; True when anything changed."""
        wanted: dict[int, tuple[Person, str]] = {}
        person_changes: set[str] = set()
        for entry in row.residents or ():
            if entry.kind == Residency.Kind.OWNER_OCCUPIER:
                person = owners[entry.name]
            else:
                person = self._person(entry.name, entry.phone, "", person_changes)
            wanted[person.pk] = (person, entry.kind)
        changed = bool(person_changes)
        current = {r.person_id: r for r in self.residencies[unit.pk]}
        for person_id, residency in current.items():
            if person_id not in wanted:
                residency.moved_out = self.today
                residency.save(update_fields=["moved_out"])
                changed = True
            elif residency.kind != wanted[person_id][1]:
                residency.kind = wanted[person_id][1]
                residency.save(update_fields=["kind"])
                changed = True
        for person_id, (person, kind) in wanted.items():
            if person_id not in current:
                self.residencies[unit.pk].append(
                    Residency.objects.create(
                        unit=unit, person=person, kind=kind, moved_in=self.today
                    )
                )
                changed = True
        return changed
