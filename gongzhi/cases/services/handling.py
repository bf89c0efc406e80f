"""The assigned party's work: 签收 accept, 办理 start, 延期 extend (and its request and
approval), 处置 resolve (S2, S3)."""

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.cases import deadlines, event_notes, policies, sla
from gongzhi.cases.choices import AttachmentKind, SlaClass
from gongzhi.cases.models import Case, CaseAttachment, EventKind
from gongzhi.cases.pending_requests import extension_request
from gongzhi.cases.services import notice_answers, notices
from gongzhi.cases.services.assignment import case_party
from gongzhi.cases.services.intake import check_public_text, save_attachment
from gongzhi.cases.services.moves import check_version, move
from gongzhi.cases.texts import MAX_RESOLUTION_NOTE, check_note
from gongzhi.cases.workflow import Action, Status, check_move
from gongzhi.core.calendar import local_zone
from gongzhi.core.notifications.texts import Text
from gongzhi.org.models import Role


def _authorize_handler(actor: Any, case: Case, expected_version: int | None) -> None:
    if not policies.can_handle(actor, case):
        raise PermissionDenied
    check_version(case, expected_version)


@transaction.atomic
def case_accept(*, case: Case, actor: Any, expected_version: int | None = None) -> Case:
    """签收: the response that the 15-minute clock measures. The event records the party and
    whether it signed by the deadline of the 交办 or 改派 it answers, before any escalation
    handed the case above it (the party's 响应率, metrics.py). A hand-over made after an
    escalation (改派 below the street keeps `escalation_level`) sets a deadline of its own."""
    _authorize_handler(actor, case, expected_version)
    now = timezone.now()
    due = case.respond_due_at
    told = notices.handlers(case)  # before the signer becomes the case's assigned user
    move(
        case,
        action=Action.ACCEPT,
        to=Status.ACCEPTED,
        actor=actor,
        kind=EventKind.ACCEPTED,
        payload={
            **case_party(case),
            "respond_due_at": due.isoformat() if due else None,
            "on_time": due is not None and now <= due and not _escalated_since_handover(case),
        },
        updates={"responded_at": now, "assigned_user": case.assigned_user or actor},
        now=now,
    )
    notices.assigned_answered(case, [*told, actor])
    return case


def _escalated_since_handover(case: Case) -> bool:
    """Escalated after its latest 交办 or 改派: the 签收 answers a party the case was taken from,
    whatever its response deadline (a class may allow longer to sign than to resolve). One
    query, for an escalated case only."""
    if not case.escalation_level:
        return False
    handover = (
        case.events.filter(kind__in=(EventKind.DISPATCHED, EventKind.REASSIGNED))
        .order_by("-id")
        .values("id")[:1]
    )
    return case.events.filter(kind=EventKind.ESCALATED, id__gt=Subquery(handover)).exists()


@transaction.atomic
def case_start(
    *, case: Case, actor: Any, note: str = "", expected_version: int | None = None
) -> Case:
    _authorize_handler(actor, case, expected_version)
    check_note(note, field="note", label=_("备注"))
    move(
        case,
        action=Action.START,
        to=Status.IN_PROGRESS,
        actor=actor,
        kind=EventKind.STARTED,
        note=note.strip(),
    )
    return case


@transaction.atomic
def case_extend(
    *,
    case: Case,
    actor: Any,
    reason: str,
    until: dt.datetime,
    expected_version: int | None = None,
) -> Case:
    """延期 by the community or the street (a petition's: the street), with a reason, within
    the policy's limit, and the requester is told. The company handling the case, and the
    community for a petition, ask instead (`case_request_extension`)."""
    policies.check_can_extend(actor, case)
    check_version(case, expected_version)
    check_move(case.status, Action.EXTEND)
    policy = sla.policy_for(case.sla_class)
    if case.extension_requested_days:
        raise ValidationError({"reason": _(EXTENSION_PENDING)})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写延期理由")})
    check_note(reason, field="reason", label=_("理由"))
    _check_extensions_left(case, policy)
    if until.tzinfo is None:
        until = until.replace(tzinfo=local_zone())
    limit = sla.extension_limit(policy, case.due_at)
    if not case.due_at < until <= limit:
        message = _("延期后的期限须晚于原期限，且最多延长 %(n)d 天")
        raise ValidationError({"until": message % {"n": policy.extension_days}})
    _extend(case, actor=actor, reason=reason.strip(), until=until, policy=policy)
    return case


EXTENSION_PENDING = gettext_noop("该诉求有待审批的延期申请，请先批准或驳回")


def _check_extensions_left(case: Case, policy: Any) -> None:
    """One 延期 per round (a petition's: once in its life, S3), as the class allows."""
    if sla.may_extend_again(case, policy):
        return
    if case.sla_class == SlaClass.PETITION:  # counted over its whole life (sla.py)
        message = _("信访事项的延期次数已用完（受理后最多延期 %(n)d 次）")
    else:
        message = _("本轮延期次数已用完（最多 %(n)d 次）")
    raise ValidationError(message % {"n": policy.max_extensions})


def _extend(
    case: Case,
    *,
    actor: Any,
    reason: str,
    until: dt.datetime,
    policy: Any,
    action: str = Action.EXTEND,
    payload: dict[str, Any] | None = None,
) -> None:
    """Move the deadline to `until` (延期, or an approved 申请延期) and tell the requester."""
    start = case.clock_started_at or timezone.now()
    until_text = deadlines.local_stamp(until, year=True)
    note, words = event_notes.written(
        Text(gettext_noop("%(reason)s\n新期限 %(until)s"), reason=reason, until=until_text)
    )
    move(
        case,
        action=action,
        actor=actor,
        kind=EventKind.EXTENDED,
        note=note,
        payload={
            "from": case.due_at.isoformat(),
            "to": until.isoformat(),
            **(payload or {}),
            **words,
        },
        updates={
            "due_at": until,
            "warn_at": sla.warn_time(start, until, policy),
            "warned_at": None,
            "breached_at": None,
            "extension_count": case.extension_count + 1,
            "extension_requested_days": 0,
        },
    )
    notices.tell_requester(
        case,
        kind="case.extended",
        title=Text(gettext_noop("您的诉求办理期限已延长")),
        body=Text(
            gettext_noop("诉求 %(number)s 延期至 %(until)s，理由：%(reason)s"),
            number=case.number,
            until=until_text,
            reason=reason,
        ),
        key=f"extended:{case.version}",
    )


def _approvers(case: Case, actor: Any) -> list[Any]:
    """Who may decide a 申请延期 (`policies.can_approve_extension`, i.e. `can_extend`): the
    community and the street over the case, a petition's only the street; not who asked. One
    query, whatever their number."""
    if case.sla_class == SlaClass.PETITION:
        users = notices._grant_users({Role.STREET_OFFICER}, [case.compound.path])
    else:
        users = notices.supervisors(case)  # every dispatcher over it (`can_dispatch`)
    return [user for user in users if user.pk != actor.pk]


@transaction.atomic
def case_request_extension(
    *,
    case: Case,
    actor: Any,
    reason: str,
    days: int | None,
    expected_version: int | None = None,
) -> Case:
    """申请延期 (S2): the company handling the case, after 签收 and before its deadline, asks
    the community or the street for `days` more, with a reason; a petition's +30 days the
    community asks of the street (信访工作条例 Art. 35). Nothing moves and the requester is
    not told until it is approved (`case_approve_extension`)."""
    policies.check_can_request_extension(actor, case)
    check_version(case, expected_version)
    check_move(case.status, Action.REQUEST_EXTENSION)
    policy = sla.policy_for(case.sla_class)
    if case.extension_requested_days:
        raise ValidationError({"reason": _("该诉求已有待审批的延期申请")})
    _check_extensions_left(case, policy)
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = _("请填写延期理由")
    else:
        errors |= _raised(check_note, reason, field="reason", label=_("理由"))
    if not days or not 1 <= days <= policy.extension_days:
        errors["days"] = _("延期天数须在 1 至 %(n)d 天之间") % {"n": policy.extension_days}
    if errors:
        raise ValidationError(errors)
    if case.due_at is not None and case.due_at <= timezone.now():
        raise ValidationError(
            {"days": _("办理期限已过，不能再申请延期；如确有困难，请联系社区或街道")}
        )
    reason = reason.strip()
    note, words = event_notes.written(
        Text(gettext_noop("%(reason)s\n申请延期 %(days)s 天"), reason=reason, days=days)
    )
    move(
        case,
        action=Action.REQUEST_EXTENSION,
        actor=actor,
        kind=EventKind.EXTENSION_REQUESTED,
        note=note,
        payload={"days": days, "reason": reason, **words},
        updates={"extension_requested_days": days},
    )
    notices.send(
        _approvers(case, actor),
        case=case,
        kind="case.extension_requested",
        title=Text(gettext_noop("有诉求申请延期，请审批")),
        body=notices.with_case(
            gettext_noop("%(case)s。申请延期 %(days)s 天，理由：%(reason)s"),
            case,
            days=days,
            reason=reason,
        ),
        key=f"extension_requested:{case.version}",
    )
    return case


def _check_can_decide_extension(actor: Any, case: Case, expected_version: int | None) -> dict:
    if not policies.can_approve_extension(actor, case):
        raise PermissionDenied
    check_version(case, expected_version)
    request = extension_request(case)
    if not request:
        raise ValidationError(_("该诉求没有待审批的延期申请"))
    if request["by"] == actor.pk:
        raise ValidationError(_("延期申请须由他人审批，不能审批自己提出的申请"))
    return request


@transaction.atomic
def case_approve_extension(
    *, case: Case, actor: Any, note: str = "", expected_version: int | None = None
) -> Case:
    """批准延期: the deadline moves by the days asked (within the class's limit, counted as
    one 延期), the requester is told with the reason, and the company hears it was approved."""
    request = _check_can_decide_extension(actor, case, expected_version)
    check_move(case.status, Action.APPROVE_EXTENSION)
    check_note(note, field="note", label=_("审批意见"))
    policy = sla.policy_for(case.sla_class)
    _check_extensions_left(case, policy)
    until = min(
        case.due_at + dt.timedelta(days=request["days"]),
        sla.extension_limit(policy, case.due_at),
    )
    reason = request["reason"] or note.strip()
    asked = [user for user in notices.handlers(case) if user.pk == request["by"]]
    _extend(
        case,
        actor=actor,
        reason=reason,
        until=until,
        policy=policy,
        action=Action.APPROVE_EXTENSION,
        payload={"requested_by": request["by"], "days": request["days"], "note": note.strip()},
    )
    notices.send(
        asked or notices.handlers(case),
        case=case,
        kind="case.extended",
        title=Text(gettext_noop("延期申请已批准")),
        body=notices.with_case(
            gettext_noop("%(case)s。办理期限延至 %(until)s"),
            case,
            until=deadlines.local_stamp(until, year=True),
        ),
        key=f"extension_approved:{case.version}",
    )
    notice_answers.extension_answered(case)
    return case


@transaction.atomic
def case_reject_extension(
    *, case: Case, actor: Any, reason: str, expected_version: int | None = None
) -> Case:
    """驳回延期申请: the deadline stays, the requester of the case hears nothing, and whoever
    handles it is told why."""
    _check_can_decide_extension(actor, case, expected_version)
    check_move(case.status, Action.REJECT_EXTENSION)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写驳回理由")})
    check_note(reason, field="reason", label=_("理由"))
    move(
        case,
        action=Action.REJECT_EXTENSION,
        actor=actor,
        kind=EventKind.EXTENSION_REJECTED,
        note=reason.strip(),
        updates={"extension_requested_days": 0},
    )
    notices.send(
        notices.handlers(case),
        case=case,
        kind="case.supervised",
        title=Text(gettext_noop("延期申请未获批准，请按原期限办理")),
        body=notices.with_case(gettext_noop("%(case)s。%(reason)s"), case, reason=reason.strip()),
        key=f"extension_rejected:{case.version}",
    )
    notice_answers.extension_answered(case)
    return case


def _raised(check: Callable[..., None], *args: Any, **kwargs: Any) -> dict[str, str]:
    """A field check's error, as {field: message}, instead of raised."""
    try:
        check(*args, **kwargs)
    except ValidationError as exc:
        return {field: messages[0] for field, messages in exc.message_dict.items()}
    return {}


def resolve_errors(
    case: Case, *, public_reply: str, resolution_note: str, evidence: list[Any]
) -> dict[str, str]:
    """Everything wrong with a 处置完毕 at once (the form shows them together): the public
    reply (required, S9-clean), the internal note's length, the evidence (this round's files,
    or those given now). The content of the files given is checked when they are saved."""
    errors: dict[str, str] = {}
    if not public_reply.strip():
        errors["public_reply"] = _("请填写公开答复")
    else:
        errors |= _raised(check_public_text, public_reply, "public_reply", case)
    errors |= _raised(
        check_note,
        resolution_note,
        field="resolution_note",
        label=_("处置说明"),
        limit=MAX_RESOLUTION_NOTE,
    )
    has_evidence = CaseAttachment.objects.filter(
        case=case, round=case.round, kind=AttachmentKind.EVIDENCE
    ).exists()
    if not evidence and not has_evidence:
        errors["evidence"] = _("请上传处置凭证（照片或文件）")
    return errors


@transaction.atomic
def case_resolve(
    *,
    case: Case,
    actor: Any,
    public_reply: str,
    resolution_note: str = "",
    evidence: Iterable[Any] = (),
    expected_version: int | None = None,
) -> Case:
    """处置完毕: evidence and a public reply required; schedules the return visit (S5). The
    internal 处置说明 stays with its round's 已处置 event (staff who read internal notes see it
    on the timeline); the case keeps the latest one."""
    _authorize_handler(actor, case, expected_version)
    check_move(case.status, Action.RESOLVE)
    evidence = list(evidence)
    errors = resolve_errors(
        case, public_reply=public_reply, resolution_note=resolution_note, evidence=evidence
    )
    if errors:
        raise ValidationError(errors)
    saved: list[CaseAttachment] = []
    read = {field.attname: getattr(case, field.attname) for field in Case._meta.concrete_fields}
    try:
        _resolve(case, actor=actor, public_reply=public_reply, resolution_note=resolution_note)
        # After the compare-and-swap: a case someone else moved first stores no file. The
        # files join the round being resolved (the move keeps `round`).
        for file in evidence:
            saved.append(
                save_attachment(case=case, actor=actor, file=file, kind=AttachmentKind.EVIDENCE)
            )
    except BaseException:
        # The transaction rolls back the rows, not the storage nor the case in memory (a
        # refused file, say, leaves it as it was read).
        for attachment in saved:
            attachment.file.storage.delete(attachment.file.name)
        for name, value in read.items():
            setattr(case, name, value)
        raise
    return case


def _resolve(case: Case, *, actor: Any, public_reply: str, resolution_note: str) -> None:
    """case_resolve's move and notices, once its input is checked."""
    policy = sla.policy_for(case.sla_class)
    now = timezone.now()
    # Resolved past a deadline the sweep has not flagged yet (it runs every half minute, or was
    # down): the breach counts all the same, so 按时办结率 agrees with the red clock. Guarded
    # like the sweep's own flag, so a sweep racing this counts it once.
    if Case.objects.filter(
        pk=case.pk, status=case.status, due_at__lt=now, breached_at__isnull=True
    ).update(breached_at=now, breach_count=F("breach_count") + 1):
        case.breached_at, case.breach_count = now, case.breach_count + 1
    move(
        case,
        action=Action.RESOLVE,
        to=Status.RESOLVED,
        actor=actor,
        kind=EventKind.RESOLVED,
        note=public_reply.strip(),
        # The round and the party that resolved it: its visit and closure are charged to it.
        payload={
            **case_party(case),
            "round": case.round,
            "on_time": case.due_at is None or now <= case.due_at,
            **({"resolution_note": resolution_note.strip()} if resolution_note.strip() else {}),
        },
        updates={
            "resolved_at": now,
            "public_reply": public_reply.strip(),
            "resolution_note": resolution_note.strip(),
            "visit_due_at": now + dt.timedelta(days=policy.auto_close_days),
            "extension_requested_days": 0,  # a request not decided by then lapses
        },
        now=now,
    )
    notices.tell_requester(
        case,
        kind="case.rate_request",
        title=Text(gettext_noop("您的诉求已处置，请评价")),
        body=notices.case_note(case, public_reply.strip()[:100]),
        key=f"rate:{case.round}",
    )
    if case.dispatched_by_id:
        notices.send(
            [case.dispatched_by],
            case=case,
            kind="case.resolved",
            title=Text(gettext_noop("交办的诉求已处置")),
            key=f"resolved:{case.round}",
        )
    notices.send(  # the grid worker who reported it from a round sees the loop close
        [user for user in notices.reporter(case) if user.pk != case.dispatched_by_id],
        case=case,
        kind="case.resolved",
        title=Text(gettext_noop("您登记的诉求已处置")),
        body=notices.case_note(case, public_reply.strip()[:100]),
        key=f"resolved:{case.round}",
    )
