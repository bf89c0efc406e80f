"""The 楼盘表 (roster): all-or-nothing import of validated rows, and the audited export."""

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.org import policies
from gongzhi.org.models import Building, Compound, Owner, OwnerMember, Person, Residency, Unit
from gongzhi.org.roster import RosterRow
from gongzhi.org.roster_export import rows_for_compound, write_workbook
from gongzhi.org.services.tree import (
    building_create,
    developer_owner,
    owner_set_designated_voter,
    owners_bulk_create,
    unit_create,
)


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
        raise PermissionDenied(_("无权管理该小区的楼盘表"))
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
        raise PermissionDenied(_("无权导出该小区的楼盘表"))
    rows = rows_for_compound(compound)
    data = write_workbook(rows, compound=compound)
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
