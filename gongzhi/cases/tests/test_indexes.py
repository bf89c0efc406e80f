"""The case table's indexes that the work queue's speed depends on, per database (see
migration 0023: on SQLite an index on the status alone made every tab count of a community
worker or property company read all unfinished cases of the street)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def _indexes_on_status_alone() -> list[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "cases_case")
    return [
        name
        for name, info in constraints.items()
        if info["index"] and not info["unique"] and info["columns"] == ["status"]
    ]


def test_sqlite_has_no_index_on_the_status_alone_and_postgresql_keeps_it() -> None:
    if connection.vendor == "sqlite":
        # A migration that remakes cases_case on SQLite builds it again from the model:
        # drop it there once more (as 0023 does).
        assert _indexes_on_status_alone() == []
    else:
        assert _indexes_on_status_alone()
