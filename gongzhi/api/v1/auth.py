"""Tokens: issue with username and password, revoke the one in use, and who am I."""

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja import Router, Schema

from gongzhi.api import services
from gongzhi.api.inputs import Text
from gongzhi.api.v1.errors import error_response
from gongzhi.api.v1.schemas import Error, Me, Revoked, TokenOut
from gongzhi.org.scopes import scope_for

router = Router()


class Credentials(Schema):
    username: Text(150)  # type: ignore[valid-type]
    password: Text(128)  # type: ignore[valid-type]


@router.post("/token", auth=None, response={200: TokenOut, 401: Error}, url_name="auth_token")
def token_issue(request: HttpRequest, body: Credentials):
    """以用户名和密码换取访问令牌（默认 30 天有效）。"""
    user = authenticate(request, username=body.username, password=body.password)
    if user is None or not user.is_active:
        return error_response(401, "invalid_credentials", "用户名或密码不正确")
    issued = services.token_issue(actor=user)
    return {"token": issued.secret, "expires_at": issued.obj.expires_at}


@router.post("/revoke", response={200: Revoked}, url_name="auth_revoke")
def token_revoke(request: HttpRequest):
    """撤销本次请求所用的令牌；之后该令牌立即失效。"""
    services.token_revoke(actor=request.auth, token=request.api_token)
    return {"revoked": True}


@router.get("/me", response=Me, url_name="auth_me")
def me(request: HttpRequest):
    """当前令牌所代表的用户及其角色。"""
    user = request.auth
    grants = user.grants.order_by("role", "scope_path")
    return {
        "id": user.pk,
        "username": user.get_username(),
        "display_name": str(user),
        "roles": [
            {"role": g.role, "label": g.get_role_display(), "scope": g.scope_label} for g in grants
        ],
        "everything": scope_for(user).everything,
    }
