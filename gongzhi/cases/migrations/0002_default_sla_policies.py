"""Default SLA policies (domain rule S3); the street edits them afterwards."""

from django.db import migrations

DEFAULTS = [
    # code, name, respond_minutes, clock, resolve_hours, resolve_working_days,
    # escalation_hours, max_extensions, extension_days, source
    ("property", "物业类（15分钟响应、24小时处置）", 15, "hours", 24, None, 24, 1, 3,
     "南湖街道“15分钟响应、24小时处置”"),
    ("emergency", "紧急类（2小时处置）", 15, "hours", 2, None, 2, 0, 1, "S3 默认值"),
    ("utilities", "水电气热（24小时）", 60, "hours", 24, None, 24, 1, 3, "S3 默认值"),
    ("general", "一般类（5个工作日）", 120, "working_days", None, 5, 72, 1, 5, "S3 默认值"),
    ("complex", "复杂类（15个工作日）", 120, "working_days", None, 15, 120, 1, 15, "S3 默认值"),
    ("petition", "信访类（15日内受理、60日内办结，可延30日一次）", 15 * 24 * 60, "hours",
     60 * 24, None, 240, 1, 30, "《信访工作条例》（2022）"),
]


def create(apps, schema_editor):
    SlaPolicy = apps.get_model("cases", "SlaPolicy")
    for code, name, respond, clock, hours, days, esc, max_ext, ext_days, source in DEFAULTS:
        SlaPolicy.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "respond_minutes": respond,
                "clock": clock,
                "resolve_hours": hours,
                "resolve_working_days": days,
                "escalation_hours": esc,
                "max_extensions": max_ext,
                "extension_days": ext_days,
                "source": source,
            },
        )


def remove(apps, schema_editor):
    apps.get_model("cases", "SlaPolicy").objects.filter(
        code__in=[row[0] for row in DEFAULTS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
