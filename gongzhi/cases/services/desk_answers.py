"""The desk closes a case without handing it over: a 咨询 answered at once (S1), or a matter not
accepted, naming the procedure it belongs to (S7)."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.cases import event_notes, policies
from gongzhi.cases.choices import NOT_ACCEPTED_CHANNEL, CaseType, NotAcceptedReason
from gongzhi.cases.models import Case, EventKind
from gongzhi.cases.services import notice_answers, notices
from gongzhi.cases.services.intake import check_public_text
from gongzhi.cases.services.moves import check_version, move
from gongzhi.cases.texts import check_note
from gongzhi.cases.workflow import Action, Status
from gongzhi.core.notifications.texts import Text, label


@transaction.atomic
def case_answer(*, case: Case, actor: Any, reply: str, expected_version: int | None = None) -> Case:
    """S1: a 咨询 is answered and closed at once; the answer is its public reply."""
    if not policies.can_dispatch(actor, case):
        raise PermissionDenied
    check_version(case, expected_version)
    if case.type != CaseType.CONSULTATION:
        raise ValidationError({"type": _("仅咨询类诉求可直接答复办结")})
    if not reply.strip():
        raise ValidationError({"reply": _("请填写答复内容")})
    check_public_text(reply, "reply", case)
    now = timezone.now()
    move(
        case,
        action=Action.ANSWER,
        to=Status.CLOSED,
        actor=actor,
        kind=EventKind.ANSWERED,
        note=reply.strip(),
        updates={"public_reply": reply.strip(), "closed_at": now},
        now=now,
    )
    notices.tell_requester(
        case,
        kind="case.closed",
        title=Text(gettext_noop("您的咨询已答复")),
        key="answered",
    )
    notice_answers.handed_over(case)
    return case


@transaction.atomic
def case_not_accept(
    *, case: Case, actor: Any, reason: str, note: str = "", expected_version: int | None = None
) -> Case:
    """S7: not accepted, naming the procedure the matter belongs to."""
    if not policies.can_dispatch(actor, case):
        raise PermissionDenied
    check_version(case, expected_version)
    if reason not in NotAcceptedReason.values:
        raise ValidationError({"reason": _("请选择不予受理的原因")})
    check_note(note, field="note", label=_("补充说明"))
    why = Text(
        gettext_noop("%(reason)s，%(channel)s。"),
        reason=label(NotAcceptedReason(reason).label),
        channel=label(NOT_ACCEPTED_CHANNEL[reason]),
    )
    text = why.source()  # the public reply, as before: the platform's language
    if note.strip():
        why = Text(gettext_noop("%(text)s\n%(note)s"), text=why, note=note.strip())
    stored_note, words = event_notes.written(why)
    now = timezone.now()
    move(
        case,
        action=Action.NOT_ACCEPT,
        to=Status.NOT_ACCEPTED,
        actor=actor,
        kind=EventKind.NOT_ACCEPTED,
        note=stored_note,
        payload={"reason": reason, **words},
        updates={"not_accepted_reason": reason, "closed_at": now, "public_reply": text},
        now=now,
    )
    notices.tell_requester(
        case,
        kind="case.not_accepted",
        title=Text(gettext_noop("您的诉求不予受理")),
        body=notices.case_note(case, text),
        key="not_accepted",
    )
    notice_answers.handed_over(case)
    return case
