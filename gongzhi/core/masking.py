"""Masking of personal data on public and export surfaces (domain rule G1)."""

import re

_DIGITS = re.compile(r"\d")
# Raw mainland mobile numbers and 18-character ID numbers inside free text.
_PHONE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_ID_IN_TEXT = re.compile(r"(?<![\dXx])(\d)\d{15}(\d[\dXx])(?![\dXx])")


def mask_phone(phone: str | None) -> str:
    """`13812341234` → `138****1234`; other numbers keep only their last 4 digits."""
    if not phone:
        return ""
    digits = "".join(_DIGITS.findall(phone))
    if len(digits) == 11:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) <= 4:
        return "*" * len(digits)
    return "*" * (len(digits) - 4) + digits[-4:]


def mask_id_number(id_number: str | None) -> str:
    """Keep the first character and the last two: `1***************2X`."""
    if not id_number:
        return ""
    value = id_number.strip()
    if len(value) <= 3:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 3) + value[-2:]


def mask_name(name: str | None) -> str:
    """Surname plus `*`: `张三丰` → `张*`; a Latin name keeps its first letter."""
    if not name:
        return ""
    value = name.strip()
    return value[0] + "*"


def redact_text(text: str) -> str:
    """Mask phone and ID numbers written into free text (case content, replies, notes)."""
    text = _ID_IN_TEXT.sub(lambda m: m.group(1) + "*" * 15 + m.group(2), text)
    return _PHONE_IN_TEXT.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


def remove_contacts(text: str) -> str:
    """Drop phone and ID numbers from free text altogether, for the party a complaint is about
    (S9): even a masked number narrows down who wrote it."""
    text = _ID_IN_TEXT.sub("[已隐去]", text)
    return _PHONE_IN_TEXT.sub("[已隐去]", text)
