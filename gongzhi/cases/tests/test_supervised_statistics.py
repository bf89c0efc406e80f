"""PostgreSQL knows that 督办 cases are nearly all unfinished (migration 0022's extended
statistics): without that it multiplies the two selectivities, expects a handful of 督办中 cases
where there are thousands at a million cases, and reads and sorts them all instead of walking
case_supervised_idx a page at a time."""

import json

import pytest
from django.db import connection

from gongzhi.cases.workflow import Status

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL's extended statistics"
    ),
]

UNFINISHED = ("accepted", "assessed", "dispatched", "in_progress", "received", "reopened")


@pytest.mark.django_db
def test_the_planner_expects_the_supervised_unfinished_cases_there_are(make) -> None:
    template = make.received()
    columns = [f.column for f in template._meta.concrete_fields if f.column not in ("id", "number")]
    listed = ", ".join(f'"{c}"' for c in columns)
    chosen = ", ".join(
        {
            "status": f"CASE WHEN g %% 25 = 0 THEN '{Status.IN_PROGRESS}' ELSE 'closed' END",
            "supervised": "g %% 100 = 0",
        }.get(c, f'"{c}"')
        for c in columns
    )
    with connection.cursor() as cursor:
        # 6,000 cases: 4 % unfinished, 1 % supervised, and every supervised one unfinished.
        insert = (  # the columns are the model's own
            f'INSERT INTO cases_case ("number", {listed}) SELECT "number" || \'-\' || g, {chosen}'  # noqa: S608
            " FROM cases_case, generate_series(1, 6000) AS g WHERE id = %s"
        )
        cursor.execute(insert, [template.pk])
        cursor.execute("ANALYZE cases_case")
        cursor.execute(
            "EXPLAIN (FORMAT JSON) SELECT id FROM cases_case WHERE supervised AND status = ANY(%s)",
            [list(UNFINISHED)],
        )
        (explained,) = cursor.fetchone()
    [plan] = json.loads(explained) if isinstance(explained, str) else explained
    expected = plan["Plan"]["Plan Rows"]
    assert expected >= 30, expected  # 60 are; independent columns would give 6000 × 1 % × 4 % ≈ 2
