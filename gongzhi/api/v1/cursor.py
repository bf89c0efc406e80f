"""Keyset (cursor) pagination over cases ordered newest first: stable while cases are added."""

import base64
import binascii
import datetime as dt
import json

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _


def encode(created_at: dt.datetime, pk: int) -> str:
    raw = json.dumps([created_at.isoformat(), pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> tuple[dt.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        stamp, pk = json.loads(raw)
        when = dt.datetime.fromisoformat(stamp)
        if when.tzinfo is None or not isinstance(pk, int):
            raise ValueError
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ValidationError({"cursor": [_("分页游标无效")]}) from None
    return when, pk


def page(queryset: QuerySet, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """One page of `queryset` (re-ordered by -created_at, -id) and the cursor of the next."""
    queryset = queryset.order_by("-created_at", "-id")
    if cursor:
        when, pk = decode(cursor)
        queryset = queryset.filter(Q(created_at__lt=when) | Q(created_at=when, id__lt=pk))
    rows = list(queryset[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], encode(last.created_at, last.pk)
