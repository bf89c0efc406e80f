"""The scoped queryset of cases: who sees which case (one rule, used by every read)."""

from typing import Any, Self

from django.db.models import Q

from gongzhi.cases.workflow import OPEN_STATUSES
from gongzhi.org.models import Role
from gongzhi.org.querysets import ScopedQuerySet
from gongzhi.org.scopes import scope_for

# Roles that see every case of the compounds in their scope.
CASE_READER_ROLES = frozenset(
    {Role.STREET_OFFICER, Role.COMMUNITY_WORKER, Role.GRID_WORKER, Role.PARTY_MEMBER}
)


class CaseQuerySet(ScopedQuerySet):
    """Who sees which case (documented in /work/notes/cases-api.md):

    - everyone: cases they filed or are the requester of;
    - street officer, community and grid workers, party-branch members: every case of the
      compounds in their scope (the party branch leads the three parties of its compound);
    - owners'-committee members: only cases of their compound the requester allowed to publish
      (`is_public`): the committee is a party often complained about, not a case handler;
    - property staff: only cases assigned to their company, in compounds their company serves.
    """

    def visible_to(self, user: Any) -> Self:
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        scope = scope_for(user)
        if scope.everything:
            return self
        condition = Q(requester=user) | Q(created_by=user)
        if scope.roles & CASE_READER_ROLES:
            condition |= scope.q("compound__path", CASE_READER_ROLES)
        if Role.COMMITTEE_MEMBER in scope.roles:
            condition |= scope.q("compound__path", {Role.COMMITTEE_MEMBER}) & Q(is_public=True)
        if scope.company_ids:
            condition |= scope.q("compound__path", {Role.PROPERTY_STAFF}) & Q(
                assigned_company_id__in=scope.company_ids
            )
        return self.filter(condition)

    def open(self) -> Self:
        return self.filter(status__in=OPEN_STATUSES)
