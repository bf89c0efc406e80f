"""S4 for the working-day classes: the next level's own deadline counts in working days.

Default 一般类 3 working days, 复杂类 5 (their old 72 and 120 clock hours). A row a street
already has keeps its edits; a working-day class gets ceil(escalation_hours / 24) working days,
which is the default on an unedited row. The clock-hour classes keep `escalation_hours`.

`create_defaults` is what `sla.ensure_default_policies` runs: 0002's defaults plus this field,
so a row made after a test's flush satisfies the constraint added here.
"""

import importlib
import math

from django.db import migrations, models

ESCALATION_WORKING_DAYS = {"general": 3, "complex": 5}


def _initial():
    return importlib.import_module("gongzhi.cases.migrations.0002_default_sla_policies")


def create_defaults(apps, schema_editor):
    SlaPolicy = apps.get_model("cases", "SlaPolicy")
    defaults = _initial().DEFAULTS
    for code, name, respond, clock, hours, days, esc, max_ext, ext_days, source in defaults:
        SlaPolicy.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "respond_minutes": respond,
                "clock": clock,
                "resolve_hours": hours,
                "resolve_working_days": days,
                "escalation_hours": esc,
                "escalation_working_days": ESCALATION_WORKING_DAYS.get(code),
                "max_extensions": max_ext,
                "extension_days": ext_days,
                "source": source,
            },
        )


def fill(apps, schema_editor):
    SlaPolicy = apps.get_model("cases", "SlaPolicy")
    for policy in SlaPolicy.objects.filter(
        clock="working_days", escalation_working_days__isnull=True
    ):
        policy.escalation_working_days = max(1, math.ceil(policy.escalation_hours / 24))
        policy.save(update_fields=["escalation_working_days"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0020_queue_indexes_hold_assess_due")]

    operations = [
        migrations.AddField(
            model_name="slapolicy",
            name="escalation_working_days",
            field=models.PositiveIntegerField(
                blank=True, null=True, verbose_name="升级后上一级处置时限（工作日）"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="slapolicy",
            constraint=models.CheckConstraint(
                condition=models.Q(("clock", "hours"))
                | models.Q(
                    ("clock", "working_days"),
                    ("escalation_working_days__gt", 0),
                    ("escalation_working_days__isnull", False),
                ),
                name="sla_policy_escalation_matches_clock",
                violation_error_message="按工作日计时须填写升级后上一级的处置时限（工作日）",
            ),
        ),
    ]
