"""PostgreSQL: extended statistics on (supervised, status), so that the planner knows 督办 cases
are nearly all unfinished.

Without them it multiplies the two selectivities (1 % supervised × 3 % unfinished at a million
cases), expects ~300 supervised unfinished cases where there are ~9,000, and reads them all
through a bitmap and sorts them (33 ms) instead of walking case_supervised_idx in the queue's
order and stopping after a page (7 ms). SQLite has no such statistics; nothing to do there.
"""

from django.db import migrations

NAME = "case_supervised_status_stx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE STATISTICS IF NOT EXISTS {NAME} (mcv) ON supervised, status FROM cases_case"
    )
    schema_editor.execute("ANALYZE cases_case")  # statistics objects fill only on ANALYZE


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0021_sla_escalation_working_days")]
    operations = [migrations.RunPython(create, remove)]
