"""The requests waiting on a case for a second person's decision (申请延期, 申请终止), read from
their latest event: the services check that nobody approves their own request, the selectors
offer the decision to whoever may take it."""

from typing import Any

from gongzhi.cases.models import Case, EventKind


def extension_request(case: Case) -> dict[str, Any]:
    """The pending 申请延期 of `case`: who asked (`by`), the `days` and the `reason`, from its
    latest event; empty when none is pending."""
    if not case.extension_requested_days:
        return {}
    request = (
        case.events.filter(kind=EventKind.EXTENSION_REQUESTED).order_by("-created_at", "-id")
    ).first()
    payload = request.payload if request else {}
    return {
        "by": request.actor_id if request else None,
        "days": case.extension_requested_days,
        "reason": payload.get("reason", ""),
    }


def termination_requested_by(case: Case) -> int | None:
    """Who made the pending termination request (its latest event)."""
    request = (
        case.events.filter(kind=EventKind.TERMINATION_REQUESTED).order_by("-created_at", "-id")
    ).first()
    return request.actor_id if request else None
