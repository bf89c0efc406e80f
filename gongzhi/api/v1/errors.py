"""The one error shape of /api/v1/: `{"code": "stable_code", "message": "中文说明"}`.

Codes are stable identifiers clients may branch on; messages are for people.
"""

import logging
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as SchemaError

from gongzhi.cases.workflow import CaseChanged, InvalidTransition
from gongzhi.core.dbfaults import is_storage_fault, unavailable_response

logger = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid_request",
    429: "rate_limited",
}


def error_response(status: int, code: str, message: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, **extra}, status=status)


def _schema_error(request: HttpRequest, exc: SchemaError) -> JsonResponse:
    # Only location and message: pydantic's echo of the input could hold invalid text.
    details = [
        {"loc": [str(part) for part in err.get("loc", ())], "msg": str(err.get("msg", ""))}
        for err in exc.errors
    ]
    return error_response(422, "invalid_request", "请求参数不符合要求", details=details)


def _validation_error(request: HttpRequest, exc: ValidationError) -> JsonResponse:
    fields = exc.message_dict if hasattr(exc, "error_dict") else {}
    return error_response(422, "validation_failed", "；".join(exc.messages), fields=fields)


def _auth_error(request: HttpRequest, exc: AuthenticationError) -> JsonResponse:
    response = error_response(401, "unauthorized", "未提供有效的访问令牌，或令牌已过期、已撤销")
    response["WWW-Authenticate"] = "Bearer"
    return response


def _throttled(request: HttpRequest, exc: Throttled) -> JsonResponse:
    return error_response(429, "rate_limited", "请求过于频繁，请稍后再试")


def _http_error(request: HttpRequest, exc: HttpError) -> JsonResponse:
    status = exc.status_code
    code = _HTTP_CODES.get(status, "error")
    message = {400: "请求格式不正确", 405: "不支持该请求方法"}.get(status, str(exc))
    return error_response(status, code, message)


def _not_found(request: HttpRequest, exc: Exception) -> JsonResponse:
    return error_response(404, "not_found", "对象不存在或不在您的权限范围内")


def _forbidden(request: HttpRequest, exc: PermissionDenied) -> JsonResponse:
    return error_response(403, "forbidden", str(exc) or "您无权执行此操作")


def _invalid_transition(request: HttpRequest, exc: InvalidTransition) -> JsonResponse:
    return error_response(409, "invalid_transition", str(exc))


def _case_changed(request: HttpRequest, exc: CaseChanged) -> JsonResponse:
    return error_response(409, "case_changed", str(exc))


def _unexpected(request: HttpRequest, exc: Exception) -> JsonResponse:
    logger.exception("unexpected API error on %s %s", request.method, request.path)
    return error_response(500, "server_error", "服务器内部错误，请稍后再试")


def _database_error(request: HttpRequest, exc: DatabaseError) -> HttpResponse:
    # A full disk or read-only database, even when only COMMIT notices it: 503, nothing kept.
    if is_storage_fault(exc):
        return unavailable_response(request)
    return _unexpected(request, exc)


def install(api: NinjaAPI) -> None:
    handlers: list[tuple[type[Exception], Any]] = [
        (SchemaError, _schema_error),
        (ValidationError, _validation_error),
        (AuthenticationError, _auth_error),
        (Throttled, _throttled),
        (HttpError, _http_error),
        (Http404, _not_found),
        (ObjectDoesNotExist, _not_found),
        (PermissionDenied, _forbidden),
        (InvalidTransition, _invalid_transition),
        (CaseChanged, _case_changed),
        (DatabaseError, _database_error),
        (Exception, _unexpected),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)
