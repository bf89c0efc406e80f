"""Whole numbers typed by clients (ids in a query string, a form's hidden version).

`str.isdigit()` also accepts "²", "①" or "٣", which `int()` then rejects (a 500), and `int()`
accepts "+1", " 1" and "1_0"; a number beyond the database's integer types overflows on
PostgreSQL. `parse_int` takes ASCII digits only, within bounds, and answers None otherwise.
"""

import re

MAX_ID = 2**53  # ids beyond this are not ours and would overflow the database integer types

_DIGITS = re.compile(r"[0-9]{1,16}")  # ASCII only: \d would match every script's digits


def parse_int(value: object, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """The number `value` writes in ASCII digits if it is within [minimum, maximum], else None."""
    if not isinstance(value, str) or not _DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if minimum <= number <= maximum else None


def parse_id(value: object) -> int | None:
    """A primary key (1 … MAX_ID) written in ASCII digits, else None."""
    return parse_int(value, minimum=1)
