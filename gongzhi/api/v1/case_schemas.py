"""Case shapes of /api/v1/: what the case pages show, nothing more (requester always masked)."""

import datetime as dt

from ninja import Schema

from gongzhi.api.inputs import Text
from gongzhi.api.v1.schemas import Ref
from gongzhi.cases.choices import CaseType, Category, Channel
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
        return Status(status).label if status in Status.values else status


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
    title: Text(200)  # type: ignore[valid-type]
    content: Text(4000)  # type: ignore[valid-type]
    address: Text(200) = ""  # type: ignore[valid-type]
    requester_name: Text(50) = ""  # type: ignore[valid-type]
    requester_phone: Text(20) = ""  # type: ignore[valid-type]
    is_public: bool = False
