"""/api/v1/: the native REST API (django-ninja), with its OpenAPI document and local docs."""

from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path
from django.utils.translation import gettext as _

from gongzhi.api.v1.api import api
from gongzhi.api.v1.errors import error_response

app_name = "api"


def unknown_endpoint(request: HttpRequest, rest: str = "") -> JsonResponse:
    """A path under /api/v1/ that names no endpoint: the API's error shape, not the site's HTML
    404 page that a client cannot parse."""
    return error_response(404, "unknown_endpoint", _("没有这个接口，请查看 /api/v1/docs"))


urlpatterns = [
    path("", api.urls),
    re_path(r"^(?P<rest>.*)$", unknown_endpoint, name="unknown_endpoint"),
]
