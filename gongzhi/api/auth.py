"""Recognising callers: bearer tokens (/api/v1/) and Open311 api_keys."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from gongzhi.api.credentials import digest_of
from gongzhi.api.inputs import text_problem
from gongzhi.api.models import ApiToken, Open311Client

_TOUCH_EVERY = dt.timedelta(minutes=5)  # last_used_at is a hint, not a write per request


def _plausible(secret: str) -> bool:
    return 0 < len(secret) <= 200 and text_problem(secret) is None


def token_for(secret: str) -> ApiToken | None:
    """The live token with this secret: not revoked, not expired, its user active."""
    if not _plausible(secret):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest_of(secret), revoked_at=None, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > _TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def bearer_secret(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


def user_for_request(request: HttpRequest) -> Any:
    token = token_for(bearer_secret(request))
    return token.user if token else None


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`: the request then acts as the token's user."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_for(token)
        if found is None:
            return None
        request.user = found.user  # selectors and services read the user from here
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


def open311_client_for(api_key: str) -> Open311Client | None:
    if not _plausible(api_key):
        return None
    return (
        Open311Client.objects.select_related("street", "account")
        .filter(digest=digest_of(api_key), revoked_at=None)
        .first()
    )
