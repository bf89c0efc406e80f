"""The sweeps' query plans as at a million cases, for the tests that check a sweep's cost follows
the few cases due (its partial index), not all cases."""

from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def _sqlite_stats_at_scale(partial_index: str):
    """On SQLite, planner statistics like those seed_scale leaves at a million cases (a few rows
    in `partial_index`; ~100k per value in any index on the status alone, which SQLite databases
    no longer have since migration 0023). Forgotten afterwards so that they do not steer the
    plans of the tests that follow (see test_planner_stats)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")  # creates sqlite_stat1
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'cases_case'")
        cursor.execute("PRAGMA index_list(cases_case)")
        status_indexes = [
            row[1] for row in cursor.fetchall() if row[1].startswith("cases_case_status_")
        ]
        cursor.executemany(
            "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('cases_case', %s, %s)",
            [(name, "1000000 100000") for name in status_indexes] + [(partial_index, "20 1")],
        )
    connection.close()  # the next connection reads these statistics
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'cases_case'")
        connection.close()  # the connection caches what it read of sqlite_stat1


def plan_at_scale(query, partial_index: str) -> str:
    """The plan of `query` as the planner would choose it at a million cases. On PostgreSQL a
    few rows make any index about as cheap as another (which one wins then depends on what
    earlier tests left in the table): inside a transaction rolled back, the status indexes are
    dropped and sequential scans are off, so the plan shows whether the query can be answered
    from `partial_index` at all. Needs `django_db(transaction=True)` (it reconnects)."""
    with _sqlite_stats_at_scale(partial_index):
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT indexname FROM pg_indexes WHERE tablename = 'cases_case'"
                    " AND (indexname LIKE 'cases_case_status_%%'"
                    # the company's scope index leads with the status too (C4)
                    " OR indexname = 'case_company_scope_idx')"
                )
                for (name,) in cursor.fetchall():
                    cursor.execute(f'DROP INDEX "{name}"')
                cursor.execute("SET LOCAL enable_seqscan = off")
            plan = query.explain()
            transaction.set_rollback(True)
    return plan
