"""The requester's phone as the work queue's search box finds it: a whole number, compared by
its digits through `Case.requester_phone_key` (indexed), written with the phone. The admin
excludes it as it excludes the phone itself (G2).

Only a whole number searches phones: a fragment (a tail of four digits) would let a viewer
probe which case a person filed.
"""

import re
from typing import Any

from django.db import connection

from gongzhi.cases.tracking import phone_digits

KEY_LENGTH = 32  # the column's length: longer digit strings are no phone number
# What a phone number is typed with: digits (full-width too), spaces, dashes, a leading +86.
_TYPED = re.compile(r"^[\d\s+\-－]+$")
# A mobile (11 digits), a landline with its area code (0 + 9 to 11 digits) or without it.
_WHOLE = re.compile(r"^(?:1[3-9]\d{9}|0\d{9,11}|[2-9]\d{6,7})$")


def whole_phone(text: str) -> str:
    """The digits of `text` when it is a whole phone number as typed ("138 1234-5678",
    "027-8765 4321", "+86 13812345678"); "" for anything else, a fragment of one included."""
    if not _TYPED.match(text):
        return ""
    digits = phone_digits(text)
    return digits if _WHOLE.match(digits) else ""


def phone_key(phone: str) -> str:
    """The lookup key of a phone as stored or searched: its digits ("" without any), so that
    "138-1234-5678", "+86 138 1234 5678" and "13812345678" meet."""
    return phone_digits(phone)[:KEY_LENGTH]


def refresh_phone_keys(case_model: Any, batch: int = 5000) -> int:
    """Writes every case's key from its phone (the migration's backfill); the number of rows
    changed. `batch` rows at a time, by primary key, each changed row by one UPDATE of an
    executemany (a quarter faster on PostgreSQL than bulk_update's CASE over a batch)."""
    table = connection.ops.quote_name(case_model._meta.db_table)
    sql = f"UPDATE {table} SET requester_phone_key = %s WHERE id = %s"  # noqa: S608
    changed = last = 0
    while True:
        rows = list(
            case_model.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "requester_phone", "requester_phone_key")[:batch]
        )
        if not rows:
            return changed
        last = rows[-1][0]
        keys = [(pk, phone_key(phone), key) for pk, phone, key in rows]
        stale = [(new, pk) for pk, new, old in keys if new != old]
        if stale:
            with connection.cursor() as cursor:
                cursor.executemany(sql, stale)
        changed += len(stale)
