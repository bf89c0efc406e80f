"""Who took part in a case, for the rules that keep them from judging their own work (S5): the
staff of each level, whoever handled the current round, whoever filed a case naming no
requester. Re-exported by `policies`, which decides with them."""

from typing import Any

from gongzhi.cases.choices import Level
from gongzhi.cases.models import Case, EventKind
from gongzhi.org.models import Role
from gongzhi.org.scopes import scope_for

# Who works at each level a case may be assigned to (the street also liaises with departments).
LEVEL_ROLES: dict[str, frozenset[str]] = {
    Level.COMMUNITY: frozenset({Role.COMMUNITY_WORKER}),
    Level.STREET: frozenset({Role.STREET_OFFICER}),
    Level.DEPARTMENT: frozenset({Role.STREET_OFFICER}),
}

# S5: who did the work of a round. Handing it over to one's own level (a community worker
# dispatching to the community) is taking it on too.
_HANDLING = frozenset({EventKind.ACCEPTED, EventKind.STARTED, EventKind.RESOLVED})
_HANDING_OVER = frozenset({EventKind.DISPATCHED, EventKind.REASSIGNED})


def handled_round(user: Any, case: Case) -> bool:
    """Whether `user` took part in handling the case's current round: signed for it (签收),
    started (开始办理) or resolved it (处置), or handed it over (交办, 改派) to their own level.
    Such a person does not record the round's return visit (S5): the rating says how the
    requester judges the work, not how its own handler does."""
    pk = getattr(user, "pk", None)
    if pk is None:
        return False
    events = case.events.filter(actor_id=pk, kind__in=sorted(_HANDLING | _HANDING_OVER))
    reopened = (
        case.events.filter(kind=EventKind.REOPENED).order_by("-id").values_list("pk", flat=True)
    ).first()
    if reopened is not None:  # 重办 starts the round
        events = events.filter(pk__gt=reopened)
    scope = scope_for(user)
    for kind, payload in events.values_list("kind", "payload"):
        if kind in _HANDLING:
            return True
        roles = LEVEL_ROLES.get((payload or {}).get("level", ""))
        if roles and scope.covers(case.compound.path, roles):
            return True
    return False


def filed_unrequested(user: Any, case: Case) -> bool:
    """S5: `user` recorded the case and it names no requester (no account, name nor phone: their
    own 民情前哨, 巡查 or 网格员上报). They are its only source, so their visit would rate their
    own report and count in 满意率 as a requester's: another member of staff records it."""
    pk = getattr(user, "pk", None)
    if pk is None or case.created_by_id != pk or case.requester_id is not None:
        return False
    return not (case.requester_name.strip() or case.requester_phone.strip())
