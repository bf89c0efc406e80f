"""A user's scope: the tree paths each of their roles covers. One rule serves every read.

A path looks like "S1/C3/P12/B40/U900/"; a grant at path P covers every object whose path
starts with P. Property staff cover the compounds whose current contract is their company's.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

_CACHE_ATTR = "_gongzhi_scope"


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    everything: bool = False
    grants: tuple[tuple[str, str], ...] = ()  # (role, path)
    company_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(role for role, _ in self.grants)

    def paths(self, roles: set[str] | frozenset[str] | None = None) -> list[str]:
        return sorted({path for role, path in self.grants if roles is None or role in roles})

    def covers(self, path: str, roles: set[str] | frozenset[str] | None = None) -> bool:
        if self.everything:
            return True
        return any(path.startswith(p) for p in self.paths(roles))

    def q(self, path_field: str, roles: set[str] | frozenset[str] | None = None) -> Q:
        """A filter matching objects whose `path_field` lies under one of the scope's paths."""
        if self.everything:
            return Q()
        q = Q(pk__in=[])
        for path in self.paths(roles):
            q |= Q(**{f"{path_field}__startswith": path})
        return q

    def ancestor_paths(self) -> set[str]:
        """Paths of the nodes above each grant (a resident may read their own compound)."""
        ancestors: set[str] = set()
        for path in self.paths():
            parts = path.rstrip("/").split("/")
            for i in range(1, len(parts)):
                ancestors.add("/".join(parts[:i]) + "/")
        return ancestors


def current_company_compounds(company_ids: set[int], today: dt.date | None = None) -> dict:
    """{compound path: company id} for compounds whose current contract is one of these companies.

    The current contract is the latest one that has started; a lapsed contract continues until
    a successor starts (domain rule C4).
    """
    from gongzhi.org.models import ServiceContract

    today = today or timezone.localdate()
    latest: dict[int, tuple[dt.date, int, str]] = {}
    rows = (
        ServiceContract.objects.filter(start__lte=today)
        .values_list("compound_id", "start", "company_id", "compound__path")
        .order_by("compound_id", "start", "id")
    )
    for compound_id, start, company_id, path in rows:
        latest[compound_id] = (start, company_id, path)
    return {path: company for _, company, path in latest.values() if company in company_ids}


def scope_for(user: Any) -> Scope:
    """The user's scope, computed once per user object (per request)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Scope(user_id=None)
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from gongzhi.org.models import Role, RoleGrant

    if user.is_superuser:
        scope = Scope(user_id=user.pk, everything=True)
    else:
        grants: list[tuple[str, str]] = []
        company_ids: set[int] = set()
        for role, path, company_id in RoleGrant.objects.filter(user=user).values_list(
            "role", "scope_path", "company_id"
        ):
            if role == Role.PROPERTY_STAFF and company_id:
                company_ids.add(company_id)
            elif path:
                grants.append((role, path))
        if company_ids:
            for path in current_company_compounds(company_ids):
                grants.append((Role.PROPERTY_STAFF, path))
        scope = Scope(user_id=user.pk, grants=tuple(grants), company_ids=frozenset(company_ids))
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user: Any) -> None:
    """Drop the cached scope after the user's grants change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
