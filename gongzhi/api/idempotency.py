"""`Idempotency-Key` for API writes: a retried request gets the first response, never a 2nd write.

The operation and its stored response commit in ONE transaction, so a crash at any moment leaves
either both (a retry replays the answer) or neither (a retry runs the operation afresh): no key
is ever stuck. A concurrent duplicate is 409: on PostgreSQL the key is claimed with a
transaction-scoped advisory lock that a second request cannot take; SQLite serialises writers
(IMMEDIATE transactions), so there the duplicate waits and then gets the replay. The same key with
another body is 422. Responses a retry should not see again (5xx, 401, 429) are not stored.
"""

import datetime as dt
import functools
import hashlib
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from gongzhi.api.auth import user_for_request
from gongzhi.api.inputs import text_problem
from gongzhi.api.models import IdempotencyRecord
from gongzhi.api.v1.errors import error_response

KEEP_FOR = dt.timedelta(hours=24)
_RELEASE = {401, 429}


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.path, request.content_type or ""):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        bytes(record.response_body),
        status=record.response_status,
        content_type=record.response_type or "application/json",
    )
    response["Idempotent-Replayed"] = "true"
    return response


def _in_progress() -> HttpResponse:
    return error_response(409, "idempotency_in_progress", "相同 Idempotency-Key 的请求正在处理中")


def _claim(user_id: int, key: str) -> bool:
    """Take the key for this transaction; False when a concurrent request holds it (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return True
    digest = hashlib.sha256(f"{user_id}\0{key}".encode("utf-8", "surrogatepass")).digest()
    lock_id = int.from_bytes(digest[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [lock_id])
        return bool(cursor.fetchone()[0])


def idempotent(run: Callable[..., Any]) -> Callable[..., Any]:
    """Wraps a ninja operation (use with `ninja.decorators.decorate_view`)."""

    @functools.wraps(run)
    def wrapper(request: HttpRequest, **kwargs: Any) -> Any:
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return run(request, **kwargs)
        if not key or len(key) > 200 or text_problem(key):
            return error_response(400, "invalid_idempotency_key", "Idempotency-Key 格式不正确")
        user = user_for_request(request)
        if user is None:
            return run(request, **kwargs)  # the operation answers 401 itself
        fingerprint = _fingerprint(request)
        now = timezone.now()
        with transaction.atomic():
            if not _claim(user.pk, key):
                return _in_progress()
            IdempotencyRecord.objects.filter(
                user=user, key=key, created_at__lt=now - KEEP_FOR
            ).delete()
            existing = IdempotencyRecord.objects.filter(user=user, key=key).first()
            if existing is not None and existing.response_status is None:
                existing.delete()  # left in flight by an older release: nothing was answered
                existing = None
            if existing is not None:
                if existing.fingerprint != fingerprint:
                    return error_response(
                        422, "idempotency_key_reused", "该 Idempotency-Key 已用于内容不同的请求"
                    )
                return _replay(existing)
            response = run(request, **kwargs)
            if response.status_code >= 500 or response.status_code in _RELEASE:
                transaction.set_rollback(True)  # nothing of a failed request is kept
                return response
            IdempotencyRecord.objects.create(
                user=user,
                key=key,
                fingerprint=fingerprint,
                created_at=now,
                response_status=response.status_code,
                response_body=response.content,
                response_type=response.get("Content-Type", ""),
            )
        return response

    return wrapper
