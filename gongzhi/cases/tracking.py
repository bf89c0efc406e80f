"""The tracking link of a 受理回执: /track/<number>/<token>/ lets a requester without an account
follow and rate their case.

The token is an HMAC of the case's id and number under SECRET_KEY; no column stores it.
Rotating SECRET_KEY therefore invalidates every receipt printed before: its link and QR code
answer 404, and the requester finds the case again by its number and phone at /track/.
This module only makes and checks tokens (the services import it); the pages' reads are in
`tracking_selectors`.
"""

import re

from django.http import Http404
from django.utils.crypto import constant_time_compare, salted_hmac

from gongzhi.cases.models import Case

TOKEN_LENGTH = 24  # hex characters: 96 bits, and a short enough URL for a small QR code
_SALT = "gongzhi.cases.tracking.receipt"
# The `source` in the payload of the event and audit row of a rating made through the link.
RECEIPT_LINK = "receipt_link"
_NUMBER = re.compile(r"^[A-Z]{2}\d{12,16}$")  # NH + day + a sequence of 4 digits or more


def tracking_token(case: Case) -> str:
    return salted_hmac(_SALT, f"{case.pk}:{case.number}", algorithm="sha256").hexdigest()[
        :TOKEN_LENGTH
    ]


def token_matches(case: Case, token: str) -> bool:
    return constant_time_compare(tracking_token(case), str(token))


def normalise_number(number: str) -> str:
    """`nh 2026 1129 0001` as typed or scanned → `NH202611290001`; "" when not a case number."""
    value = re.sub(r"\s+", "", str(number)).upper()
    return value if _NUMBER.match(value) else ""


def phone_digits(phone: str) -> str:
    """The digits of a phone number as written (`199-0000 1234`, `+86 19900001234`)."""
    digits = "".join(str(int(ch)) for ch in str(phone) if ch.isdecimal())  # ０-９ too
    for prefix in ("0086", "86"):
        if len(digits) == 11 + len(prefix) and digits.startswith(prefix + "1"):
            return digits[len(prefix) :]
    return digits


def tracked_case(number: str, token: str) -> Case:
    """The case the link names, or 404: an unknown number and a wrong token answer the same,
    after the same work (one query, one HMAC, one comparison), so nothing tells them apart."""
    number = normalise_number(number)
    case = (
        Case.objects.select_related("compound__community__street").filter(number=number).first()
        if number
        else None
    )
    matches = token_matches(case or Case(pk=0, number=number), token)
    if case is None or not matches:
        raise Http404
    return case
