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
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return
        cursor.execute("SELECT 1 FROM sqlite_stat1 WHERE tbl = %s LIMIT 1", [table])
        if cursor.fetchone() is None:
            return
        cursor.execute("PRAGMA analysis_limit=2000")
        for index in indexes:
            cursor.execute(f"ANALYZE {index}")
