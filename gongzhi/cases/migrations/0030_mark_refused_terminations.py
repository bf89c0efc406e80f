"""Marks the 驳回终止申请 events written before `case_reject_termination` marked them, so that the
requester's timeline hides a refusal by its marker alone (ui_selectors._hidden_from_requester)."""

from django.db import migrations

# The fixed words `case_reject_termination` wrote before each reason (closure.py, until 0030).
REFUSED_NOTE = "驳回终止申请："
MARKER = "termination_refused"


def mark(apps, schema_editor):
    CaseEvent = apps.get_model("cases", "CaseEvent")
    rows = CaseEvent.objects.filter(kind="supervised", note__startswith=REFUSED_NOTE)
    changed = []
    for event in rows.only("pk", "payload").iterator(chunk_size=500):
        if not (event.payload or {}).get(MARKER):
            event.payload = {**(event.payload or {}), MARKER: True}
            changed.append(event)
    CaseEvent.objects.bulk_update(changed, ["payload"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("cases", "0029_pending_uploads")]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop, elidable=True)]
