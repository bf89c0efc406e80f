"""The ONE mapping from the internal workflow (S2) to Open311's `open`/`closed`, and its notes.

Open311 knows two states: `open` ("it has been reported") and `closed` ("it has been resolved").
A case counts as closed once the work is done (resolved, waiting for the return visit) or it
has ended for good (closed, terminated, not accepted, merged into an earlier case). A reopened
case (重办) is open again.
"""

from typing import Any

from gongzhi.cases.choices import NOT_ACCEPTED_CHANNEL
from gongzhi.cases.texts import without_people
from gongzhi.cases.workflow import FINAL_STATUSES, Status

OPEN, CLOSED = "open", "closed"
_CLOSED_STATUSES = frozenset(FINAL_STATUSES | {Status.RESOLVED})


def open311_status(status: str) -> str:
    return CLOSED if status in _CLOSED_STATUSES else OPEN


def statuses_for(open311_value: str) -> list[str]:
    """Internal statuses shown as `open311_value` (for the `status` filter), from the mapping."""
    return [s for s in Status.values if open311_status(s) == open311_value]


def status_notes(case: Any) -> str:
    """The public reply once there is one; otherwise what the status means, in public words."""
    if case.public_reply:
        # Public words for anyone: the reply as the public case page shows it (S9: no contact,
        # room or person's name, the requester's or anyone's).
        return without_people(case.public_reply, [case.requester_name])
    if case.status == Status.NOT_ACCEPTED and case.not_accepted_reason:
        return str(NOT_ACCEPTED_CHANNEL.get(case.not_accepted_reason, ""))
    if case.status == Status.MERGED and case.duplicate_of_id:
        return "重复诉求，已并入原诉求一并办理"
    return str(Status(case.status).label) if case.status in Status.values else ""
