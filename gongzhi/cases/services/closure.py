"""回访 return visit and rating (S5), exception close, 终止 termination (S2)."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.cases import event_notes, policies, receipt_policies, sla, tracking
from gongzhi.cases.choices import SATISFIED_LEVELS, RatingLevel, RatingVia, source_label
from gongzhi.cases.models import Case, CaseRating, EventKind
from gongzhi.cases.pending_requests import termination_requested_by
from gongzhi.cases.services import notice_answers, notices
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
# conclude deadline still counts from 受理: `sla.conclude_window`), and a new climb up the levels
# (S4: the last round's escalation no longer bounds whom the desk hands it to).
_REOPEN_RESET = {
    "escalation_level": 0,
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
    reasoned exception. Not recorded by whoever handled the round (policies.handled_round)."""
    policies.check_can_visit(actor, case)
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
    if not receipt_policies.rates_by_link(case):  # an account holder rates signed in
        raise PermissionDenied(_(receipt_policies.LINK_RATE_BY_ACCOUNT))
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
    if exception_reason and not policies.can_record_exception(actor, case):
        # A field error: the form comes back with the visit as typed, to record without it.
        raise ValidationError({"exception_reason": policies.exception_refused_reason(actor, case)})
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
        notices.tell_requester(  # not the requester who closed it themself by rating it
            case,
            actor=actor,
            kind="case.closed",
            title=Text(gettext_noop("您的诉求已办结")),
            body=_visit_closed_body(case, rating) if via != RatingVia.ONLINE else "",
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
    _tell_reopened(case, rating)
    return case


def _tell_reopened(case: Case, rating: CaseRating) -> None:
    """重办: the desk and the handlers hear which round starts and what the resident said (S9:
    cleaned, `notices.staff_words`). A requester whose visit staff recorded (电话回访, 上门回访)
    hears that the case will be handled again; one who rated it online knows it."""
    args = {
        "number": case.number,
        "outcome": Text(gettext_noop("已解决") if rating.resolved else gettext_noop("未解决")),
        "rating": label(RatingLevel(rating.level).label),
        "round": case.round,
    }
    comment = notices.staff_words(case, rating.note).strip()
    if comment:
        body = Text(
            gettext_noop(
                "诉求 %(number)s：回访%(outcome)s，%(rating)s，转入第 %(round)s 次办理。"
                "诉求人意见：%(comment)s"
            ),
            comment=comment,
            **args,
        )
    else:
        body = Text(
            gettext_noop("诉求 %(number)s：回访%(outcome)s，%(rating)s，转入第 %(round)s 次办理。"),
            **args,
        )
    notices.send(
        notices.supervisors(case) + notices.handlers(case),
        case=case,
        kind="case.reopened",
        title=Text(gettext_noop("诉求回访不满意，已重办")),
        body=body,
        key=f"reopened:{case.round}",
    )
    if rating.via == RatingVia.ONLINE:
        return
    notices.tell_requester(
        case,
        kind="case.reopened",
        title=Text(gettext_noop("您的诉求将重新办理")),
        body=Text(
            gettext_noop(
                "诉求 %(number)s 已由工作人员%(via)s，记录为：%(outcome)s，%(rating)s。"
                "诉求将重新办理（第 %(round)s 次办理），请留意办理进度。"
            ),
            via=label(RatingVia(rating.via).label),
            **args,
        ),
        key=f"reopened_requester:{case.round}",
    )


def _visit_closed_body(case: Case, rating: CaseRating) -> Text:
    """The requester closed by a return visit staff recorded (电话回访, 上门回访) hears that a
    visit was recorded, with what it recorded, and may object: they did not rate it themselves."""
    args = {
        "number": case.number,
        "via": label(RatingVia(rating.via).label),
        "outcome": Text(gettext_noop("已解决") if rating.resolved else gettext_noop("未解决")),
        "rating": label(RatingLevel(rating.level).label),
    }
    if rating.exception_reason:
        return Text(
            gettext_noop(
                "诉求 %(number)s 已由工作人员%(via)s，记录为：%(outcome)s，%(rating)s；"
                "例外办结理由：%(reason)s。诉求已办结，如有异议可再反映。"
            ),
            reason=rating.exception_reason,
            **args,
        )
    return Text(
        gettext_noop(
            "诉求 %(number)s 已由工作人员%(via)s，记录为：%(outcome)s，%(rating)s。"
            "诉求已办结，如有异议可再反映。"
        ),
        **args,
    )


@transaction.atomic
def case_close_with_exception(
    *, case: Case, actor: Any, reason: str, expected_version: int | None = None
) -> Case:
    """A supervisor closes a reopened case with a reasoned exception (S5)."""
    if not policies.can_record_exception(actor, case):
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
    notice_answers.handed_over(case)
    return case


# What the requester reads with a termination (S2), like the channel named with 不予受理 (S7):
# the reason, and where to turn if they disagree.
TERMINATION_OBJECTION = gettext_noop("如有异议，可向街道反映。")
TERMINATION_NEEDS_REQUEST = gettext_noop(
    "终止须经审批：请先提交终止申请，由其他社区或街道工作人员批准"
)


@transaction.atomic
def case_request_termination(
    *, case: Case, actor: Any, reason: str, expected_version: int | None = None
) -> Case:
    """申请终止, by the assigned party or the community: the case goes on until a supervisor
    other than the requester approves (`case_terminate`) or rejects it."""
    policies.check_can_request_termination(actor, case)
    check_version(case, expected_version)
    check_move(case.status, Action.REQUEST_TERMINATION)
    if case.termination_requested:
        raise ValidationError({"reason": _("该诉求已有待审批的终止申请")})
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
        [user for user in notices.supervisors(case) if user.pk != actor.pk],
        case=case,
        kind="case.termination_requested",
        title=Text(gettext_noop("有诉求申请终止，请审批")),
        body=notices.with_case(gettext_noop("%(case)s。%(reason)s"), case, reason=reason.strip()),
        key=f"termination:{case.version}",
    )
    return case


@transaction.atomic
def case_terminate(
    *, case: Case, actor: Any, reason: str, expected_version: int | None = None
) -> Case:
    """终止 needs approval (S2): a supervisor approves a pending request, never their own; the
    street, the approving authority, may decide it without one (`policies.can_terminate`).
    The event records which (`requested`, `approved_by`) with the reason; the requester is
    told the reason and where to turn if they disagree."""
    if not policies.can_terminate(actor, case):
        if policies.can_supervise(actor, case):
            raise PermissionDenied(_(TERMINATION_NEEDS_REQUEST))
        raise PermissionDenied
    check_version(case, expected_version)
    check_move(case.status, Action.TERMINATE)
    requested = case.termination_requested
    if requested and termination_requested_by(case) == actor.pk:
        raise ValidationError({"reason": _("终止申请须由他人批准，不能批准自己提出的申请")})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写终止理由")})
    check_note(reason, field="reason", label=_("理由"))
    reason = reason.strip().rstrip("。.；;，,")
    street = policies.is_street_officer_for(actor, case)
    note, words = event_notes.written(
        Text(
            gettext_noop("终止理由：%(reason)s。%(objection)s"),
            reason=reason,
            objection=Text(TERMINATION_OBJECTION),
        )
    )
    move(
        case,
        action=Action.TERMINATE,
        to=Status.TERMINATED,
        actor=actor,
        kind=EventKind.TERMINATED,
        note=note,
        payload={
            "requested": requested,
            "approved_by": "street" if street else "community",
            **words,
        },
        updates={
            "closed_at": timezone.now(),
            "termination_requested": False,
            "extension_requested_days": 0,
        },
    )
    notices.tell_requester(
        case,
        kind="case.terminated",
        title=Text(gettext_noop("您的诉求已终止办理")),
        body=Text(
            gettext_noop(
                "诉求 %(number)s 已终止办理。终止理由：%(reason)s。如有异议，可向街道反映。"
            ),
            number=case.number,
            reason=reason,
        ),
        key="terminated",
    )
    notice_answers.termination_answered(case)
    return case


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
    note, words = event_notes.written(
        Text(gettext_noop("驳回终止申请：%(reason)s"), reason=reason.strip())
    )
    move(
        case,
        action=Action.REJECT_TERMINATION,
        actor=actor,
        kind=EventKind.SUPERVISED,  # a refusal is the supervisor's word to carry on
        note=note,
        payload={**words, event_notes.TERMINATION_REFUSED_KEY: True},
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
    notice_answers.termination_answered(case)
    return case
