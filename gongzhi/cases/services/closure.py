"""回访 return visit and rating (S5), exception close, 终止 termination (S2)."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.cases import policies, sla, tracking
from gongzhi.cases.choices import SATISFIED_LEVELS, RatingLevel, RatingVia, source_label
from gongzhi.cases.models import Case, CaseRating, EventKind
from gongzhi.cases.services import notices
from gongzhi.cases.services.moves import check_version, move
from gongzhi.cases.texts import check_note
from gongzhi.cases.workflow import Action, InvalidTransition, Status, check_move
from gongzhi.core.notifications.texts import Text, label

ALREADY_RATED = gettext_noop("您已评价过本轮办理结果，每轮只能评价一次")
# S5: a supervisor's exception says why, in a few words, wherever it is recorded: at the
# return visit (回访) or by 例外办结 of a reopened case.
MIN_EXCEPTION_REASON = 5
EXCEPTION_REASON_TOO_SHORT = gettext_noop("请写明例外办结的理由（至少 5 个字）")


def check_exception_reason(reason: str, *, field: str) -> str:
    """The stripped reason of an exception (S5), refused when shorter than 5 characters."""
    reason = reason.strip()
    if len(reason) < MIN_EXCEPTION_REASON:
        raise ValidationError({field: _(EXCEPTION_REASON_TOO_SHORT)})
    return reason


class AlreadyRated(InvalidTransition):
    """A second rating of a round: an invalid transition that says why, in any interface."""

    def __init__(self, old: str) -> None:
        super().__init__(old, Action.VISIT)
        self.args = (_(ALREADY_RATED),)


# Reopening starts a new round: a fresh clock after the next dispatch (for a petition, the
# conclude deadline still counts from 受理: `sla.conclude_window`).
_REOPEN_RESET = {
    "assigned_user": None,
    "due_at": None,
    "warn_at": None,
    "warned_at": None,
    "breached_at": None,
    "clock_started_at": None,
    "visit_due_at": None,
    "extension_count": 0,
}


@transaction.atomic
def case_visit(
    *,
    case: Case,
    actor: Any,
    resolved: bool,
    level: str,
    via: str,
    note: str = "",
    exception_reason: str = "",
    expected_version: int | None = None,
) -> Case:
    """One rating per round. Unresolved or unsatisfied reopens, unless a supervisor records a
    reasoned exception."""
    if not policies.can_visit(actor, case):
        raise PermissionDenied
    if case.requester_id is not None and case.requester_id == actor.pk:
        via = RatingVia.ONLINE
    return _record_visit(
        case=case,
        actor=actor,
        resolved=resolved,
        level=level,
        via=via,
        note=note,
        exception_reason=exception_reason,
        expected_version=expected_version,
    )


@transaction.atomic
def case_visit_by_receipt(
    *,
    case: Case,
    token: str,
    resolved: bool,
    level: str,
    note: str = "",
    expected_version: int | None = None,
) -> Case:
    """The holder of a 受理回执's tracking link rates online, as the requester would (S5): the
    link's token is the authority, there is no account (actor None, recorded as the system
    in the audit log), and the event and audit row say `source: receipt_link`."""
    if not tracking.token_matches(case, token):
        raise PermissionDenied
    return _record_visit(
        case=case,
        actor=None,
        resolved=resolved,
        level=level,
        via=RatingVia.ONLINE,
        note=note,
        expected_version=expected_version,
        source=tracking.RECEIPT_LINK,
    )


def _record_visit(
    *,
    case: Case,
    actor: Any,
    resolved: bool,
    level: str,
    via: str,
    note: str = "",
    exception_reason: str = "",
    expected_version: int | None = None,
    source: str = "",
) -> Case:
    check_version(case, expected_version)
    try:
        check_move(case.status, Action.VISIT)
    except InvalidTransition:
        if case.ratings.exists():  # rated, then closed or reopened: no visit is due now
            raise AlreadyRated(case.status) from None
        raise
    errors: dict[str, str] = {}
    if level not in RatingLevel.values:
        errors["level"] = "请选择满意度"
    if via not in RatingVia.values:
        errors["via"] = "请选择回访方式"
    if errors:
        raise ValidationError(errors)
    check_note(note, field="note", label=_("意见"))
    check_note(exception_reason, field="exception_reason", label=_("例外办结理由"))
    exception_reason = exception_reason.strip()
    if exception_reason and not policies.can_supervise(actor, case):
        raise PermissionDenied(_("仅社区或街道可记录例外办结"))
    if exception_reason:
        check_exception_reason(exception_reason, field="exception_reason")
    if CaseRating.objects.filter(case=case, round=case.round).exists():
        raise AlreadyRated(case.status)
    satisfied = bool(resolved) and level in SATISFIED_LEVELS
    closes = satisfied or bool(exception_reason)
    now = timezone.now()
    try:
        with transaction.atomic():  # a savepoint: the refusal below leaves the rest usable
            rating = CaseRating.objects.create(
                case=case,
                round=case.round,
                resolved=bool(resolved),
                level=level,
                via=via,
                note=note.strip(),
                exception_reason=exception_reason,
                by=actor,
                created_at=now,
            )
    except IntegrityError:
        # Rated at the same moment by someone else (the requester online and a phone visit):
        # both saw no rating, the one-per-round constraint let the first in.
        raise AlreadyRated(case.status) from None
    notices.rating_request_answered(case)  # before a reopening starts the next round
    summary = f"{'已解决' if resolved else '未解决'}，{source_label(RatingLevel(level).label)}"
    payload = {"round": rating.round, "resolved": bool(resolved), "level": level, "via": via}
    if source == tracking.RECEIPT_LINK:
        payload["source"] = source
        summary += "（凭回执链接评价）"
    if closes:
        kind = EventKind.CLOSED if satisfied else EventKind.EXCEPTION
        text = summary if satisfied else f"{summary}。例外办结理由：{exception_reason}"
        move(
            case,
            action=Action.VISIT,
            to=Status.CLOSED,
            actor=actor,
            kind=kind,
            note=text,
            payload=payload,
            updates={"closed_at": now},
            now=now,
        )
        notices.tell_requester(
            case,
            kind="case.closed",
            title=Text(gettext_noop("您的诉求已办结")),
            key=f"closed:{rating.round}",
        )
        return case
    move(
        case,
        action=Action.VISIT,
        to=Status.REOPENED,
        actor=actor,
        kind=EventKind.REOPENED,
        note=f"回访{summary}，重新办理",
        payload=payload,
        # A petition keeps the count of its one extension (+30 days) for its whole life (S3).
        updates={
            **_REOPEN_RESET,
            "extension_count": sla.extensions_kept(case),
            "round": case.round + 1,
            # The desk must hand the next round over within the class's response window.
            **sla.redispatch_clock(case, now),
        },
        now=now,
    )
    recipients = notices.supervisors(case) + notices.handlers(case)
    notices.send(
        recipients,
        case=case,
        kind="case.reopened",
        title=Text(gettext_noop("诉求回访不满意，已重办")),
        body=Text(
            gettext_noop("诉求 %(number)s：回访%(outcome)s，%(rating)s。"),
            number=case.number,
            outcome=Text(gettext_noop("已解决") if resolved else gettext_noop("未解决")),
            rating=label(RatingLevel(level).label),
        ),
        key=f"reopened:{case.round}",
    )
    return case


@transaction.atomic
def case_close_with_exception(
    *, case: Case, actor: Any, reason: str, expected_version: int | None = None
) -> Case:
    """A supervisor closes a reopened case with a reasoned exception (S5)."""
    if not policies.can_supervise(actor, case):
        raise PermissionDenied
    check_version(case, expected_version)
    check_move(case.status, Action.CLOSE_EXCEPTION)
    check_exception_reason(reason, field="reason")
    check_note(reason, field="reason", label=_("理由"))
    move(
        case,
        action=Action.CLOSE_EXCEPTION,
        to=Status.CLOSED,
        actor=actor,
        kind=EventKind.EXCEPTION,
        note=reason.strip(),
        updates={"closed_at": timezone.now()},
    )
    notices.tell_requester(  # the reason is on their timeline too
        case,
        kind="case.closed",
        title=Text(gettext_noop("您的诉求已办结")),
        body=notices.case_note(case, reason.strip()),
        key=f"closed:{case.round}",
    )
    return case


@transaction.atomic
def case_request_termination(
    *, case: Case, actor: Any, reason: str, expected_version: int | None = None
) -> Case:
    if not policies.can_request_termination(actor, case):
        raise PermissionDenied
    check_version(case, expected_version)
    check_move(case.status, Action.REQUEST_TERMINATION)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写申请终止的理由")})
    check_note(reason, field="reason", label=_("理由"))
    move(
        case,
        action=Action.REQUEST_TERMINATION,
        actor=actor,
        kind=EventKind.TERMINATION_REQUESTED,
        note=reason.strip(),
        updates={"termination_requested": True},
    )
    notices.send(
        notices.supervisors(case),
        case=case,
        kind="case.termination_requested",
        title=Text(gettext_noop("有诉求申请终止，请审批")),
        key=f"termination:{case.version}",
    )
    return case


@transaction.atomic
def case_terminate(
    *, case: Case, actor: Any, reason: str, expected_version: int | None = None
) -> Case:
    """终止, approved by the community or the street (this call is the approval). A request
    is approved by someone other than who made it (S2: termination needs approval)."""
    if not policies.can_supervise(actor, case):
        raise PermissionDenied
    check_version(case, expected_version)
    check_move(case.status, Action.TERMINATE)
    if case.termination_requested and _termination_requested_by(case) == actor.pk:
        raise ValidationError({"reason": _("终止申请须由他人批准，不能批准自己提出的申请")})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写终止理由")})
    check_note(reason, field="reason", label=_("理由"))
    move(
        case,
        action=Action.TERMINATE,
        to=Status.TERMINATED,
        actor=actor,
        kind=EventKind.TERMINATED,
        note=reason.strip(),
        payload={"requested": case.termination_requested},
        updates={"closed_at": timezone.now(), "termination_requested": False},
    )
    notices.tell_requester(
        case,
        kind="case.terminated",
        title=Text(gettext_noop("您的诉求已终止办理")),
        body=notices.case_note(case, reason.strip()),
        key="terminated",
    )
    return case


def _termination_requested_by(case: Case) -> int | None:
    """Who made the pending termination request (its latest event)."""
    request = (
        case.events.filter(kind=EventKind.TERMINATION_REQUESTED).order_by("-created_at", "-id")
    ).first()
    return request.actor_id if request else None


@transaction.atomic
def case_reject_termination(
    *, case: Case, actor: Any, reason: str, expected_version: int | None = None
) -> Case:
    """驳回终止申请: the community or the street refuses a termination request; the work goes
    on under the same deadline, and whoever handles it is told why."""
    if not policies.can_supervise(actor, case):
        raise PermissionDenied
    check_version(case, expected_version)
    check_move(case.status, Action.REJECT_TERMINATION)
    if not case.termination_requested:
        raise ValidationError({"reason": _("该诉求没有待审批的终止申请")})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写驳回理由")})
    check_note(reason, field="reason", label=_("理由"))
    move(
        case,
        action=Action.REJECT_TERMINATION,
        actor=actor,
        kind=EventKind.SUPERVISED,  # a refusal is the supervisor's word to carry on
        note=f"驳回终止申请：{reason.strip()}",
        updates={"termination_requested": False},
    )
    notices.send(
        notices.handlers(case),
        case=case,
        kind="case.supervised",
        title=Text(gettext_noop("终止申请未获批准，请继续办理")),
        body=notices.with_case(gettext_noop("%(case)s。%(reason)s"), case, reason=reason.strip()),
        key=f"termination_rejected:{case.version}",
    )
    return case
