"""The requester's phone as the work queue's search finds it: `requester_phone_key`, its
digits (requester_keys), indexed where set, and written for every case
filed before (in batches of rows by primary key)."""

from django.db import migrations, models


def backfill(apps, schema_editor):
    from gongzhi.cases.requester_keys import refresh_phone_keys

    refresh_phone_keys(apps.get_model("cases", "Case"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0024_desk_clock_after_handback")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="requester_phone_key",
            field=models.CharField(blank=True, editable=False, max_length=32),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("requester_phone_key", ""), _negated=True),
                fields=["requester_phone_key"],
                name="case_requester_phone_idx",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
