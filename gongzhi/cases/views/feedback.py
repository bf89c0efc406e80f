"""Turning service exceptions into what the person sees: form errors or a message."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError


def add_service_errors(
    form: forms.Form, exc: ValidationError, aliases: dict[str, str] | None = None
) -> None:
    """Put a service's Chinese ValidationError on the matching form field (else on the form)."""
    aliases = aliases or {}
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for field, messages in exc.message_dict.items():
        name = aliases.get(field, field)
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


def error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    if isinstance(exc, PermissionDenied):
        return str(exc) or "无权执行此操作"
    return str(exc)


def form_errors_text(form: forms.Form) -> str:
    return "；".join(str(m) for errors in form.errors.values() for m in errors)
