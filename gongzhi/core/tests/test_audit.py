import pytest
from django.db import DatabaseError, connection, transaction

from gongzhi.core import audit, audit_triggers
from gongzhi.core.models import AuditRecord


@pytest.mark.django_db
def test_records_form_a_verifiable_chain() -> None:
    first = audit.record(action="test.one", object_type="x", object_id="1", detail={"名": "值"})
    second = audit.record(action="test.two", object_type="x", object_id="2")
    assert second.prev_hash == first.hash
    assert second.seq == first.seq + 1
    report = audit.verify_chain()
    assert report.ok and report.checked == 2 and report.head_hash == second.hash


@pytest.mark.django_db
def test_tampering_with_a_record_is_detected() -> None:
    audit.record(action="test.one", object_type="x", object_id="1")
    audit.record(action="test.two", object_type="x", object_id="2")
    AuditRecord.objects.filter(seq=1).update(action="test.forged")
    report = audit.verify_chain()
    assert not report.ok
    assert report.first_bad_seq == 1


@pytest.mark.django_db
def test_a_deleted_record_breaks_the_chain() -> None:
    for i in range(3):
        audit.record(action="test", object_type="x", object_id=str(i))
    AuditRecord.objects.filter(seq=2).delete()
    assert not audit.verify_chain().ok


@pytest.mark.django_db
def test_database_refuses_update_and_delete_of_audit_rows() -> None:
    entry = audit.record(action="test.one", object_type="x", object_id="1")
    audit_triggers.install(connection)  # rolled back with the test's transaction
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditRecord.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditRecord.objects.filter(pk=entry.pk).delete()
    assert AuditRecord.objects.get(pk=entry.pk).action == "test.one"
