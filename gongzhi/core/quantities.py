"""Exact money and area arithmetic (domain rule V5: never floats).

SQLite sums DecimalFields through floating point; every total shown or compared goes through
these functions, which restore two exact decimal places.
"""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def area(value: object) -> Decimal:
    """Square metres with 2 decimal places."""
    if value is None:
        return Decimal("0.00")
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: object) -> Decimal:
    """Yuan with 2 decimal places (fen)."""
    return area(value)
