"""Turning cases into response dicts (shared by the read and the action endpoints)."""

from typing import Any

from gongzhi.cases import selectors


def detail_dict(user: Any, case_id: int) -> dict[str, Any]:
    detail = selectors.case_detail(user, case_id)
    case = detail.case
    return {
        **{field: getattr(case, field) for field in _CASE_FIELDS},
        "compound": case.compound,
        "assigned_company": case.assigned_company,
        # As the case page shows them (S9): contacts in the text redacted while the requester is
        # masked, no home address for the party the case may be about, and no room beside a
        # complaint read masked (G1).
        "title": detail.title,
        "content": detail.content,
        "address": selectors.shown_address(user, case, detail.requester),
        "requester": {
            "name": str(detail.requester.name),  # a lazy label when withheld
            "phone": detail.requester.phone,
            "masked": detail.requester.masked,
        },
        "actions": list(detail.actions),
        "overdue": bool(detail.overdue),
    }


_CASE_FIELDS = (
    "id",
    "number",
    "type",
    "channel",
    "category",
    "status",
    "urgency",
    "is_public",
    "supervised",
    "version",
    "created_at",
    "due_at",
    "round",
    "public_reply",
    "assigned_level",
    "assigned_department",
    "dispatched_at",
    "respond_due_at",
    "resolved_at",
    "closed_at",
)
