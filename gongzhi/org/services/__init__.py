"""Every write to the org tree goes through these functions (style.md, rule 2)."""

from gongzhi.org.services.roles import role_grant, role_revoke
from gongzhi.org.services.roster import RosterReport, roster_export, roster_import
from gongzhi.org.services.tree import (
    building_create,
    community_create,
    compound_create,
    developer_owner,
    owner_for_person,
    owner_set_designated_voter,
    owners_bulk_create,
    street_create,
    unit_create,
    units_bulk_create,
)

__all__ = [
    "RosterReport",
    "building_create",
    "community_create",
    "compound_create",
    "developer_owner",
    "owner_for_person",
    "owner_set_designated_voter",
    "owners_bulk_create",
    "role_grant",
    "role_revoke",
    "roster_export",
    "roster_import",
    "street_create",
    "unit_create",
    "units_bulk_create",
]
