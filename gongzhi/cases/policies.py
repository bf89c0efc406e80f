"""Who may do what with a case. One condition per line; scope comes from `org.scopes`.

The assigned party of a case (S2 交办) is whoever works at its `assigned_level`:
compound → the assigned property company's staff; community → community workers;
street and department (吹哨, the street liaises with the department) → street officers.
Staff of the assigned company keep working on a case escalated above them, but may no longer
退单, 延期 or 申请终止 it: a company does not refuse, delay nor drop work taken above it for
being late (S4).
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.cases.case_parties import LEVEL_ROLES, filed_unrequested, handled_round
from gongzhi.cases.choices import ACCUSING_TYPES, LEVEL_ORDER, Level, SlaClass
from gongzhi.cases.models import Case, EventKind
from gongzhi.cases.receipt_policies import can_print_receipt  # noqa: F401 - the 受理回执's rule
from gongzhi.cases.workflow import Action, Status, can_move
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
# 办理指标, 数据驾驶舱, 月度研判报告: the community (its grid workers too) and the street, and the
# party branch of a compound, each over their own area (the figures are scoped to it).
METRICS_ROLES = DISPATCH_ROLES | {Role.GRID_WORKER, Role.PARTY_MEMBER}
# Roles that may read a requester's name and phone (G2), subject to `can_view_requester`.
CONTACT_ROLES = frozenset({Role.STREET_OFFICER, Role.COMMUNITY_WORKER, Role.GRID_WORKER})


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
    """Only the street designates a street-level unit or blows the whistle to a department;
    nobody below the street hands an escalated case below the level it reached
    (`escalation_floor`)."""
    if level in (Level.STREET, Level.DEPARTMENT):
        return scope_for(user).covers(case.compound.path, {Role.STREET_OFFICER})
    if not can_dispatch(user, case):
        return False
    floor = escalation_floor(user, case)
    return not floor or LEVEL_ORDER.index(level) >= LEVEL_ORDER.index(floor)


def check_can_dispatch_to(user: Any, case: Case, level: str) -> None:
    """PermissionDenied unless `can_dispatch_to`; below an escalated case's level, with why."""
    if can_dispatch_to(user, case, level):
        return
    below = level not in (Level.STREET, Level.DEPARTMENT)
    note = escalation_floor_note(user, case) if below else ""
    if note:
        raise PermissionDenied(note)
    raise PermissionDenied


def can_dispatch_somewhere(user: Any, case: Case) -> bool:
    """交办 at all: some level is left that this user may hand the case to."""
    return any(can_dispatch_to(user, case, level) for level in LEVEL_ORDER)


def is_street_officer_for(user: Any, case: Case) -> bool:
    return scope_for(user).covers(case.compound.path, {Role.STREET_OFFICER})


def escalation_floor(user: Any, case: Case) -> str:
    """S4: the lowest level `user` may hand `case` to (交办 after a 退单, 改派), "" for any.

    A case escalated for being late stays at the level it reached, or above, until the level
    above that (the street) sends it back down: the community it reached may not hand it back
    to the late company with a fresh deadline, again and again, so that it never reaches the
    street. The company keeps working on it all the same (`can_handle`). The street's own
    hand-over and a new round (重办) start afresh (escalation_level 0)."""
    if case.escalation_level == 0 or is_street_officer_for(user, case):
        return ""
    escalated = (
        case.events.filter(kind=EventKind.ESCALATED)
        .order_by("-created_at", "-id")
        .values_list("payload", flat=True)
        .first()
    )
    reached = (escalated or {}).get("to", "")
    if reached not in Level.values:
        reached = case.assigned_level or Level.COMMUNITY
    return str(reached)


def escalation_floor_note(user: Any, case: Case) -> str:
    """Why `user` may not hand the case below the level it escalated to, and what happens next
    (for the page and the 交办/改派 forms). Empty when nothing is withheld from them."""
    if not can_dispatch(user, case):
        return ""
    floor = escalation_floor(user, case)
    if floor != Level.COMMUNITY:  # at the street, the community hands over nothing anyway
        return ""
    if case.assigned_company_id:
        message = _(
            "该诉求已超时升级至%(level)s，%(level)s不能将其改派回小区物业重新计时"
            "（物业企业仍可继续办理），再次超时将升级至街道；如需交回物业，请联系街道"
        )
    else:
        message = _(
            "该诉求曾超时升级至%(level)s，%(level)s不能将其交办给小区物业重新计时，"
            "再次超时将升级至街道；如需交由物业办理，请联系街道"
        )
    return message % {"level": Level(floor).label}


def holds_level(user: Any, case: Case) -> bool:
    """Staff of the level the case is assigned to: community workers, or the street."""
    scope = scope_for(user)
    if scope.everything:
        return True
    roles = LEVEL_ROLES.get(case.assigned_level)
    return bool(roles) and scope.covers(case.compound.path, roles)


def can_handle(user: Any, case: Case) -> bool:
    """签收, 办理, 处置: the assigned party (退单: `can_return`; 延期: `can_request_extension`)."""
    scope = scope_for(user)
    if case.assigned_company_id and case.assigned_company_id in scope.company_ids:
        if scope.covers(case.compound.path, {Role.PROPERTY_STAFF}):
            return True
    return holds_level(user, case)


def is_late_company(user: Any, case: Case) -> bool:
    """The party of a case escalated above it for being late (S4), and not of the level now
    holding it: it keeps the work (签收, 办理, 处置) but may no longer 退单, 延期 or 申请终止."""
    return case.escalation_level > 0 and can_handle(user, case) and not holds_level(user, case)


def _refuse_late_company(case: Case, message: str) -> PermissionDenied:
    """The refusal the late company reads: `message` with the level the case is at and whom
    to turn to (the community, or the street above it)."""
    level = case.assigned_level or Level.COMMUNITY
    contact = Level.COMMUNITY if level == Level.COMMUNITY else Level.STREET
    return PermissionDenied(message % {"level": Level(level).label, "contact": contact.label})


def escalated_limits_note(user: Any, case: Case) -> str:
    """For the late company: why 退单, 延期 and 申请终止 are gone (the buttons simply are not
    offered), and whom to turn to. Empty for everyone else."""
    if not is_late_company(user, case):
        return ""
    message = _(
        "该诉求已超时升级至%(level)s：物业企业继续办理，但不能退单、延期或申请终止；"
        "如有困难，请联系%(contact)s"
    )
    return str(_refuse_late_company(case, message))


def staff_limits_note(user: Any, case: Case) -> str:
    """What the case page tells staff they may not do here, and why: the late company's
    (`escalated_limits_note`), the community's below an escalated case's level
    (`escalation_floor_note`, while it may be handed over), the handler's return visit
    (`visit_refused_note`)."""
    notes = [escalated_limits_note(user, case)]
    if can_move(case.status, Action.REASSIGN) or can_move(case.status, Action.DISPATCH):
        notes.append(escalation_floor_note(user, case))
    notes.append(visit_refused_note(user, case))
    return "；".join(note for note in notes if note)


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
    if case.designated_by_street:
        return False
    # S4: an escalated case goes no lower than the level it reached (`escalation_floor`): the
    # community may still take it from the late company, to do the work itself.
    return not escalation_floor(user, case) or bool(case.assigned_company_id)


def can_reassign(user: Any, case: Case, level: str) -> bool:
    """改派 to a party at `level`: taking it from the current party, and dispatching there."""
    return can_reassign_from(user, case) and can_dispatch_to(user, case, level)


def can_extend(user: Any, case: Case) -> bool:
    """延期 directly (S2): the community and the street, who supervise the work; a petition's
    +30 days (信访工作条例 Art. 35: 经本机关负责人批准) only the street. Anyone else who may ask
    for one files a request (`can_request_extension`) for them to approve."""
    if case.sla_class == SlaClass.PETITION:
        return is_street_officer_for(user, case)
    return can_dispatch(user, case)


def can_request_extension(user: Any, case: Case) -> bool:
    """申请延期: the assigned company (but not the late company: it does not push back the
    deadline of work taken above it for missing that deadline), and the community for a
    petition; whoever may extend directly does that instead."""
    if can_extend(user, case):
        return False
    if can_dispatch(user, case):
        return True
    return can_handle(user, case) and not is_late_company(user, case)


def can_approve_extension(user: Any, case: Case) -> bool:
    """批准/驳回延期申请: whoever may extend the case directly (`can_extend`)."""
    return can_extend(user, case)


def check_can_extend(user: Any, case: Case) -> None:
    """PermissionDenied unless `can_extend`; the late company is told why, and whoever may
    only ask for an extension is told to ask."""
    if can_extend(user, case):
        return
    _check_not_late_company(user, case)
    if can_request_extension(user, case):
        if case.sla_class == SlaClass.PETITION:
            raise PermissionDenied(_("信访事项延期须经街道批准，请提交延期申请"))
        raise PermissionDenied(_("延期须经社区或街道批准，请提交延期申请"))
    raise PermissionDenied


def check_can_request_extension(user: Any, case: Case) -> None:
    """PermissionDenied unless `can_request_extension`; the late company is told why."""
    if can_request_extension(user, case):
        return
    _check_not_late_company(user, case)
    raise PermissionDenied


def _check_not_late_company(user: Any, case: Case) -> None:
    if is_late_company(user, case):
        raise _refuse_late_company(
            case,
            _("该诉求已超时升级至%(level)s，物业企业不能延期；如需延长办理期限，请联系%(contact)s"),
        )


def can_supervise(user: Any, case: Case) -> bool:
    """督办, 审批终止, 例外办结."""
    return scope_for(user).covers(case.compound.path, SUPERVISOR_ROLES)


def can_request_termination(user: Any, case: Case) -> bool:
    """申请终止: the community or street staff over the case, and the assigned party but not the
    late company (a request it filed before the escalation stays for a supervisor to decide)."""
    return can_dispatch(user, case) or (can_handle(user, case) and not is_late_company(user, case))


def check_can_request_termination(user: Any, case: Case) -> None:
    """PermissionDenied unless `can_request_termination`; the late company is told why."""
    if can_request_termination(user, case):
        return
    if is_late_company(user, case):
        message = _(
            "该诉求已超时升级至%(level)s，物业企业不能申请终止；如确实无法办理，请联系%(contact)s"
        )
        raise _refuse_late_company(case, message)
    raise PermissionDenied


def can_terminate(user: Any, case: Case) -> bool:
    """终止 needs approval (S2): a supervisor approves a pending request (never their own: the
    service checks); the street, the approving authority, may also decide it itself, which is
    recorded as its approval with the reason."""
    if case.termination_requested:
        return can_supervise(user, case)
    return is_street_officer_for(user, case)


def can_visit(user: Any, case: Case) -> bool:
    """回访评价: the requester online, or visit staff by phone or in person, but not whoever
    handled the round (S5: `handled_round`) nor filed a case naming no requester
    (`filed_unrequested`): another member of staff (the community's) or the street."""
    if case.requester_id is not None and case.requester_id == getattr(user, "pk", None):
        return True
    if not scope_for(user).covers(case.compound.path, VISIT_ROLES):
        return False
    return not handled_round(user, case) and not filed_unrequested(user, case)


VISIT_BY_HANDLER = gettext_noop(
    "您参与了本轮办理（交办至本级、签收、办理或处置），不能记录本轮回访；"
    "请由其他工作人员或街道回访，或由诉求人自行评价"
)
VISIT_BY_FILER = gettext_noop(
    "本诉求由您登记且未留诉求人，您不能记录其回访评价；请由社区其他工作人员或街道回访"
)


def _visit_refusal(user: Any, case: Case) -> str:
    """Why visit staff, not the requester, may not record this visit (handled the round,
    `handled_round`, or filed it with no requester, `filed_unrequested`); else ""."""
    if case.requester_id is not None and case.requester_id == getattr(user, "pk", None):
        return ""
    if not scope_for(user).covers(case.compound.path, VISIT_ROLES):
        return ""
    if handled_round(user, case):
        return _(VISIT_BY_HANDLER)
    return _(VISIT_BY_FILER) if filed_unrequested(user, case) else ""


def check_can_visit(user: Any, case: Case) -> None:
    """PermissionDenied unless `can_visit`; whoever handled the round or filed it is told why."""
    if can_visit(user, case):
        return
    raise PermissionDenied(_visit_refusal(user, case))


def visit_refused_note(user: Any, case: Case) -> str:
    """For staff who may record return visits but handled this round or filed the case: why the
    回访评价 form is not offered to them, while the case waits for its visit. Else empty."""
    return _visit_refusal(user, case) if case.status == Status.RESOLVED else ""


def can_record_exception(user: Any, case: Case) -> bool:
    """例外办结 (S5), at the return visit or of a reopened case: a supervisor (`can_supervise`)."""
    return can_supervise(user, case)


EXCEPTION_BY_SUPERVISOR = gettext_noop("例外办结须由社区工作人员或街道记录")
EXCEPTION_BY_SUPERVISOR_GRID = gettext_noop(
    "例外办结须由社区工作人员或街道记录，网格员请将情况转告社区"
)


def exception_refused_reason(user: Any, case: Case) -> str:
    """Why `user` may not record an exception (a grid worker hears whom to tell); else ""."""
    if can_record_exception(user, case):
        return ""
    if scope_for(user).covers(case.compound.path, {Role.GRID_WORKER}):
        return _(EXCEPTION_BY_SUPERVISOR_GRID)
    return _(EXCEPTION_BY_SUPERVISOR)


def can_attach(user: Any, case: Case) -> bool:
    """Photos from the requester; evidence from whoever works on the case."""
    if case.requester_id is not None and case.requester_id == getattr(user, "pk", None):
        return True
    if can_handle(user, case) or can_dispatch(user, case):
        return True
    # Visit staff in scope, even those who may not record this visit (its filer: their photos).
    return scope_for(user).covers(case.compound.path, VISIT_ROLES)


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
    """S9: the viewer may belong to the party the case is about (an accusation, a case naming
    their company, the owners' committee): it is shown no trace of the requester, not even a
    masked name or the unit."""
    if user is None or not getattr(user, "is_authenticated", False):
        return True
    if case.requester_id is not None and case.requester_id == user.pk:
        return False
    scope = scope_for(user)
    if scope.everything or scope.covers(case.compound.path, CONTACT_ROLES):
        return False
    if case.type in ACCUSING_TYPES:
        return True
    if case.respondent_company_id and case.respondent_company_id in scope.company_ids:
        return True
    return _reads_as_committee_only(user, case)


def _reads_as_committee_only(user: Any, case: Case) -> bool:
    """The owners' committee reads a compound's cases only because they are public, and is often
    the body complained about: it reads them as the public does (S9), no requester, no room."""
    if case.created_by_id == user.pk or can_handle(user, case):
        return False
    scope = scope_for(user)
    if scope.covers(case.compound.path, {Role.PARTY_MEMBER}):  # leads the three parties
        return False
    return scope.covers(case.compound.path, {Role.COMMITTEE_MEMBER})


def requester_confidential(case: Case) -> bool:
    """S9: the requester is withheld from some party (an accusation, or a case naming a
    company), so nothing reachable without signing in may confirm who filed it."""
    return case.type in ACCUSING_TYPES or bool(case.respondent_company_id)


def sees_as_requester(user: Any, case: Case) -> bool:
    """The requester's own view of a case (and a non-staff reader's): the timeline, the rating
    form and 我的诉求, not the work tools of staff."""
    return case.requester_id == user.pk or not org_policies.is_staff_member(user)


def can_view_metrics(user: Any) -> bool:
    """办理指标 and the analysis pages: METRICS_ROLES, the figures scoped to their own area."""
    scope = scope_for(user)
    return scope.everything or bool(scope.roles & METRICS_ROLES)


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
