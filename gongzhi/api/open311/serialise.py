"""One case as an Open311 `request`: public-safe fields only, requester data never."""

from typing import Any

from django.utils import timezone

from gongzhi.api.models import Open311Client, Open311Submission
from gongzhi.api.open311.catalogue import service_name
from gongzhi.api.open311.status import CLOSED, open311_status, status_notes
from gongzhi.cases import selectors as case_selectors
from gongzhi.cases.choices import Level, party_for_requester
from gongzhi.core.masking import redact_text


def w3(value: Any) -> str | None:
    """ISO 8601 with the local offset, e.g. 2026-11-29T10:00:00+08:00."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _agency(case: Any) -> str | None:
    """The party handling the case now, as its requester is told (`party_for_requester`), by
    name: the property company only while the case is at the 小区 level, not one it was
    escalated from (S4); the community, the street; the department, or 职能部门 while the
    street has yet to name one."""
    level = case.assigned_level
    community = case.compound.community
    if level == Level.COMPOUND:
        return case.assigned_company.name if case.assigned_company_id else None
    if level == Level.COMMUNITY:
        return f"{community.name}社区"
    if level == Level.STREET:
        return community.street.name
    if level == Level.DEPARTMENT:
        return str(party_for_requester(level, department=case.assigned_department))
    return None


def _description(case: Any, submission: Open311Submission | None, client: Any) -> str | None:
    # The client that sent the case may read its own text back; everyone else sees only what
    # the requester agreed to publish, with phone and ID numbers masked.
    if submission is not None and client is not None and submission.client_id == client.pk:
        return redact_text(case.content)
    return case_selectors.public_case(case).content or None


def _coordinate(value: Any) -> float | None:
    return float(value) if value is not None else None


def request_dict(
    case: Any, submission: Open311Submission | None, client: Open311Client | None
) -> dict[str, Any]:
    status = open311_status(case.status)
    code = case.category or (submission.service_code if submission else "")
    compound = case.compound
    updated = (case.closed_at or case.resolved_at) if status == CLOSED else None
    return {
        "service_request_id": case.pk,
        "status": status,
        "status_notes": status_notes(case) or None,
        "service_name": service_name(code) or None,
        "service_code": code or None,
        "description": _description(case, submission, client),
        "agency_responsible": _agency(case),
        "service_notice": None,
        "requested_datetime": w3(case.created_at),
        "updated_datetime": w3(updated or case.updated_at),
        "expected_datetime": w3(case.due_at),
        # Compound level only: a room number beside a complaint is personal data (G1).
        "address": "，".join(p for p in (compound.address, compound.name) if p) or None,
        "address_id": None,
        "zipcode": None,
        "lat": _coordinate(compound.latitude),
        "long": _coordinate(compound.longitude),
        "media_url": (submission.media_url or None) if submission else None,
    }
