from django.conf import settings
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse


def healthz(request: HttpRequest) -> HttpResponse:
    """200 `ok` when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def bench_minimal(request: HttpRequest) -> HttpResponse:
    """The framework's minimal request for `make bench` (no database, no session): the floor
    every measured page is compared with. Answers 404 unless settings.GONGZHI_BENCH is on."""
    if not settings.GONGZHI_BENCH:
        raise Http404
    return HttpResponse("ok", content_type="text/plain")
