"""A migration that rebuilds an index gives it planner statistics again on an analysed SQLite
database (without them SQLite misjudges it among the others: the 1M-case queue sorted every open
case), and leaves a never-analysed database alone."""

import pytest
from django.db import connection

from gongzhi.core.planner_stats import refresh_sqlite_index_statistics

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's sqlite_stat1")

INDEX = "case_compound_created_idx"


@pytest.fixture(autouse=True)
def _forget_statistics():
    """Statistics of these tiny tables must not steer the plans of the tests that follow."""
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is not None:
            cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'cases_case'")
    connection.close()  # the connection caches what it read of sqlite_stat1


def _stats_rows(index: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return 0
        cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE idx = %s", [index])
        return cursor.fetchone()[0]


def _rebuild(index: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [index])
        (sql,) = cursor.fetchone()
        cursor.execute(f"DROP INDEX {index}")
        cursor.execute(sql)


@pytest.mark.django_db(transaction=True)
def test_a_rebuilt_index_of_an_analysed_table_gets_statistics_again(make) -> None:
    make.received()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")
    assert _stats_rows(INDEX) == 1
    _rebuild(INDEX)
    assert _stats_rows(INDEX) == 0  # what SQLite does to a replaced index
    refresh_sqlite_index_statistics(connection, "cases_case", [INDEX])
    assert _stats_rows(INDEX) == 1


@pytest.mark.django_db(transaction=True)
def test_a_table_never_analysed_stays_without_statistics(make) -> None:
    make.received()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is not None:
            cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'cases_case'")
    refresh_sqlite_index_statistics(connection, "cases_case", [INDEX])
    assert _stats_rows(INDEX) == 0


def _table_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'cases_case'")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_statistics_survive_a_migration_that_rebuilds_the_case_table(make) -> None:
    """0012 changes the channel CHECK constraint: SQLite copies cases_case into a new table and
    the old one's statistics go with it, unless the migration analyses it again."""
    from django.apps import apps
    from django.db.migrations.state import ProjectState

    from gongzhi.cases.models import Case
    from gongzhi.core.planner_stats import keep_sqlite_statistics

    make.received()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")
    before = _table_rows()
    assert before > 0
    remember, restore = keep_sqlite_statistics("cases_case")
    constraint = next(c for c in Case._meta.constraints if c.name == "case_channel_valid")
    state = ProjectState.from_apps(apps)
    with connection.schema_editor() as editor:
        remember.database_forwards("cases", editor, state, state)
        editor.remove_constraint(Case, constraint)
        editor.add_constraint(Case, constraint)
        assert _table_rows() == 0  # the rebuild took them
        restore.database_forwards("cases", editor, state, state)
    assert _table_rows() == before
