"""`Idempotency-Key` for API writes: a retried request gets the first response, never a 2nd write.

The key's row is inserted (and committed) before the operation runs, so a concurrent duplicate
finds it in flight (409); a finished one is replayed; the same key with another body is 422.
Responses that a retry should not see again (5xx, 401, 429) release the key instead.
"""

import datetime as dt
import functools
import hashlib
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
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


def idempotent(run: Callable[..., Any]) -> Callable[..., Any]:
    """Wraps a ninja operation (use with `ninja.decorators.decorate_view`)."""

    @functools.wraps(run)
    def wrapper(request: HttpRequest, **kwargs: Any) -> Any:
        key = request.headers.get("Idempotency-Key", "")
        if not key:
            return run(request, **kwargs)
        if len(key) > 200 or text_problem(key):
            return error_response(400, "invalid_idempotency_key", "Idempotency-Key 格式不正确")
        user = user_for_request(request)
        if user is None:
            return run(request, **kwargs)  # the operation answers 401 itself
        fingerprint = _fingerprint(request)
        now = timezone.now()
        IdempotencyRecord.objects.filter(user=user, key=key, created_at__lt=now - KEEP_FOR).delete()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user=user, key=key, fingerprint=fingerprint, created_at=now
                )
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(user=user, key=key).first()
            if existing is not None and existing.fingerprint != fingerprint:
                return error_response(
                    422, "idempotency_key_reused", "该 Idempotency-Key 已用于内容不同的请求"
                )
            if existing is None or existing.response_status is None:
                return error_response(
                    409, "idempotency_in_progress", "相同 Idempotency-Key 的请求正在处理中"
                )
            return _replay(existing)
        try:
            response = run(request, **kwargs)
        except BaseException:
            record.delete()
            raise
        if response.status_code >= 500 or response.status_code in _RELEASE:
            record.delete()
        else:
            IdempotencyRecord.objects.filter(pk=record.pk).update(
                response_status=response.status_code,
                response_body=response.content,
                response_type=response.get("Content-Type", ""),
            )
        return response

    return wrapper
