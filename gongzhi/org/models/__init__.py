"""The org tree, people and ownership (`tree`), logins and roles (`accounts`), and the three
parties (`parties`). Every model is importable from `gongzhi.org.models`."""

from gongzhi.org.models.accounts import Role, RoleGrant, User
from gongzhi.org.models.parties import (
    Commitment,
    CommitteeMember,
    FeeMode,
    Grid,
    OwnersCommittee,
    PartyBranch,
    PartyBranchMember,
    PropertyCompany,
    ServiceContract,
)
from gongzhi.org.models.tree import (
    AreaSource,
    Building,
    Community,
    Compound,
    Node,
    NodeKind,
    Owner,
    OwnerMember,
    Person,
    Residency,
    Street,
    Unit,
)

__all__ = [
    "AreaSource",
    "Building",
    "CommitteeMember",
    "Commitment",
    "Community",
    "Compound",
    "FeeMode",
    "Grid",
    "Node",
    "NodeKind",
    "Owner",
    "OwnerMember",
    "OwnersCommittee",
    "PartyBranch",
    "PartyBranchMember",
    "Person",
    "PropertyCompany",
    "Residency",
    "Role",
    "RoleGrant",
    "ServiceContract",
    "Street",
    "Unit",
    "User",
]
