"""Who may do what in the org tree. One condition per line; scope comes from `scopes`."""

from typing import Any

from gongzhi.org.models import Compound, Role, Unit
from gongzhi.org.scopes import scope_for

# Roles whose work needs residents' contact details (domain rule G2).
CONTACT_ROLES = frozenset(
    {Role.STREET_OFFICER, Role.COMMUNITY_WORKER, Role.GRID_WORKER, Role.PROPERTY_STAFF}
)
ROSTER_ROLES = frozenset({Role.STREET_OFFICER, Role.COMMUNITY_WORKER})
STAFF_ROLES = frozenset(
    {
        Role.STREET_OFFICER,
        Role.COMMUNITY_WORKER,
        Role.GRID_WORKER,
        Role.PARTY_MEMBER,
        Role.COMMITTEE_MEMBER,
        Role.PROPERTY_STAFF,
    }
)


def is_staff_member(user: Any) -> bool:
    scope = scope_for(user)
    return scope.everything or bool(scope.roles & STAFF_ROLES)


def can_view_contacts(user: Any, unit: Unit) -> bool:
    """Unmasked phone and ID numbers of a household: staff who serve it, or the household."""
    scope = scope_for(user)
    if scope.everything:
        return True
    if scope.covers(unit.path, CONTACT_ROLES):
        return True
    return scope.covers(unit.path, {Role.RESIDENT})


def can_manage_roster(user: Any, compound: Compound) -> bool:
    """Import, export and edit the 楼盘表 of a compound."""
    return scope_for(user).covers(compound.path, ROSTER_ROLES)


def can_grant_roles(user: Any, path: str | None) -> bool:
    """Street officers grant roles below their node; `path=None` (a company grant) needs any."""
    scope = scope_for(user)
    if path is None:
        return scope.everything or Role.STREET_OFFICER in scope.roles
    return scope.covers(path, {Role.STREET_OFFICER})
