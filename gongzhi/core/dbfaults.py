"""A full disk or a read-only database answers 503 (Chinese page, or JSON for the APIs).

Every write is one transaction (services are `@transaction.atomic`), so a write the storage
refuses rolls back whole; this middleware only turns the failure into a clear answer with
`Retry-After`, instead of a 500. Nothing is cached about the fault: the next request tries the
database again, so the service recovers by itself once space (or write access) returns.

A fault is recognised in two places: an exception that reaches the middleware (pages), and a
statement the database refused during the request (seen through an execute wrapper), which
catches the APIs too, whose own error handler turns every exception into a 500 response.
"""

import logging
import sqlite3
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext

logger = logging.getLogger("gongzhi.storage")

RETRY_AFTER_SECONDS = 60
JSON_PREFIXES = ("/api/", "/open311/")
MESSAGE = "系统存储空间不足或数据库暂时只读，本次操作未保存任何内容，请稍后重试。"

# SQLite primary result codes: SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL.
_SQLITE_CODES = {8, 10, 13}
# PostgreSQL SQLSTATEs: read_only_sql_transaction, disk_full (e.g. "could not extend file").
_PG_STATES = {"25006", "53100"}
_PHRASES = (
    "database or disk is full",
    "disk is full",
    "readonly database",
    "read-only database",
    "read-only transaction",
    "could not extend file",
    "no space left on device",
)


def is_storage_fault(exc: BaseException) -> bool:
    """True when the database refused a write for lack of space or write access."""
    if not isinstance(exc, DatabaseError | sqlite3.Error):
        return False
    for err in (exc, exc.__cause__):
        if err is None:
            continue
        code = getattr(err, "sqlite_errorcode", None)
        if code is not None and code & 0xFF in _SQLITE_CODES:
            return True
        if getattr(err, "sqlstate", None) in _PG_STATES:
            return True
        text = str(err).lower()
        if any(phrase in text for phrase in _PHRASES):
            return True
    return False


def unavailable_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(JSON_PREFIXES):
        response: HttpResponse = JsonResponse(
            {"code": "storage_unavailable", "message": gettext(MESSAGE)}, status=503
        )
    else:
        # Rendered without the request: context processors would query the failing database.
        html = render_to_string("core/storage_unavailable.html", {"message": gettext(MESSAGE)})
        response = HttpResponse(html, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class _Watcher:
    """Notes a storage fault raised by any statement of this request, then lets it propagate."""

    def __init__(self) -> None:
        self.fault: BaseException | None = None

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        try:
            return execute(sql, params, many, context)
        except DatabaseError as exc:
            if is_storage_fault(exc):
                self.fault = exc
            raise


class StorageFaultMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        watcher = _Watcher()
        with ExitStack() as stack:
            for alias in settings.DATABASES:
                stack.enter_context(connections[alias].execute_wrapper(watcher))
            response = self.get_response(request)
        if watcher.fault is not None and response.status_code >= 500:
            logger.error("storage fault on %s %s: %s", request.method, request.path, watcher.fault)
            return unavailable_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_storage_fault(exception):
            return None
        logger.error("storage fault on %s %s: %s", request.method, request.path, exception)
        return unavailable_response(request)
