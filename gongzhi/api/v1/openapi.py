"""What the OpenAPI document says beyond the happy path: every error response an operation can
give (in the one error shape), the `Idempotency-Key` header, and the links from a case to what
can be done with it.

ninja documents only the statuses a view declares; the errors below come from the API's shared
machinery (auth, throttling, input validation, exception handlers), so they are added here, once,
from the operation's shape: a secured operation can answer 401/403/429, one with a path
parameter or a write 404, a write 409, and every one 400/422.
"""

from typing import Any

from ninja import NinjaAPI

ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
RETRY_AFTER = {
    "Retry-After": {"description": "再次请求前应等待的秒数", "schema": {"type": "integer"}}
}
DESCRIPTIONS = {
    400: "请求格式不正确（请求体不是有效的 JSON、Idempotency-Key 无效等）",
    401: "未提供有效的访问令牌，或令牌已过期、已撤销（code: unauthorized / invalid_credentials）",
    403: "无权执行此操作（code: forbidden）",
    404: "对象不存在或不在您的权限范围内（code: not_found）",
    409: (
        "状态冲突：诉求已被他人修改（case_changed）、当前状态不能执行此操作"
        "（invalid_transition）、相同 Idempotency-Key 的请求正在处理（idempotency_in_progress）"
    ),
    422: (
        "参数不符合要求（invalid_request，见 details）、业务校验未通过（validation_failed，"
        "见 fields）或 Idempotency-Key 已用于内容不同的请求（idempotency_key_reused）"
    ),
    429: "请求过于频繁（code: rate_limited），见 Retry-After",
}

IDEMPOTENCY_KEY = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "description": (
        "写操作的幂等键（不超过 200 个字符）：24 小时内以同一键重试，返回首次的响应；"
        "内容不同返回 422，首次请求仍在处理时返回 409。"
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
}
# openapi_extra for a write wrapped in `idempotent` (ninja merges it into the operation).
IDEMPOTENT = {"parameters": [IDEMPOTENCY_KEY]}


CASE_RESULTS = ("#/components/schemas/CaseDetailOut", "#/components/schemas/ActionResult")


def _success(operation: dict[str, Any]) -> dict[str, Any]:
    for code, response in operation.get("responses", {}).items():
        if 200 <= int(code) < 300:
            return response
    return {}


def declare_case_links(document: dict[str, Any]) -> None:
    """A response that is a case (`id`, `version`) links to every operation on that case, so a
    client (and schemathesis's stateful tests) can go from filing to each next step."""
    on_case = {
        operation["operationId"]: operation["operationId"].rsplit("_case_", 1)[-1]
        for path, operations in document.get("paths", {}).items()
        if path.endswith("{case_id}") or "{case_id}/" in path
        for operation in operations.values()
    }
    links = {
        f"case_{name}": {"operationId": op_id, "parameters": {"case_id": "$response.body#/id"}}
        for op_id, name in on_case.items()
    }
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            response = _success(operation)
            schema = response.get("content", {}).get("application/json", {}).get("schema", {})
            if schema.get("$ref") in CASE_RESULTS:
                response["links"] = links


def _error_codes(path: str, method: str, operation: dict[str, Any]) -> set[int]:
    codes = {400, 422, 429}
    secured = bool(operation.get("security"))
    if secured:
        codes |= {401, 403}
    if "{" in path:
        codes.add(404)
    if method == "post" and secured:
        codes |= {404, 409}
    return codes


def declare_errors(document: dict[str, Any]) -> dict[str, Any]:
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code in sorted(_error_codes(path, method, operation)):
                responses.setdefault(code, {"content": ERROR})
            for code, declared in responses.items():
                if code in DESCRIPTIONS:
                    declared["description"] = DESCRIPTIONS[code]
            if 429 in responses:
                responses[429]["headers"] = RETRY_AFTER
            if 401 in responses and operation.get("security"):
                responses[401]["headers"] = {
                    "WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string"}}
                }
    declare_case_links(document)
    return document


class GongzhiAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document declares the error responses and the case links."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None):  # noqa: ANN201
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return declare_errors(document)
