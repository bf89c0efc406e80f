from django.conf import settings
from django.db import migrations

from gongzhi.core import audit_triggers


def forwards(apps, schema_editor):
    if getattr(settings, "GONGZHI_AUDIT_TRIGGERS", True):
        audit_triggers.install(schema_editor.connection)


def backwards(apps, schema_editor):
    audit_triggers.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
