"""Email through Django's configured backend (console by default, locmem in tests)."""

from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage


def send_email(*, to: str, subject: str, body: str) -> str:
    """Send one message; returns its Message-ID as the provider id. Raises on failure."""
    message_id = make_msgid(domain=getattr(settings, "GONGZHI_EMAIL_DOMAIN", "gongzhi.local"))
    EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Message-ID": message_id},
    ).send(fail_silently=False)
    return message_id
