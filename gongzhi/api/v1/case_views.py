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
        "requester": {
            "name": detail.requester.name,
            "phone": detail.requester.phone,
            "masked": detail.requester.masked,
        },
        "actions": list(detail.actions),
        "overdue": bool(detail.overdue),
    }


_CASE_FIELDS = (
    "id",
    "number",
    "title",
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
    "content",
    "address",
    "round",
    "public_reply",
    "assigned_level",
    "assigned_department",
    "dispatched_at",
    "respond_due_at",
    "resolved_at",
    "closed_at",
)
