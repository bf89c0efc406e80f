"""The REST API's throttle over the shared request counters of `gongzhi.core.ratelimit`
(a database table: every worker process counts together)."""

import threading

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

# One implementation of the counters for the whole project (web pages, Open311, REST API).
from gongzhi.core.ratelimit import WINDOW_SECONDS, client_ip, hit

__all__ = ["WINDOW_SECONDS", "ApiRateThrottle", "client_ip", "hit"]


class ApiRateThrottle(BaseThrottle):
    """Per user for token requests, per address for anonymous ones (the token endpoint)."""

    def __init__(self) -> None:
        self._local = threading.local()  # one instance serves every request of the process

    def allow_request(self, request: HttpRequest) -> bool:
        user = getattr(request, "auth", None)
        if user is not None and getattr(user, "pk", None):
            bucket = f"api-user:{user.pk}"
            limit = getattr(settings, "GONGZHI_API_RATE_PER_MINUTE", 600)
        else:
            bucket = f"api-anon:{client_ip(request)}"
            limit = getattr(settings, "GONGZHI_API_ANON_RATE_PER_MINUTE", 30)
        self._local.wait = hit(bucket, limit)
        return self._local.wait is None

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)
