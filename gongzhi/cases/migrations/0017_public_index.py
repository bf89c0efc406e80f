from django.db import migrations, models

from gongzhi.core.planner_stats import refresh_sqlite_index_statistics


def refresh_sqlite_statistics(apps, schema_editor):
    refresh_sqlite_index_statistics(schema_editor.connection, "cases_case", ["case_public_idx"])


class Migration(migrations.Migration):
    """诉求公开: a street's published cases newest first, read backwards a page at a time (at
    200,000 cases on PostgreSQL its 40th page sorted 57,000 rows: 0.4 s)."""

    dependencies = [
        ('cases', '0016_company_scope_index'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='case',
            index=models.Index(
                fields=['-created_at', '-id'],
                condition=models.Q(('is_public', True)),
                name='case_public_idx',
            ),
        ),
        migrations.RunPython(refresh_sqlite_statistics, migrations.RunPython.noop, elidable=True),
    ]
