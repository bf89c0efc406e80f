"""研判 assess, 交办 dispatch, 退单 return, 督办 supervise (S2); the hand-over that 交办 and
改派 (reassignment.py) share."""

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.cases import event_notes, policies, sla, triage_link
from gongzhi.cases.choices import (
    ABOUT_SERVING_COMPANY,
    CaseType,
    Category,
    Level,
    SlaClass,
    Urgency,
    source_label,
)
from gongzhi.cases.models import Case, EventKind, RoutingRule, SlaPolicy
from gongzhi.cases.services import notice_answers, notices
from gongzhi.cases.services.assigned_notice import handed_back_by, notify_assigned
from gongzhi.cases.services.moves import check_version, move
from gongzhi.cases.suggestions import RoutingBasis
from gongzhi.cases.texts import check_note
from gongzhi.cases.workflow import HANDED_BACK, Action, Status, check_move
from gongzhi.core.calendar import local_zone
from gongzhi.core.notifications.texts import Text
from gongzhi.org.models import Compound, PropertyCompany, ServiceContract

_COMPANY_CLASSES = frozenset({SlaClass.PROPERTY, SlaClass.EMERGENCY})
_DESK_CLOCK_STOPPED = {"assess_due_at": None, "warn_at": None, "warned_at": None}


@dataclass(frozen=True)
class Assignee:
    level: str
    company: PropertyCompany | None = None
    department: str = ""
    # Where a suggested party came from (suggestions.RoutingBasis); not part of its identity.
    basis: str = dataclasses.field(default="", compare=False)


def current_company(compound: Compound) -> PropertyCompany | None:
    """The company of the compound's latest contract that has started (C4: lapsed continues)."""
    contract = (
        ServiceContract.objects.filter(compound=compound, start__lte=timezone.localdate())
        .select_related("company")
        .order_by("-start", "-id")
        .first()
    )
    return contract.company if contract else None


def suggest_assignee(case: Case) -> Assignee:
    """Routing rule of the compound, else the street default, else by SLA class."""
    rule = (
        RoutingRule.objects.filter(category=case.category, compound=case.compound).first()
        or RoutingRule.objects.filter(category=case.category, compound__isnull=True).first()
    )
    if rule is not None:
        company = rule.company
        if rule.level == Level.COMPOUND and company is None:
            company = current_company(case.compound)
        basis = RoutingBasis.COMPOUND_RULE if rule.compound_id else RoutingBasis.STREET_RULE
        return Assignee(rule.level, company, rule.department, basis=basis)
    company = current_company(case.compound)
    if case.sla_class in _COMPANY_CLASSES and company is not None:
        return Assignee(Level.COMPOUND, company, basis=RoutingBasis.NO_RULE)
    return Assignee(Level.COMMUNITY, basis=RoutingBasis.NO_RULE)


def respondent_options(compound: Compound) -> list[PropertyCompany]:
    """The companies a case may be about (被反映物业): the compound's serving company
    (`current_company`, first) and any other whose contract there runs today."""
    today = timezone.localdate()
    contracts = (
        ServiceContract.objects.filter(compound=compound, start__lte=today)
        .select_related("company")
        .order_by("-start", "-id")
    )
    companies: list[PropertyCompany] = []
    for index, contract in enumerate(contracts):
        serving = index == 0 or contract.end is None or contract.end >= today
        if serving and contract.company not in companies:
            companies.append(contract.company)
    return companies


def _respondent(
    case: Case, category: str, named: PropertyCompany | None
) -> tuple[PropertyCompany | None, dict[str, str]]:
    """The company the case is about after 研判 (S9), and what is wrong with the one named:
    the one named, else the one named before, else the serving company when the category is
    about its own conduct (ABOUT_SERVING_COMPANY), whatever type the requester picked."""
    if named is None:
        if case.respondent_company is not None or category not in ABOUT_SERVING_COMPANY:
            return case.respondent_company, {}
        return current_company(case.compound), {}
    if named not in respondent_options(case.compound):
        return None, {"respondent_company": _("该物业企业不是本小区的服务物业")}
    return named, {}


@transaction.atomic
def case_assess(
    *,
    case: Case,
    actor: Any,
    category: str,
    sla_class: str,
    urgency: str,
    type: str | None = None,
    respondent_company: PropertyCompany | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Case:
    """研判: category, SLA class, urgency (and the type, if the intake got it wrong), and the
    company the case is about, if any (`_respondent`)."""
    if not policies.can_dispatch(actor, case):
        raise PermissionDenied
    check_version(case, expected_version)
    check_move(case.status, Action.ASSESS)
    errors: dict[str, str] = {}
    if category not in Category.values:
        errors["category"] = "请选择类别"
    if sla_class not in SlaClass.values:
        errors["sla_class"] = "请选择时限类别"
    if urgency not in Urgency.values:
        errors["urgency"] = "请选择紧急程度"
    if type is not None and type not in CaseType.values:
        errors["type"] = "诉求类型无效"
    respondent, respondent_errors = _respondent(case, category, respondent_company)
    errors |= respondent_errors
    if errors:
        raise ValidationError(errors)
    check_note(note, field="note", label=_("研判意见"))
    sla.policy_for(sla_class)
    now = timezone.now()
    filed = case.status == Status.RECEIVED
    move(
        case,
        action=Action.ASSESS,
        to=Status.ASSESSED,
        actor=actor,
        kind=EventKind.ASSESSED,
        note=note.strip(),
        internal=True,
        payload={
            "category": category,
            "sla_class": sla_class,
            "urgency": urgency,
            "respondent_company": respondent.pk if respondent else None,
        },
        updates={
            "category": category,
            "sla_class": sla_class,
            "urgency": urgency,
            "type": type or case.type,
            "respondent_company": respondent,
            "assessed_at": now,
            # 研判 stops the 研判 deadline and its warning (交办 sets the resolve deadline's); a
            # case handed back keeps its 交办 deadline until it is handed over again.
            **({} if case.status in HANDED_BACK else _DESK_CLOCK_STOPPED),
        },
        now=now,
    )
    triage_link.record_decision(
        case=case, actor=actor, category=category, sla_class=sla_class, urgency=urgency
    )
    if filed:  # the desk's 收到新的居民诉求 and 研判 reminders are answered
        notice_answers.assessed(case)
    return case


def assignee_errors(
    case: Case,
    level: str,
    company: PropertyCompany | None,
    department: str,
    *,
    action: str = Action.DISPATCH,
) -> dict[str, str]:
    """What is wrong with the party named for 交办 or 改派 (each in its own words): a level,
    the compound's serving company, a department's name."""
    reassign = action == Action.REASSIGN
    if level not in Level.values:
        return {"level": _("请选择责任层级")}
    if level == Level.COMPOUND:
        if company is None:
            missing = _("改派到小区须指定物业企业") if reassign else _("由小区承办须指定物业企业")
            return {"company": missing}
        if current_company(case.compound) != company:
            return {"company": _("该物业企业不是本小区的在约物业")}
    if level == Level.DEPARTMENT and not department.strip():
        if reassign:
            return {"department": _("改派到职能部门须填写部门名称")}
        return {"department": _("由职能部门承办（吹哨）须填写部门名称")}
    return {}


def check_assignee(
    case: Case, level: str, company: PropertyCompany | None, department: str
) -> None:
    """`assignee_errors` of a 交办, raised."""
    errors = assignee_errors(case, level, company, department)
    if errors:
        raise ValidationError(errors)


def _check_not_back_to_returner(
    case: Case, level: str, company: PropertyCompany | None, department: str
) -> None:
    if case.status != Status.RETURNED:
        return
    returned = case.events.filter(kind=EventKind.RETURNED).order_by("-created_at", "-id").first()
    if returned is None:
        return
    back = (
        returned.payload.get("level") == level
        and returned.payload.get("company") == (company.pk if company else None)
        and (returned.payload.get("department") or "") == department.strip()
    )
    if back:
        party = company.name if company else department.strip() or source_label(Level(level).label)
        raise ValidationError(
            _("%(party)s 刚退回此诉求（%(reason)s），请打开诉求核实后单独交办或改派其他单位")
            % {"party": party, "reason": event_notes.shown(returned)}
        )


def assignment_window(
    case: Case, policy: SlaPolicy, now: dt.datetime, due_at: dt.datetime | None
) -> sla.Window:
    """The new party's resolve window (S3): the policy's (for 信访类 counted from 受理, not from
    now: `sla.conclude_window`), cut short by the hotline's own earlier deadline, or by an
    earlier `due_at` the dispatcher gives (never later than the policy)."""
    window = sla.conclude_window(case, policy, now)
    if case.external_due_at and now < case.external_due_at < window.due_at:
        window = sla.Window(
            now, sla.warn_time(now, case.external_due_at, policy), case.external_due_at
        )
    if due_at is not None:
        if due_at.tzinfo is None:
            due_at = due_at.replace(tzinfo=local_zone())
        if not now < due_at <= window.due_at:
            raise ValidationError({"due_at": _("办理期限须晚于现在且不晚于时限规则规定的期限")})
        window = sla.Window(now, sla.warn_time(now, due_at, policy), due_at)
    return window


def deadline_errors(case: Case, now: dt.datetime, due_at: dt.datetime | None) -> dict[str, str]:
    """What is wrong with a deadline given with 交办 or 改派 (`assignment_window`), if anything."""
    if due_at is None:
        return {}
    try:
        assignment_window(case, sla.policy_for(case.sla_class), now, due_at)
    except ValidationError as exc:
        return {field: messages[0] for field, messages in exc.message_dict.items()}
    return {}


def hand_over(
    case: Case,
    *,
    actor: Any,
    assignee: Assignee,
    user: Any,
    due_at: dt.datetime | None,
    now: dt.datetime,
) -> tuple[dict[str, Any], sla.Window]:
    """What 交办 and 改派 write: the new party, its deadline and fresh clocks (S3)."""
    policy = sla.policy_for(case.sla_class)
    window = assignment_window(case, policy, now, due_at)
    street = policies.is_street_officer_for(actor, case)
    updates = {
        "assigned_level": assignee.level,
        "assigned_company": assignee.company,
        "assigned_department": assignee.department,
        "assigned_user": user,
        "dispatched_by": actor,
        "designated_by_street": street,
        # S4: only the street's hand-over starts the climb afresh; below it an escalated case
        # stays escalated, so that its next breach still climbs past the level it reached.
        "escalation_level": 0 if street else case.escalation_level,
        "dispatched_at": case.dispatched_at or now,
        "respond_due_at": sla.respond_due(policy, now),
        "respond_warned_at": None,
        "responded_at": None,
        "clock_started_at": window.started_at,  # now, or 受理 for a petition's conclude window
        # A new party, a new deadline and its own extension allowance: after a 退单 the case
        # may be re-assessed into a class that allows fewer extensions than were used. Not a
        # petition: its one extension (+30 days) counts for the case's whole life (S3).
        "extension_count": sla.extensions_kept(case),
        "due_at": window.due_at,
        "warn_at": window.warn_at,
        "warned_at": None,
        "breached_at": None,
        "termination_requested": False,
        "extension_requested_days": 0,  # the new party asks for its own, if it needs one
    }
    return updates, window


def party_payload(level: str, company: PropertyCompany | None, department: str) -> dict[str, Any]:
    """A party as an event's payload records it (the 退单 check and the metrics read it back)."""
    return {"level": level, "company": company.pk if company else None, "department": department}


def case_party(case: Case) -> dict[str, Any]:
    """The party holding `case` now, as `party_payload` records it: 签收, 退单 and 已处置 events
    carry it, so that the metrics charge each party with what it did (metrics.py)."""
    return {
        "level": case.assigned_level,
        "company": case.assigned_company_id,
        "department": case.assigned_department,
    }


@transaction.atomic
def case_dispatch(
    *,
    case: Case,
    actor: Any,
    level: str,
    company: PropertyCompany | None = None,
    department: str = "",
    user: Any = None,
    due_at: dt.datetime | None = None,
    note: str = "",
    expected_version: int | None = None,
    back_to_returner: bool = True,
) -> Case:
    """交办 to a responsible party with a deadline from the case's SLA policy.

    `back_to_returner=False` (批量交办, where nobody looked at the case) refuses to send a 已退单
    case straight back to the party that returned it."""
    policies.check_can_dispatch_to(actor, case, level)
    check_version(case, expected_version)
    check_move(case.status, Action.DISPATCH)
    if not case.category or not case.sla_class:
        raise ValidationError(_("请先研判再交办"))
    check_assignee(case, level, company, department)
    if not back_to_returner:
        _check_not_back_to_returner(case, level, company, department)
    check_note(note, field="note", label=_("交办说明"))
    now = timezone.now()
    again = case.dispatched_at is not None  # handed over before: back after 退单 or 重办
    back_from = handed_back_by(case)
    desk = notice_answers.desk(case)  # who may hold the desk's notices, before the hand-over
    lapsed_termination = case.termination_requested  # a hand-over lets a request lapse
    assignee = Assignee(level, company, department.strip())
    updates, window = hand_over(
        case, actor=actor, assignee=assignee, user=user, due_at=due_at, now=now
    )
    move(
        case,
        action=Action.DISPATCH,
        to=Status.DISPATCHED,
        actor=actor,
        kind=EventKind.DISPATCHED,
        note=note.strip(),
        payload={
            **party_payload(level, company, assignee.department),
            "due_at": window.due_at.isoformat(),
        },
        updates=updates,
        now=now,
    )
    triage_link.record_dispatch_decision(case=case, actor=actor, assignee=assignee)
    notify_assigned(case, window, actor=actor, back_from=back_from, note=note)
    notices.dispatched(case, actor=actor, again=again)
    notice_answers.handed_over(case, desk)  # nothing awaits the desk: 研判, 退单, 重办 done
    if lapsed_termination:
        notice_answers.termination_answered(case)
    return case


@transaction.atomic
def case_return(
    *, case: Case, actor: Any, reason: str, expected_version: int | None = None
) -> Case:
    """退单: only "not our jurisdiction", with a reason; never after the street designated us,
    nor by the company once the case was escalated for being late (policies.can_return)."""
    policies.check_can_return(actor, case)
    check_version(case, expected_version)
    check_move(case.status, Action.RETURN)
    if case.designated_by_street:
        raise ValidationError(_("街道已指定承办单位，不能退单"))
    if len(reason.strip()) < 5:
        raise ValidationError(
            {"reason": _("退单仅限非本单位职责的情形，请写明理由（至少 5 个字）")}
        )
    check_note(reason, field="reason", label=_("理由"))
    dispatcher = case.dispatched_by
    returners = notices.handlers(case)  # asked before the case leaves them
    lapsed_extension = bool(case.extension_requested_days)  # no deadline left to extend
    now = timezone.now()
    note, words = event_notes.written(
        Text(gettext_noop("非本单位职责：%(reason)s"), reason=reason.strip())
    )
    move(
        case,
        action=Action.RETURN,
        to=Status.RETURNED,
        actor=actor,
        kind=EventKind.RETURNED,
        note=note,
        # After an escalation the level above holds the case: its 退单 is not one by the party
        # the case was dispatched to (that party's 退单率, metrics.py).
        payload={**case_party(case), "escalated": case.escalation_level > 0, **words},
        updates={
            "return_count": case.return_count + 1,
            "assigned_level": "",
            "assigned_company": None,
            "assigned_department": "",
            "assigned_user": None,
            "due_at": None,
            "breached_at": None,
            "extension_requested_days": 0,  # no deadline left to extend
            # The desk must hand it over again within the class's response window.
            **sla.redispatch_clock(case, now),
        },
        now=now,
    )
    notices.send(
        [dispatcher] if dispatcher else notices.supervisors(case),
        case=case,
        kind="case.returned",
        title=Text(gettext_noop("诉求被退单，请重新交办")),
        body=notices.case_note(case, reason.strip()),
        key=f"returned:{case.version}",
    )
    notices.assigned_answered(case, returners)  # answered by the 退单 itself
    if lapsed_extension:
        notice_answers.extension_answered(case)
    return case


@transaction.atomic
def case_supervise(
    *, case: Case, actor: Any, reason: str, expected_version: int | None = None
) -> Case:
    """督办: a flag, an event and a notice to the handlers; the status does not change."""
    if not policies.can_supervise(actor, case):
        raise PermissionDenied
    check_version(case, expected_version)
    check_move(case.status, Action.SUPERVISE)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写督办意见")})
    check_note(reason, field="reason", label=_("理由"))
    now = timezone.now()
    move(
        case,
        action=Action.SUPERVISE,
        actor=actor,
        kind=EventKind.SUPERVISED,
        note=reason.strip(),
        updates={"supervised": True, "supervised_at": now},
        now=now,
    )
    notices.send(
        notices.handlers(case),
        case=case,
        kind="case.supervised",
        title=Text(gettext_noop("诉求被督办，请加快办理")),
        body=notices.case_note(case, reason.strip()),
        key=f"supervised:{case.version}",
    )
    return case
