"""Who may do what with a case. One condition per line; scope comes from `org.scopes`.

The assigned party of a case (S2 交办) is whoever works at its `assigned_level`:
compound → the assigned property company's staff; community → community workers;
street and department (吹哨, the street liaises with the department) → street officers.
Staff of the assigned company keep working on a case escalated above them, but may no longer
退单 or 延期 it: a company does not refuse, nor delay, work taken above it for being late (S4).
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongzhi.cases.choices import ACCUSING_TYPES, Level
from gongzhi.cases.models import Case
from gongzhi.org import policies as org_policies
from gongzhi.org.models import Compound, Role, Street
from gongzhi.org.scopes import scope_for

# Who files cases on a resident's behalf (hotline, grid, sentinel, visit, patrol, property line).
INTAKE_ROLES = frozenset(
    {
        Role.STREET_OFFICER,
        Role.COMMUNITY_WORKER,
        Role.GRID_WORKER,
        Role.PARTY_MEMBER,
        Role.PROPERTY_STAFF,
    }
)
# 研判/交办/督办/审批: the community and the street.
DISPATCH_ROLES = frozenset({Role.STREET_OFFICER, Role.COMMUNITY_WORKER})
SUPERVISOR_ROLES = DISPATCH_ROLES
# Return visits by phone or in person (回访).
VISIT_ROLES = frozenset({Role.STREET_OFFICER, Role.COMMUNITY_WORKER, Role.GRID_WORKER})
# Roles that may read a requester's name and phone (G2), subject to `can_view_requester`.
CONTACT_ROLES = frozenset({Role.STREET_OFFICER, Role.COMMUNITY_WORKER, Role.GRID_WORKER})
LEVEL_ROLES: dict[str, frozenset[str]] = {
    Level.COMMUNITY: frozenset({Role.COMMUNITY_WORKER}),
    Level.STREET: frozenset({Role.STREET_OFFICER}),
    Level.DEPARTMENT: frozenset({Role.STREET_OFFICER}),
}


def _is_resident_of(user: Any, compound: Compound) -> bool:
    scope = scope_for(user)
    return any(path.startswith(compound.path) for path in scope.paths({Role.RESIDENT}))


def can_file(user: Any, compound: Compound) -> bool:
    """A resident files for their own compound; intake staff for any compound in scope."""
    scope = scope_for(user)
    if scope.everything:
        return True
    if scope.covers(compound.path, INTAKE_ROLES):
        return True
    return _is_resident_of(user, compound)


def is_intake_staff(user: Any, compound: Compound) -> bool:
    """Files on someone's behalf, from any channel (otherwise: a resident filing online)."""
    scope = scope_for(user)
    return scope.everything or scope.covers(compound.path, INTAKE_ROLES)


def can_dispatch(user: Any, case: Case) -> bool:
    """研判, 交办, 不予受理, 咨询答复: community workers and street officers in scope."""
    return scope_for(user).covers(case.compound.path, DISPATCH_ROLES)


def can_dispatch_to(user: Any, case: Case, level: str) -> bool:
    """Only the street designates a street-level unit or blows the whistle to a department."""
    if level in (Level.STREET, Level.DEPARTMENT):
        return scope_for(user).covers(case.compound.path, {Role.STREET_OFFICER})
    return can_dispatch(user, case)


def is_street_officer_for(user: Any, case: Case) -> bool:
    return scope_for(user).covers(case.compound.path, {Role.STREET_OFFICER})


def holds_level(user: Any, case: Case) -> bool:
    """Staff of the level the case is assigned to: community workers, or the street."""
    scope = scope_for(user)
    if scope.everything:
        return True
    roles = LEVEL_ROLES.get(case.assigned_level)
    return bool(roles) and scope.covers(case.compound.path, roles)


def can_handle(user: Any, case: Case) -> bool:
    """签收, 办理, 处置: the assigned party (退单: `can_return`; 延期: `can_extend`)."""
    scope = scope_for(user)
    if case.assigned_company_id and case.assigned_company_id in scope.company_ids:
        if scope.covers(case.compound.path, {Role.PROPERTY_STAFF}):
            return True
    return holds_level(user, case)


def is_late_company(user: Any, case: Case) -> bool:
    """The party of a case escalated above it for being late (S4), and not of the level now
    holding it: it keeps the work (签收, 办理, 处置) but may no longer 退单 or 延期."""
    return case.escalation_level > 0 and can_handle(user, case) and not holds_level(user, case)


def _refuse_late_company(case: Case, message: str) -> PermissionDenied:
    """The refusal the late company reads: `message` with the level the case is at and whom
    to turn to (the community, or the street above it)."""
    level = case.assigned_level or Level.COMMUNITY
    contact = Level.COMMUNITY if level == Level.COMMUNITY else Level.STREET
    return PermissionDenied(message % {"level": Level(level).label, "contact": contact.label})


def escalated_limits_note(user: Any, case: Case) -> str:
    """For the late company: why 退单 and 延期 are gone (the buttons simply are not offered),
    and whom to turn to. Empty for everyone else."""
    if not is_late_company(user, case):
        return ""
    message = _(
        "该诉求已超时升级至%(level)s：物业企业继续办理，但不能退单或延期；如有困难，请联系%(contact)s"
    )
    return str(_refuse_late_company(case, message))


def can_return(user: Any, case: Case) -> bool:
    """退单: the assigned party, but not the late company."""
    return can_handle(user, case) and not is_late_company(user, case)


def check_can_return(user: Any, case: Case) -> None:
    """PermissionDenied unless `can_return`; the late company is told why and whom to turn to
    (the 退单 button is not offered to it, but a page open since is)."""
    if is_late_company(user, case):
        raise _refuse_late_company(
            case,
            _("该诉求已超时升级至%(level)s，物业企业不能退单；如确非本单位职责，请联系%(contact)s"),
        )
    if not can_return(user, case):
        raise PermissionDenied


def can_reassign_from(user: Any, case: Case) -> bool:
    """改派 at all: a dispatcher; a community worker never takes a case out of the street's
    hands (held at the street or a department, or a unit the street designated)."""
    if not can_dispatch(user, case):
        return False
    if is_street_officer_for(user, case):
        return True
    if case.assigned_level in (Level.STREET, Level.DEPARTMENT):
        return False
    return not case.designated_by_street


def can_reassign(user: Any, case: Case, level: str) -> bool:
    """改派 to a party at `level`: taking it from the current party, and dispatching there."""
    return can_reassign_from(user, case) and can_dispatch_to(user, case, level)


def can_extend(user: Any, case: Case) -> bool:
    """延期: dispatchers, and the assigned party but not the late company: it does not push
    back the deadline of work taken above it for missing that deadline."""
    if can_dispatch(user, case):
        return True
    return can_handle(user, case) and not is_late_company(user, case)


def check_can_extend(user: Any, case: Case) -> None:
    """PermissionDenied unless `can_extend`; the late company is told why."""
    if can_extend(user, case):
        return
    if is_late_company(user, case):
        raise _refuse_late_company(
            case,
            _("该诉求已超时升级至%(level)s，物业企业不能延期；如需延长办理期限，请联系%(contact)s"),
        )
    raise PermissionDenied


def can_supervise(user: Any, case: Case) -> bool:
    """督办, 审批终止, 例外办结."""
    return scope_for(user).covers(case.compound.path, SUPERVISOR_ROLES)


def can_request_termination(user: Any, case: Case) -> bool:
    return can_handle(user, case) or can_dispatch(user, case)


def can_visit(user: Any, case: Case) -> bool:
    """回访评价: the requester online, or visit staff by phone or in person."""
    if case.requester_id is not None and case.requester_id == getattr(user, "pk", None):
        return True
    return scope_for(user).covers(case.compound.path, VISIT_ROLES)


def can_attach(user: Any, case: Case) -> bool:
    """Photos from the requester; evidence from whoever works on the case."""
    if case.requester_id is not None and case.requester_id == getattr(user, "pk", None):
        return True
    return can_handle(user, case) or can_dispatch(user, case) or can_visit(user, case)


def can_view_requester(user: Any, case: Case) -> bool:
    """S9: unmasked requester name and phone.

    The requester; community, grid and street staff in scope; property staff of the assigned
    company only for service requests (a repair needs a phone number) that are not
    accusations and not about their own company. Never anyone else, never the public.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if case.requester_id is not None and case.requester_id == user.pk:
        return True
    scope = scope_for(user)
    if scope.everything:
        return True
    if scope.covers(case.compound.path, CONTACT_ROLES):
        return True
    if case.type in ACCUSING_TYPES:
        return False
    if case.respondent_company_id and case.respondent_company_id in scope.company_ids:
        return False
    return bool(case.assigned_company_id) and can_handle(user, case)


def requester_withheld(user: Any, case: Case) -> bool:
    """S9: the viewer may belong to the party the case is about (an accusation, or a case naming
    their company): it is shown no trace of the requester, not even a masked name or the unit."""
    if user is None or not getattr(user, "is_authenticated", False):
        return True
    if case.requester_id is not None and case.requester_id == user.pk:
        return False
    scope = scope_for(user)
    if scope.everything or scope.covers(case.compound.path, CONTACT_ROLES):
        return False
    if case.type in ACCUSING_TYPES:
        return True
    return bool(case.respondent_company_id) and case.respondent_company_id in scope.company_ids


def requester_confidential(case: Case) -> bool:
    """S9: the requester is withheld from some party (an accusation, or a case naming a
    company), so nothing reachable without signing in may confirm who filed it."""
    return case.type in ACCUSING_TYPES or bool(case.respondent_company_id)


def can_print_receipt(user: Any, case: Case) -> bool:
    """受理回执: its link opens the case and rates it as the requester (S5), so only the requester
    and the community, grid and street staff of the compound, who hand receipts out at intake.
    Never a property company, not even on a repair it handles: with the link it could follow,
    and rate, the case as its requester (S9)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if case.requester_id is not None and case.requester_id == user.pk:
        return True
    scope = scope_for(user)
    return scope.everything or scope.covers(case.compound.path, CONTACT_ROLES)


def sees_as_requester(user: Any, case: Case) -> bool:
    """The requester's own view of a case (and a non-staff reader's): the timeline, the rating
    form and 我的诉求, not the work tools of staff."""
    return case.requester_id == user.pk or not org_policies.is_staff_member(user)


def can_view_metrics(user: Any) -> bool:
    scope = scope_for(user)
    return scope.everything or bool(scope.roles & (DISPATCH_ROLES | {Role.PARTY_MEMBER}))


# Street configuration (设置). A compound's routing rules belong to the officers of its street.
# The SLA classes, the street-wide default rules and the working-day calendar are one set for
# the whole deployment, so only someone answering for every street in it may change them.
def can_configure(user: Any) -> bool:
    """May open the settings pages (and change what is theirs there)."""
    scope = scope_for(user)
    return scope.everything or Role.STREET_OFFICER in scope.roles


def can_configure_shared(user: Any) -> bool:
    scope = scope_for(user)
    if scope.everything:
        return True
    grants = scope.paths({Role.STREET_OFFICER})
    streets = Street.objects.values_list("path", flat=True)
    return bool(grants) and all(any(s.startswith(g) for g in grants) for s in streets)


def can_configure_compound(user: Any, compound: Compound | None) -> bool:
    """A compound's rule needs the compound in scope; a street-wide default rule (None) is
    shared."""
    if compound is None:
        return can_configure_shared(user)
    return scope_for(user).covers(compound.path, {Role.STREET_OFFICER})
