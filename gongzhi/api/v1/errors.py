"""The one error shape of /api/v1/: `{"code": "stable_code", "message": "中文说明"}`.

Codes are stable identifiers clients may branch on; messages are for people.
"""

import logging
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
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


# pydantic's error types, said in the user's language and naming the field. `%(field)s` is the
# field's name as the client sent it; the others come from the error's context.
_SCHEMA_MESSAGES = {
    "missing": gettext_noop("缺少必填字段「%(field)s」"),
    "string_too_long": gettext_noop("「%(field)s」不能超过 %(max_length)s 个字符"),
    "string_too_short": gettext_noop("「%(field)s」至少需要 %(min_length)s 个字符"),
    "string_type": gettext_noop("「%(field)s」应为文本"),
    "string_pattern_mismatch": gettext_noop("「%(field)s」的格式不正确"),
    "int_parsing": gettext_noop("「%(field)s」应为整数"),
    "int_type": gettext_noop("「%(field)s」应为整数"),
    "int_from_float": gettext_noop("「%(field)s」应为整数"),
    "int_parsing_size": gettext_noop("「%(field)s」的数值超出范围"),
    "float_parsing": gettext_noop("「%(field)s」应为数字"),
    "float_type": gettext_noop("「%(field)s」应为数字"),
    "finite_number": gettext_noop("「%(field)s」的数值超出范围"),
    "bool_parsing": gettext_noop("「%(field)s」应为 true 或 false"),
    "bool_type": gettext_noop("「%(field)s」应为 true 或 false"),
    "enum": gettext_noop("「%(field)s」应为以下值之一：%(expected)s"),
    "literal_error": gettext_noop("「%(field)s」应为以下值之一：%(expected)s"),
    "greater_than": gettext_noop("「%(field)s」须大于 %(gt)s"),
    "greater_than_equal": gettext_noop("「%(field)s」不能小于 %(ge)s"),
    "less_than": gettext_noop("「%(field)s」须小于 %(lt)s"),
    "less_than_equal": gettext_noop("「%(field)s」不能大于 %(le)s"),
    "datetime_parsing": gettext_noop("「%(field)s」应为日期时间，如 2026-12-05T18:00:00+08:00"),
    "datetime_from_date_parsing": gettext_noop(
        "「%(field)s」应为日期时间，如 2026-12-05T18:00:00+08:00"
    ),
    "datetime_type": gettext_noop("「%(field)s」应为日期时间，如 2026-12-05T18:00:00+08:00"),
    "date_parsing": gettext_noop("「%(field)s」应为日期，如 2026-12-05"),
    "date_from_datetime_parsing": gettext_noop("「%(field)s」应为日期，如 2026-12-05"),
    "date_type": gettext_noop("「%(field)s」应为日期，如 2026-12-05"),
    "dict_type": gettext_noop("「%(field)s」应为 JSON 对象"),
    "model_type": gettext_noop("「%(field)s」应为 JSON 对象"),
    "model_attributes_type": gettext_noop("「%(field)s」应为 JSON 对象"),
    "list_type": gettext_noop("「%(field)s」应为列表"),
    "too_long": gettext_noop("「%(field)s」最多 %(max_length)s 项"),
    "too_short": gettext_noop("「%(field)s」至少需要 %(min_length)s 项"),
    "extra_forbidden": gettext_noop("不支持字段「%(field)s」"),
    "json_invalid": gettext_noop("请求体不是有效的 JSON"),
}
_INVALID_VALUE = gettext_noop("「%(field)s」的值无效")
_LOCATIONS = frozenset({"body", "query", "path", "form", "file", "header", "cookie"})


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    """The field as the client names it: ninja's loc is (location, [parameter,] field...);
    a JSON body's fields follow the name of the view's body parameter."""
    parts = [str(part) for part in loc]
    if parts and parts[0] in _LOCATIONS:
        parts = parts[2:] if parts[0] == "body" and len(parts) > 2 else parts[1:] or parts
    return ".".join(parts)


def schema_message(err: dict[str, Any]) -> str:
    """One pydantic error in the user's language, naming the field (never echoing the input)."""
    field = _field_name(err.get("loc", ()))
    context = err.get("ctx") or {}
    if err.get("type") == "value_error":  # our own validators raise ValueError in Chinese
        return _("「%(field)s」：%(problem)s") % {"field": field, "problem": context.get("error")}
    template = _SCHEMA_MESSAGES.get(err.get("type", ""), _INVALID_VALUE)
    params = {key: str(value) for key, value in context.items()}
    if "expected" in params:  # "'help', 'complaint' or 'other'"
        params["expected"] = params["expected"].replace(" or ", ", ")
    try:
        return _(template) % {"field": field, **params}
    except (KeyError, ValueError, TypeError):  # a context without the expected values
        return _(_INVALID_VALUE) % {"field": field}


def _schema_error(request: HttpRequest, exc: SchemaError) -> JsonResponse:
    # Only location and message: pydantic's echo of the input could hold invalid text.
    details = [
        {"loc": [str(part) for part in err.get("loc", ())], "msg": schema_message(err)}
        for err in exc.errors
    ]
    summary = "；".join(detail["msg"] for detail in details[:3])
    message = _("请求参数不符合要求")
    return error_response(
        422, "invalid_request", f"{message}：{summary}" if summary else message, details=details
    )


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
