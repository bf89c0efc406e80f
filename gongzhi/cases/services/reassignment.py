"""改派 reassign: take a case from the party working on it and hand it to another (S2, S4).

The way the street names the department of a case escalated past it ("待街道指定的职能部门"),
and the way a dispatcher moves work that sits with the wrong party without waiting for a 退单.
The new party gets what a 交办 gives (`assignment.hand_over`) and must 签收 afresh; the first
dispatch time and the breaches stay on the record.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.cases import policies
from gongzhi.cases.choices import Level
from gongzhi.cases.models import Case, EventKind
from gongzhi.cases.services import notice_answers, notices
from gongzhi.cases.services.assignment import (
    Assignee,
    assignee_errors,
    deadline_errors,
    hand_over,
    notify_assigned,
    party_payload,
)
from gongzhi.cases.services.moves import check_version, move
from gongzhi.cases.texts import MAX_NOTE, too_long_message
from gongzhi.cases.workflow import Action, Status, check_move
from gongzhi.core.notifications.texts import Text
from gongzhi.org.models import PropertyCompany

MIN_REASON = 5  # as for 退单: a few words that say why


def _check_can_reassign(actor: Any, case: Case, level: str) -> None:
    """PermissionDenied unless `policies.can_reassign`; a community worker facing a case the
    street holds or designated, or sending an escalated case below the level it reached (S4),
    is told so (a page or an API client may try it all the same)."""
    if policies.can_reassign(actor, case, level):
        return
    if policies.can_dispatch(actor, case):
        street_held = case.designated_by_street or case.assigned_level in (
            Level.STREET,
            Level.DEPARTMENT,
        )
        below = policies.escalation_floor_note(actor, case)
        if below and not street_held:
            raise PermissionDenied(below)
        if not policies.can_reassign_from(actor, case):
            raise PermissionDenied(_("该诉求由街道承办或指定，社区不能改派；如需改派，请联系街道"))
    raise PermissionDenied


def reassign_errors(
    *,
    case: Case,
    level: str,
    company: PropertyCompany | None,
    department: str,
    reason: str,
    due_at: dt.datetime | None,
    now: dt.datetime | None = None,
) -> dict[str, str]:
    """Every field error of a 改派 at once, in its own words (改派到小区须指定物业企业): the web
    form shows them together with its own (ReassignForm.clean), the service raises them
    together, so nobody fixes one field to be told of the next."""
    errors: dict[str, str] = {}
    if len(reason.strip()) < MIN_REASON:
        errors["reason"] = _("请写明改派理由（至少 %(n)d 个字）") % {"n": MIN_REASON}
    elif len(reason.strip()) > MAX_NOTE:
        errors["reason"] = too_long_message(_("改派理由"), MAX_NOTE)
    errors.update(assignee_errors(case, level, company, department, action=Action.REASSIGN))
    errors.update(deadline_errors(case, now or timezone.now(), due_at))
    return errors


@transaction.atomic
def case_reassign(
    *,
    case: Case,
    actor: Any,
    level: str,
    company: PropertyCompany | None = None,
    department: str = "",
    user: Any = None,
    due_at: dt.datetime | None = None,
    reason: str,
    expected_version: int | None = None,
) -> Case:
    """改派 to another party, with a reason and a fresh deadline (or an earlier `due_at`)."""
    _check_can_reassign(actor, case, level)
    check_version(case, expected_version)
    check_move(case.status, Action.REASSIGN)
    now = timezone.now()
    errors = reassign_errors(
        case=case,
        level=level,
        company=company,
        department=department,
        reason=reason,
        due_at=due_at,
        now=now,
    )
    if errors:
        raise ValidationError(errors)
    assignee = Assignee(level, company, department.strip())
    before = party_payload(case.assigned_level, case.assigned_company, case.assigned_department)
    if before == party_payload(level, company, assignee.department):
        raise ValidationError(_("该诉求已由该单位承办，请选择其他承办单位"))
    previous = notices.handlers(case)  # who loses the case: asked before the hand-over
    # The hand-over lets a pending 申请延期 or 申请终止 lapse: the approvers are not asked any more.
    lapsed = (bool(case.extension_requested_days), case.termination_requested)
    updates, window = hand_over(
        case, actor=actor, assignee=assignee, user=user, due_at=due_at, now=now
    )
    move(
        case,
        action=Action.REASSIGN,
        to=Status.DISPATCHED,
        actor=actor,
        kind=EventKind.REASSIGNED,
        note=reason.strip(),
        # The new party as a 交办 records it, and the one it was taken from ("from"/"to" would
        # overwrite the statuses in the audit row, which merges the payload).
        payload={
            **party_payload(level, company, assignee.department),
            "due_at": window.due_at.isoformat(),
            "previous": before,
        },
        updates=updates,
        now=now,
    )
    _tell_previous_handlers(case, previous, actor=actor)
    # No longer theirs: not waiting in their inbox; their older notices of it keep no 查看 (the
    # inbox hides a link its reader can no longer open, cases/notice_links.py).
    notices.assigned_answered(case, previous)
    if lapsed[0]:
        notice_answers.extension_answered(case)
    if lapsed[1]:
        notice_answers.termination_answered(case)
    notify_assigned(case, window, actor=actor)
    _tell_requester(case, actor=actor)
    return case


def _tell_previous_handlers(case: Case, previous: list[Any], *, actor: Any) -> None:
    """Those the case was taken from stop working on it. Not the actor, nor whoever is among
    the new handlers (the street moving a case between departments keeps it). They may be the
    party complained about: the label carries no trace of the requester (S9)."""
    staying = {user.pk for user in notices.handlers(case)} | {actor.pk}
    notices.send(
        [user for user in previous if user.pk not in staying],
        case=case,
        kind="case.reassigned",
        title=Text(gettext_noop("诉求已改派其他单位办理")),
        body=notices.with_case(gettext_noop("%(case)s。请停止办理，无需再签收或处置。"), case),
        key=f"reassigned:{case.version}",
        linked=False,
    )


def _tell_requester(case: Case, *, actor: Any) -> None:
    """The requester hears who handles their case now, in plain words: the company, the
    department or the level (`party_for_requester`), not why nor who of the staff; not the
    party it was taken from. Their preferences apply, as to every notice of theirs."""
    party = notices.current_party_for_requester(case)
    notices.tell_requester(
        case,
        actor=actor,
        kind="case.reassigned",
        title=Text(gettext_noop("您的诉求已转由%(party)s办理"), party=party),
        body=Text(
            gettext_noop("您的诉求（编号 %(number)s）已转由%(party)s办理，请留意办理进度。"),
            number=case.number,
            party=party,
        ),
        key=f"reassigned_requester:{case.version}",
    )
