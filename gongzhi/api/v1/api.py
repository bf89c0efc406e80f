"""The native REST API object: token auth, one error shape, rate limits, local OpenAPI docs."""

from ninja import Swagger

from gongzhi.api.auth import BearerToken
from gongzhi.api.ratelimit import ApiRateThrottle
from gongzhi.api.v1 import errors
from gongzhi.api.v1.auth import router as auth_router
from gongzhi.api.v1.case_actions import router as case_actions_router
from gongzhi.api.v1.cases import router as cases_router
from gongzhi.api.v1.notifications import router as notifications_router
from gongzhi.api.v1.openapi import GongzhiAPI
from gongzhi.api.v1.org import router as org_router

api = GongzhiAPI(
    title="共治 Gongzhi API",
    version="1",
    description=(
        "共治平台原生 REST API。先用 `POST /api/v1/auth/token` 以用户名和密码换取令牌，"
        "之后每个请求携带 `Authorization: Bearer <令牌>`，权限与网页完全相同。"
        "写操作可带 `Idempotency-Key` 请求头以安全重试。错误统一为 "
        '`{"code": "稳定代码", "message": "中文说明"}`。'
    ),
    urls_namespace="api:v1",
    auth=BearerToken(),
    throttle=[ApiRateThrottle()],
    # Swagger UI from the django-ninja package's own static files: no CDN, no online validator.
    docs=Swagger(settings={"validatorUrl": None}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("/auth", auth_router, tags=["令牌"])
api.add_router("/org", org_router, tags=["组织"])
api.add_router("/cases", cases_router, tags=["诉求"])
api.add_router("/cases", case_actions_router, tags=["诉求办理"])
api.add_router("/me", notifications_router, tags=["我的"])
