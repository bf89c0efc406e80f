"""The party's notice of a 交办 or 改派 ("新的诉求已交办给您"), which says when the case comes
back to it: 重办 and which round, or a 退单 not accepted, with the 交办说明."""

from typing import Any

from django.utils.translation import gettext_noop

from gongzhi.cases import sla
from gongzhi.cases.deadlines import local_stamp
from gongzhi.cases.models import Case, CaseEvent, EventKind
from gongzhi.cases.services import notices
from gongzhi.core.notifications.texts import Text

HANDED_BACK_EVENTS = frozenset({EventKind.RETURNED, EventKind.REOPENED})


def notify_assigned(
    case: Case,
    window: sla.Window,
    *,
    actor: Any,
    back_from: CaseEvent | None = None,
    note: str = "",
) -> None:
    """The new party hears of its case and its deadline (not whoever assigned it to their own
    level: the street naming itself, a community worker taking a case over). A case handed
    back (`back_from`, `handed_back_by`) says so: 重办 and which round of work it is, or, to the
    party whose 退单 it was, that the 退单 was not accepted; with the 交办说明 (`note`) as the
    party may read it (`notices.case_note`)."""
    due = local_stamp(window.due_at, year=True)
    title = gettext_noop("新的诉求已交办给您")
    body = notices.with_case(gettext_noop("%(case)s。办理期限 %(due)s。"), case, due=due)
    if back_from is not None and back_from.kind == EventKind.REOPENED:
        title = gettext_noop("诉求重办，再次交办给您")
        body = notices.with_case(
            gettext_noop("%(case)s。回访后重办（第 %(round)s 次办理）。办理期限 %(due)s。"),
            case,
            round=case.round,
            due=due,
        )
    elif back_from is not None and _same_party(back_from.payload, case):
        title = gettext_noop("退单未予采纳，诉求再次交办给您")
        body = notices.with_case(
            gettext_noop("%(case)s。您单位的退单经核实未予采纳，请签收办理。办理期限 %(due)s。"),
            case,
            due=due,
        )
    if note.strip():
        body = Text(
            gettext_noop("%(body)s\n交办说明：%(note)s"),
            body=body,
            note=notices.case_note(case, note.strip()),
        )
    notices.send(
        [user for user in notices.handlers(case) if user.pk != actor.pk],
        case=case,
        kind="case.assigned",
        title=Text(title),
        body=body,
        key=f"assigned:{case.version}",
    )


def handed_back_by(case: Case) -> CaseEvent | None:
    """The 退单 or 重办 event that handed `case` back to the desk since its last hand-over, if
    it was handed over before (ask it before the 交办)."""
    if case.dispatched_at is None:
        return None
    last = (
        case.events.filter(
            kind__in=[
                EventKind.RETURNED,
                EventKind.REOPENED,
                EventKind.DISPATCHED,
                EventKind.REASSIGNED,
            ]
        )
        .order_by("-created_at", "-id")
        .first()
    )
    return last if last is not None and last.kind in HANDED_BACK_EVENTS else None


def _same_party(payload: dict[str, Any], case: Case) -> bool:
    """The party a 退单 event records (`case_party`) is the one `case` is handed to now."""
    return (
        payload.get("level") == case.assigned_level
        and payload.get("company") == case.assigned_company_id
        and (payload.get("department") or "") == case.assigned_department
    )
