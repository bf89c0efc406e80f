"""SQLite: no index on the status column alone.

With it, SQLite's planner counted a property company's or a community's unfinished cases
(the 工作台 tabs, on every page) through the status index, reading every unfinished case of
the street and testing each one's compound (26 ms at 1,000,000 cases), where
case_active_scope_idx answers the same count for their compounds alone (0.5 ms): the
community worker's default page went from 77 to 29 ms median, the property company's from 61
to 35. PostgreSQL keeps the index (its 受理日期 and 社区 filters use it).

The model no longer declares the index (so a migration that remakes the table on SQLite does
not build it again); on PostgreSQL the index made by 0001 stays, outside the model's state,
like 0022's statistics. test_indexes checks both.
"""

from django.db import migrations, models

TABLE, COLUMN = "cases_case", "status"


def _status_indexes(schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    return [
        name
        for name, info in constraints.items()
        if info["index"] and not info["unique"] and info["columns"] == [COLUMN]
    ]


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in _status_indexes(schema_editor):
        schema_editor.execute(f'DROP INDEX "{name}"')


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite" and not _status_indexes(schema_editor):
        schema_editor.execute(
            f'CREATE INDEX "cases_case_status_95787cb3" ON "{TABLE}" ("{COLUMN}")'
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0022_supervised_status_statistics")]
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="status",
                    field=models.CharField(
                        choices=[
                            ("received", "已受理"),
                            ("assessed", "已研判"),
                            ("dispatched", "已交办"),
                            ("accepted", "已签收"),
                            ("in_progress", "办理中"),
                            ("resolved", "已处置待回访"),
                            ("closed", "已办结"),
                            ("returned", "已退单"),
                            ("reopened", "重办"),
                            ("terminated", "已终止"),
                            ("not_accepted", "不予受理"),
                            ("merged", "已并入原诉求"),
                        ],
                        default="received",
                        max_length=15,
                        verbose_name="状态",
                    ),
                )
            ],
            database_operations=[migrations.RunPython(drop, restore)],
        )
    ]
