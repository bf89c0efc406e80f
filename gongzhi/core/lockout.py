"""The answer to a locked-out sign-in (django-axes' AXES_LOCKOUT_CALLABLE), in Chinese.

Axes locks a username from one address after `AXES_FAILURE_LIMIT` failures for
`AXES_COOLOFF_TIME`. The web sign-in gets a page, `POST /api/v1/auth/token` the API's error
shape; both 429 with Retry-After.
"""

import math
from typing import Any

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def lockout_message(minutes: int) -> str:
    return f"登录失败次数过多，该账号已在本设备暂时锁定，请 {minutes} 分钟后再试"


def locked_out(request: HttpRequest, *args: Any) -> HttpResponse:
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 15 * 60
    message = lockout_message(max(1, math.ceil(seconds / 60)))
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"code": "locked_out", "message": message}, status=429
        )
    else:
        response = render(request, "registration/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(seconds)
    return response
