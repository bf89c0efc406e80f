from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse

# Scripts and styles are served from our own origin only (Bootstrap, htmx, ECharts from npm).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
    "form-action 'self'"
)


class SecurityHeadersMiddleware:
    """Headers Django 5.2 does not set by itself: CSP and a restrictive permissions policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(self), geolocation=(self)")
        return response


# The JSON API validates its own path parameters and answers in its own error shape.
_OWN_CHECKS = "/api/"


class NulInPathMiddleware:
    """A URL whose path holds a NUL character ("%00") names nothing here: 404 before any view
    looks it up. PostgreSQL refuses NUL in text ("text fields cannot contain NUL" → a 500) where
    SQLite just finds nothing. The JSON API refuses NUL itself, in its error shape
    (`gongzhi.api.inputs`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if "\x00" in path and not path.startswith(_OWN_CHECKS):
            raise Http404  # the site's own 404 page (the middleware above it renders it)
        return self.get_response(request)
