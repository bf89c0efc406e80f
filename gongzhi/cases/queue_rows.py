"""What a row of the work queue (工作台) shows beyond the case itself: why a 已退单 case came back,
whether the AI grid worker read an unassessed case as an emergency, and whether the viewer may
tick it for 批量交办. Reads only; at most two queries per page."""

from collections.abc import Iterable
from typing import Any

from gongzhi.cases import policies
from gongzhi.cases.models import Case, CaseEvent, EventKind
from gongzhi.cases.workflow import Action, Status, can_move


def return_reasons(user: Any, cases: Iterable[Case]) -> dict[int, str]:
    """The latest 退单 reason of each 已退单 case among `cases`, as `user` may read it (S9):
    one query for all of them (none when no case is returned)."""
    from gongzhi.cases.selectors import shown_to  # (selectors imports this module)

    returned = {case.pk: case for case in cases if case.status == Status.RETURNED}
    if not returned:
        return {}
    latest: dict[int, str] = {}
    for case_id, note in (
        CaseEvent.objects.filter(case_id__in=returned, kind=EventKind.RETURNED)
        .order_by("case_id", "created_at", "id")
        .values_list("case_id", "note")
    ):
        latest[case_id] = note  # ascending: the last one of each case wins
    return {pk: shown_to(user, returned[pk], note) for pk, note in latest.items()}


def may_dispatch(user: Any, case: Case) -> bool:
    """The dispatch button's rule (selectors.allowed_actions): the status allows 交办, the case
    has its SLA class from 研判, and the user dispatches in its compound."""
    return (
        can_move(case.status, Action.DISPATCH)
        and bool(case.sla_class)
        and policies.can_dispatch(user, case)
    )


def ai_emergencies(cases: Iterable[Case]) -> set[int]:
    """The not yet assessed cases among `cases` that the AI grid worker read as an emergency
    (燃气味, 电梯困人 …): 研判 has not set their urgency yet, so the row says so (one query,
    none when every case is assessed)."""
    from gongzhi.cases.triage_link import suggested_emergencies  # loads no model

    unassessed = [case.pk for case in cases if case.assessed_at is None]
    return suggested_emergencies(unassessed) if unassessed else set()


def queue_rows(user: Any, cases: Iterable[Case]) -> list[Case]:
    """A queue page's cases, each with `return_reason` ("" unless returned), `ai_emergency`
    and `dispatchable` (a checkbox for 批量交办 only where 交办 is possible)."""
    rows = list(cases)
    reasons = return_reasons(user, rows)
    emergencies = ai_emergencies(rows)
    for case in rows:
        case.return_reason = reasons.get(case.pk, "")
        case.ai_emergency = case.pk in emergencies
        case.dispatchable = may_dispatch(user, case)
    return rows
