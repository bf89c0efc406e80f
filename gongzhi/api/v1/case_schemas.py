"""Case shapes of /api/v1/: what the case pages show, nothing more (requester always masked)."""

import datetime as dt

from ninja import Schema

from gongzhi.api.inputs import Text
from gongzhi.api.v1.schemas import Ref
from gongzhi.cases.choices import CaseType, Category, Channel
from gongzhi.cases.texts import MAX_ADDRESS, MAX_CONTENT, MAX_REQUESTER_NAME, MAX_TITLE
from gongzhi.cases.workflow import Status


class CaseOut(Schema):
    id: int
    number: str
    title: str
    type: str
    channel: str
    category: str
    status: str
    status_label: str
    urgency: str
    compound: Ref
    is_public: bool
    supervised: bool
    version: int
    created_at: dt.datetime
    due_at: dt.datetime | None

    @staticmethod
    def resolve_status_label(obj: object) -> str:
        status = obj.get("status", "") if isinstance(obj, dict) else getattr(obj, "status", "")
        return str(Status(status).label) if status in Status.values else status


class CasePage(Schema):
    items: list[CaseOut]
    next_cursor: str | None


class RequesterOut(Schema):
    name: str
    phone: str
    masked: bool


class CaseDetailOut(CaseOut):
    content: str
    address: str
    round: int
    public_reply: str
    assigned_level: str
    assigned_company: Ref | None
    assigned_department: str
    dispatched_at: dt.datetime | None
    respond_due_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    requester: RequesterOut
    actions: list[str]
    overdue: bool


class EventOut(Schema):
    id: int
    kind: str
    kind_label: str
    old_status: str
    new_status: str
    note: str
    actor: str
    created_at: dt.datetime


class AttachmentOut(Schema):
    id: int
    kind: str
    content_type: str
    size: int
    round: int
    uploaded_at: dt.datetime


class CaseIn(Schema):
    compound_id: int
    building_id: int | None = None
    unit_id: int | None = None
    channel: Channel = Channel.ONLINE
    type: CaseType
    category: Category | None = None  # pre-set; 研判 confirms or changes it
    # The web form's limits (the cases app's): one rule whichever way a case is filed.
    title: Text(MAX_TITLE)  # type: ignore[valid-type]
    content: Text(MAX_CONTENT)  # type: ignore[valid-type]
    address: Text(MAX_ADDRESS) = ""  # type: ignore[valid-type]
    requester_name: Text(MAX_REQUESTER_NAME) = ""  # type: ignore[valid-type]
    requester_phone: Text(20) = ""  # type: ignore[valid-type]
    is_public: bool = False
