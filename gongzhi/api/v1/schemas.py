"""Response shapes of /api/v1/ (they are the OpenAPI document's components)."""

import datetime as dt
from decimal import Decimal

from ninja import Schema


class Error(Schema):
    code: str
    message: str


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
    id: int
    kind: str
    title: str
    body: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None
