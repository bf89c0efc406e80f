"""Planner statistics after an index is rebuilt by a migration (SQLite only)."""

from typing import Any


def refresh_sqlite_index_statistics(connection: Any, table: str, indexes: list[str]) -> None:
    """ANALYZE the rebuilt `indexes` of `table` where the database already has statistics for
    it (it was ANALYZEd, e.g. by seed_scale): SQLite drops a replaced index's statistics, and an
    index without them among indexes with them is misjudged (the queue would sort every open
    case instead of reading one page in index order). Same sampling as seed_scale. PostgreSQL
    keeps its statistics per column, so there is nothing to do there."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        if not _has_statistics(cursor, table):
            return
        cursor.execute("PRAGMA analysis_limit=2000")
        for index in indexes:
            cursor.execute(f"ANALYZE {index}")


def _has_statistics(cursor: Any, table: str) -> bool:
    cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
    if cursor.fetchone() is None:
        return False
    cursor.execute("SELECT 1 FROM sqlite_stat1 WHERE tbl = %s LIMIT 1", [table])
    return cursor.fetchone() is not None


def keep_sqlite_statistics(table: str) -> tuple[Any, Any]:
    """Two RunPython operations to put around a migration step that makes SQLite rebuild
    `table` (a changed CHECK constraint, a changed column): the rebuild deletes every statistics
    row of the table, and the 1M-case queue then sorts in a temporary table instead of reading
    its covering indexes. The first notes whether the table had statistics, the second
    ANALYZEs it again if so (a never-analysed database stays so). Same sampling as seed_scale."""
    from django.db import migrations

    had: dict[str, bool] = {}

    def remember(apps: Any, schema_editor: Any) -> None:
        connection = schema_editor.connection
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                had[table] = _has_statistics(cursor, table)

    def restore(apps: Any, schema_editor: Any) -> None:
        connection = schema_editor.connection
        if connection.vendor == "sqlite" and had.pop(table, False):
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA analysis_limit=2000")
                cursor.execute(f"ANALYZE {table}")

    noop = migrations.RunPython.noop
    return (
        migrations.RunPython(remember, noop, elidable=True),
        migrations.RunPython(restore, noop, elidable=True),
    )
