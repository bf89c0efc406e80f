"""Response shapes of /api/v1/ (they are the OpenAPI document's components)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema

from gongzhi.core.masking import redact_text


class ErrorDetail(Schema):
    loc: list[str]
    msg: str


class Error(Schema):
    """所有错误的统一格式：`code` 为稳定代码（客户端据此判断），`message` 为中文说明。"""

    code: str
    message: str
    details: list[ErrorDetail] | None = None  # invalid_request: which parameter, what is wrong
    fields: dict[str, list[str]] | None = None  # validation_failed: the messages per field


class TokenOut(Schema):
    token: str
    expires_at: dt.datetime


class Revoked(Schema):
    revoked: bool


class RoleOut(Schema):
    role: str
    label: str
    scope: str


class Me(Schema):
    id: int
    username: str
    display_name: str
    roles: list[RoleOut]
    everything: bool


# --- org tree --------------------------------------------------------------------------------


class Ref(Schema):
    id: int
    name: str


class CommunityOut(Schema):
    id: int
    name: str
    street: Ref


class CompoundOut(Schema):
    id: int
    name: str
    community: Ref
    address: str
    latitude: Decimal | None
    longitude: Decimal | None


class BuildingOut(Schema):
    id: int
    name: str
    compound: Ref
    floors: int


class UnitOut(Schema):
    id: int
    name: str
    building: Ref
    entrance: str
    room: str
    floor: int
    area: Decimal


class PersonOut(Schema):
    """Always masked in the API (`张*`, `138****1234`)."""

    name: str
    phone: str
    relation: str


class UnitDetailOut(UnitOut):
    people: list[PersonOut]


# --- notifications ---------------------------------------------------------------------------


class NotificationOut(Schema):
    """As the inbox page shows it: in the reader's language, numbers written into it masked."""

    id: int
    kind: str
    title: str
    body: str
    # null: the page was taken from the reader since (a case 改派, 退单 or escalated away), as
    # the inbox shows no 查看 for it; "" for a notice that never had one.
    link: str | None
    created_at: dt.datetime
    read_at: dt.datetime | None

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return redact_text(obj.shown_title)

    @staticmethod
    def resolve_link(obj: Any) -> str | None:
        # `link_closed` is set by the view (notifications.py: one query for the whole page).
        return None if getattr(obj, "link_closed", False) else obj.link

    @staticmethod
    def resolve_body(obj: Any) -> str:
        return redact_text(obj.shown_body)
