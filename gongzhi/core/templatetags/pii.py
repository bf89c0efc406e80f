from django import template

from gongzhi.core import masking

register = template.Library()


@register.filter
def masked_phone(value: str | None) -> str:
    return masking.mask_phone(value)


@register.filter
def masked_id(value: str | None) -> str:
    return masking.mask_id_number(value)


@register.filter
def masked_name(value: str | None) -> str:
    return masking.mask_name(value)


@register.filter
def redacted(value: str | None) -> str:
    return masking.redact_text(value or "")


@register.filter
def contacts_removed(value: str | None) -> str:
    return masking.remove_contacts(value or "")
