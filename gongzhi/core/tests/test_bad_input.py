"""Addresses a person can type or a script can send: a NUL ("%00") in the path, and numbers that
`str.isdigit()` takes but `int()` refuses ("²"). Not found (404), never a 500 — and a NUL never
reaches the database, which PostgreSQL answers with "text fields cannot contain NUL".
"""

import pytest
from django.db import connection
from django.test import Client

from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db
OPEN311 = "/open311/v2"


def _client(user=None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        assert client.login(username=user.username, password=PASSWORD)
    return client


class _NulWatch:
    """Every query parameter holding a NUL, as the database would receive it."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        rows = params if many else [params]
        for row in rows or []:
            values = row.values() if isinstance(row, dict) else row or []
            self.seen += [v for v in values if isinstance(v, str) and "\x00" in v]
        return execute(sql, params, many, context)


@pytest.mark.parametrize(
    ("path", "who"),
    [
        ("/public/a%00b/", None),
        ("/public/{code}/cases/", None),  # a good one, for contrast
        ("/public/{code}/cases/a%00b/", None),
        ("/public/a%00b/cases/NH1/", None),
        (OPEN311 + "/tokens/a%00b.json", None),
        (OPEN311 + "/requests/1%00.json", None),
        ("/cases/settings/sla/a%00b/", "street_officer"),
        ("/track/NH1/a%00b/", None),
    ],
)
def test_a_nul_in_the_path_is_not_found_and_never_queried(personas, path, who) -> None:
    path = path.format(code=personas.street.code)
    client = _client(getattr(personas, who) if who else None)
    watch = _NulWatch()
    with connection.execute_wrapper(watch):
        response = client.get(path)
    if "%00" not in path:
        assert response.status_code == 200
        return
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()  # the site's own 404 page
    assert watch.seen == []


def test_the_dashboard_treats_a_community_that_is_not_a_number_as_not_found(personas) -> None:
    client = _client(personas.street_officer)
    assert client.get("/insights/").status_code == 200
    for value in ("²", "³", "¹", "1²", "-1", "99999999999999999999"):
        # no community of the list: the whole area and the usual message, never an error
        response = client.get("/insights/", {"community": value})
        assert response.status_code == 200, value
        assert "请从列表中选择社区" in response.content.decode(), value
