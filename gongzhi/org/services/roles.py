"""Roles granted at a node of the org tree (or, for property staff, at a company)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.org import policies
from gongzhi.org.models import PropertyCompany, Role, RoleGrant
from gongzhi.org.scopes import forget_scope


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
        raise PermissionDenied(_("无权授予该角色"))
    grant, _created = RoleGrant.objects.get_or_create(
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
        raise PermissionDenied(_("无权撤销该角色"))
    audit.record(
        action="org.role_revoke",
        actor=actor,
        obj=grant.user,
        detail={"role": grant.role, "scope": grant.scope_label},
    )
    grant.delete()
    forget_scope(grant.user)
