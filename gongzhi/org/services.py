"""Every write to the org tree goes through these functions (style.md, rule 2)."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

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
    Role,
    RoleGrant,
    Street,
    Unit,
)
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
