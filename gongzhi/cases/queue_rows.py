"""What a row of the work queue (工作台) shows beyond the case itself: why a 已退单 case came back,
whether the AI grid worker read an unassessed case as an emergency, and whether the viewer may
tick it for 批量交办. Reads only; at most two queries per page."""

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from gongzhi.cases import event_notes, policies
from gongzhi.cases.models import Case, CaseEvent, EventKind
from gongzhi.cases.workflow import CLOCK_STATUSES, Action, Status, can_move

# Why a row has no 批量交办 checkbox, said once above the list (in this order).
NOT_ASSESSED = _("未研判的诉求须先逐件研判，不能批量交办")
BEING_WORKED_ON = _("已交办的诉求不能再批量交办；要换承办单位，请打开诉求逐件改派")
AWAITING_VISIT = _("已处置的诉求等待回访，不能交办")
NOT_YOURS = _("其余没有勾选框的诉求您当前不能交办，可打开诉求查看")
_HINT_ORDER = (NOT_ASSESSED, BEING_WORKED_ON, AWAITING_VISIT, NOT_YOURS)


class QueueRows(list):
    """A page's rows, and `bulk_hints`: why those without a 批量交办 checkbox have none."""

    bulk_hints: list[Any]


def return_reasons(user: Any, cases: Iterable[Case]) -> dict[int, str]:
    """The latest 退单 reason of each 已退单 case among `cases`, as `user` may read it (S9):
    one query for all of them (none when no case is returned)."""
    from gongzhi.cases.selectors import shown_to  # (selectors imports this module)

    returned = {case.pk: case for case in cases if case.status == Status.RETURNED}
    if not returned:
        return {}
    latest: dict[int, str] = {}
    for case_id, note, payload in (
        CaseEvent.objects.filter(case_id__in=returned, kind=EventKind.RETURNED)
        .order_by("case_id", "created_at", "id")
        .values_list("case_id", "note", "payload")
    ):
        # ascending: the last one of each case wins; in the reader's language (event_notes)
        latest[case_id] = event_notes.rendered(note, payload)
    return {pk: shown_to(user, returned[pk], note) for pk, note in latest.items()}


def may_dispatch(user: Any, case: Case) -> bool:
    """The dispatch button's rule (selectors.allowed_actions): the status allows 交办, the case
    has its SLA class from 研判, and the user dispatches in its compound."""
    return (
        can_move(case.status, Action.DISPATCH)
        and bool(case.sla_class)
        and policies.can_dispatch(user, case)
    )


def bulk_blocker(user: Any, case: Case) -> Any:
    """Why `case` has no 批量交办 checkbox (None when it has one)."""
    if may_dispatch(user, case):
        return None
    if case.status == Status.RECEIVED or (
        can_move(case.status, Action.DISPATCH) and not case.sla_class
    ):
        return NOT_ASSESSED
    if case.status in CLOCK_STATUSES:
        return BEING_WORKED_ON
    if case.status == Status.RESOLVED:
        return AWAITING_VISIT
    return NOT_YOURS


def ai_emergencies(cases: Iterable[Case]) -> set[int]:
    """The not yet assessed cases among `cases` that the AI grid worker read as an emergency
    (燃气味, 电梯困人 …): 研判 has not set their urgency yet, so the row says so (one query,
    none when every case is assessed)."""
    from gongzhi.cases.triage_link import suggested_emergencies  # loads no model

    unassessed = [case.pk for case in cases if case.assessed_at is None]
    return suggested_emergencies(unassessed) if unassessed else set()


def queue_rows(user: Any, cases: Iterable[Case]) -> QueueRows:
    """A queue page's cases, each with `return_reason` ("" unless returned), `ai_emergency`
    and `dispatchable` (a checkbox for 批量交办 only where 交办 is possible); the page's
    `bulk_hints` say why the others have none."""
    rows = QueueRows(cases)
    reasons = return_reasons(user, rows)
    emergencies = ai_emergencies(rows)
    blockers = set()
    for case in rows:
        case.return_reason = reasons.get(case.pk, "")
        case.ai_emergency = case.pk in emergencies
        blocker = bulk_blocker(user, case)
        case.dispatchable = blocker is None
        blockers.add(blocker)
    rows.bulk_hints = [hint for hint in _HINT_ORDER if hint in blockers]
    return rows
