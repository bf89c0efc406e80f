"""并入原诉求 (S6): a repeat without new facts, found at 研判, joins the open case it repeats.

A repeat recognised at filing is created merged (`intake.create_case` with `duplicate_of`);
this is the same outcome for a case the desk already holds: no clock of its own, the original
notes the repeat, and the requester is told the original's progress.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.cases import event_notes, policies
from gongzhi.cases.models import Case, EventKind
from gongzhi.cases.services import notice_answers, notices
from gongzhi.cases.services.moves import add_event, check_version, move
from gongzhi.cases.workflow import FINAL_STATUSES, Action, Status, check_move
from gongzhi.core.notifications.texts import Text


def _original_for(actor: Any, case: Case, number: str) -> Case:
    """The open case of the same compound, numbered `number`, that the actor may see."""
    number = number.strip().upper()
    if not number:
        raise ValidationError({"original": _("请填写原诉求编号")})
    original = (
        Case.objects.visible_to(actor).select_related("compound").filter(number=number).first()
    )
    if original is None:
        raise ValidationError(
            {"original": _("未找到编号为 %(number)s 的诉求") % {"number": number}}
        )
    if original.pk == case.pk:
        raise ValidationError({"original": _("不能并入诉求本身")})
    if original.status in FINAL_STATUSES or original.compound_id != case.compound_id:
        raise ValidationError({"original": _("只能并入本小区尚未办结的诉求")})
    return original


@transaction.atomic
def case_merge(
    *, case: Case, actor: Any, original: str, expected_version: int | None = None
) -> Case:
    """并入: `case` becomes a repeat of the open case numbered `original` (same compound).

    Whoever may 研判 the case may merge it, while the desk holds it (the transition table).
    Repeats already attached to `case` follow it to the original, so that every repeat points
    at a case still in the loop, and their requesters hear of it too.
    """
    if not policies.can_dispatch(actor, case):
        raise PermissionDenied
    check_version(case, expected_version)
    check_move(case.status, Action.MERGE)
    target = _original_for(actor, case, original)
    repeats = list(Case.objects.filter(duplicate_of=case).select_related("requester"))
    note, words = event_notes.written(
        Text(gettext_noop("重复反映，已并入诉求 %(original)s"), original=target.number)
    )
    move(
        case,
        action=Action.MERGE,
        to=Status.MERGED,
        actor=actor,
        kind=EventKind.REPEATED,
        note=note,
        payload={"original": target.number, **words},
        updates={
            "duplicate_of": target,
            # The repeat is the same matter: it carries the original's assessment (as at filing).
            "category": target.category or case.category,
            "sla_class": target.sla_class or case.sla_class,
            "termination_requested": False,
        },
    )
    numbers = [case.number, *(r.number for r in repeats)]
    note, words = event_notes.written(
        Text(gettext_noop("收到重复反映（%(numbers)s），已并入本诉求"), numbers="、".join(numbers))
    )
    add_event(
        target,
        kind=EventKind.REPEATED,
        actor=actor,
        note=note,
        payload={"repeat": case.number, "repeats": numbers[1:], **words},
    )
    if repeats:
        Case.objects.filter(pk__in=[r.pk for r in repeats]).update(duplicate_of=target)
    followed, words = event_notes.written(
        Text(
            gettext_noop("所并入的诉求 %(repeat)s 已并入诉求 %(original)s"),
            repeat=case.number,
            original=target.number,
        )
    )
    for repeat in repeats:
        add_event(
            repeat,
            kind=EventKind.REPEATED,
            actor=actor,
            note=followed,
            payload={"original": target.number, **words},
        )
        notices.repeat_joined(repeat, target)
    notices.repeat_joined(case, target)
    notice_answers.handed_over(case)
    return case
