"""What filing a case costs: each thing read once, no savepoint of its own, no lookup for an
address not written; and, without the savepoint, a refusal still leaves nothing behind."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongzhi.cases import services, sla, ui_selectors
from gongzhi.cases.models import Case, CaseAttachment, CaseEvent, SlaPolicy
from gongzhi.cases.pending_uploads import PendingUpload
from gongzhi.cases.services import notices
from gongzhi.cases.services.pending_uploads import case_file_with_kept, pending_keep
from gongzhi.cases.tests.images import photo
from gongzhi.core.models import AuditRecord, Notification
from gongzhi.org.models import Unit
from gongzhi.org.scopes import forget_scope
from gongzhi.org.testing import PASSWORD


def _statements(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries]


def _reads_of(table: str, statements: list[str]) -> int:
    return sum(s.startswith("SELECT") and f'FROM "{table}"' in s for s in statements)


@pytest.mark.django_db(transaction=True)
def test_a_residents_filing_reads_their_homes_once_and_opens_no_savepoint(
    make, personas, settings
) -> None:
    """The form lists the resident's homes, then finds the one chosen among them (no second
    read); the filing is one transaction, without a savepoint inside it."""
    settings.GONGZHI_FILING_RATE_PER_MINUTE = 1000
    settings.GONGZHI_TRIAGE_AT_FILING = "deferred"  # as in production: no AI pass at filing
    client = Client()
    assert client.login(username=personas.resident_a.username, password=PASSWORD)
    data = {
        "type": "help",
        "title": "",
        "content": "楼道灯坏了一周，晚上很黑",
        "place": f"unit:{personas.unit_a.pk}",
    }
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/cases/new/", data)
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert case.unit == personas.unit_a and case.requester == personas.resident_a
    statements = _statements(captured)
    assert _reads_of("org_unit", statements) == 1, statements
    # The case is new: nobody can have its notices yet (none looked for, no savepoint for a
    # duplicate); its policy is read once, for its deadline and its notices' urgency.
    assert not [s for s in statements if "SAVEPOINT" in s], statements
    assert _reads_of("core_notification", statements) == 0, statements
    assert _reads_of("cases_slapolicy", statements) == 1, statements
    assert sorted(
        Notification.objects.filter(kind="case.created").values_list("recipient", flat=True)
    ) == sorted([personas.resident_a.pk, *(u.pk for u in notices.supervisors(case))])


@pytest.mark.django_db
def test_a_desk_member_filed_for_by_a_colleague_hears_of_it_once_as_its_requester(
    make, personas
) -> None:
    colleague = personas.community_worker
    assert colleague in notices.supervisors(make.received())
    Notification.objects.all().delete()
    case = services.case_file(
        actor=personas.grid_worker,
        compound=personas.compound_a,
        channel="visit",
        type="help",
        title="楼道灯不亮",
        content="楼道灯坏了一周，晚上上下楼看不见",
        requester=colleague,
    )
    told = Notification.objects.filter(dedupe_key=f"case:{case.pk}:created")
    assert told.filter(recipient=colleague).count() == 1
    assert told.get(recipient=colleague).title.startswith("您的诉求已受理")
    assert told.count() == len(notices.supervisors(case))  # the desk, the grid worker aside


@pytest.mark.django_db
def test_the_place_chosen_is_found_among_the_homes_listed(personas) -> None:
    user = personas.resident_a
    unit = personas.unit_a
    places = dict(ui_selectors.resident_places(user))
    with CaptureQueriesContext(connection) as captured:
        assert ui_selectors.place_nodes(user, f"unit:{unit.pk}") == (
            unit.building.compound,
            unit.building,
            unit,
        )
        assert ui_selectors.place_nodes(user, f"building:{unit.building_id}") == (
            unit.building.compound,
            unit.building,
            None,
        )
        compound = unit.building.compound
        assert ui_selectors.place_nodes(user, f"compound:{compound.pk}") == (compound, None, None)
        with pytest.raises(Unit.DoesNotExist):  # someone else's home
            ui_selectors.place_nodes(user, f"unit:{personas.unit_b.pk}")
    assert not captured.captured_queries
    assert f"unit:{unit.pk}" in places


@pytest.mark.django_db
def test_a_home_granted_since_is_listed_once_the_scope_is_recomputed(personas) -> None:
    user = personas.resident_a
    other = personas.unit_b
    assert f"unit:{other.pk}" not in dict(ui_selectors.resident_places(user))
    user.grants.create(role="resident", scope_path=other.path)
    forget_scope(user)  # as every grant change does
    assert f"unit:{other.pk}" in dict(ui_selectors.resident_places(user))
    assert ui_selectors.place_nodes(user, f"unit:{other.pk}")[2] == other


@pytest.mark.django_db
def test_a_filing_without_an_address_reads_no_buildings(make, personas) -> None:
    for address in ("", "  ", personas.compound_a.name):
        with CaptureQueriesContext(connection) as captured:
            case = services.case_file(
                actor=personas.grid_worker,
                compound=personas.compound_a,
                channel="visit",
                type="help",
                title="楼道灯不亮",
                content="楼道灯坏了一周，晚上上下楼看不见",
                address=address,
            )
        assert case.building is None and case.unit is None
        assert _reads_of("org_building", _statements(captured)) == 0


@pytest.mark.django_db
def test_an_address_naming_a_missing_flat_is_still_refused(make, personas) -> None:
    building = personas.unit_a.building
    address = f"{personas.compound_a.name}{building.name}9单元9909室"
    with pytest.raises(ValidationError) as error:
        services.case_file(
            actor=personas.grid_worker,
            compound=personas.compound_a,
            channel="visit",
            type="help",
            title="楼道灯不亮",
            content="楼道灯坏了一周，晚上上下楼看不见",
            address=address,
        )
    assert "address" in error.value.message_dict
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_the_policy_is_read_once_per_case_and_an_edit_applies_to_the_next_filing(
    make, personas
) -> None:
    case = Case.objects.get(pk=make.received().pk)  # as a request reads it
    code = sla.provisional_class(case)
    with CaptureQueriesContext(connection) as captured:
        first = sla.provisional_policy(case)
        assert sla.provisional_policy(case) is first
    assert _reads_of("cases_slapolicy", _statements(captured)) == 1
    SlaPolicy.objects.filter(code=code).update(respond_minutes=first.respond_minutes + 30)
    again = Case.objects.get(pk=case.pk)  # the next request's object
    assert sla.provisional_policy(again).respond_minutes == first.respond_minutes + 30


def _jpeg(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, photo("JPEG", size=(400, 300)), content_type="image/jpeg")


def _file_with_kept(personas, batch, kept, photos):
    return case_file_with_kept(
        actor=personas.resident_a,
        batch=batch,
        kept=kept,
        compound=personas.compound_a,
        building=personas.unit_a.building,
        unit=personas.unit_a,
        channel="online",
        type="help",
        title="楼道灯不亮",
        content="楼道灯坏了一周，晚上很黑",
        photos=photos,
    )


def _nothing_filed() -> bool:
    return not (
        Case.objects.exists()
        or CaseEvent.objects.exists()
        or CaseAttachment.objects.exists()
        or AuditRecord.objects.filter(action="case.file").exists()
        or Notification.objects.filter(kind="case.created").exists()
    )


@pytest.mark.django_db(transaction=True)
def test_a_filing_refused_after_its_case_was_written_leaves_nothing_and_keeps_the_photos(
    make, personas, settings, tmp_path
) -> None:
    """The last photo is refused once the case, its event and the kept photos' attachments are
    written: all of it is rolled back, the kept photos stay for the retry, which files them."""
    settings.MEDIA_ROOT = tmp_path
    kept = pending_keep(actor=personas.resident_a, batch=None, files=[_jpeg("a.jpg")])
    batch = PendingUpload.objects.get().batch
    not_a_photo = SimpleUploadedFile("b.jpg", b"GIF89a, not really", content_type="image/jpeg")
    with pytest.raises(ValidationError):
        _file_with_kept(personas, batch, kept.items, [not_a_photo])
    assert _nothing_filed()
    row = PendingUpload.objects.get()
    assert row.file.storage.exists(row.file.name)
    case = _file_with_kept(personas, batch, kept.items, [_jpeg("c.jpg")])
    assert case.attachments.count() == 2
    assert not PendingUpload.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_inside_a_callers_transaction_a_refused_filing_rolls_back_to_where_it_began(
    make, personas, settings, tmp_path
) -> None:
    """A caller that catches the refusal (a batch import, say) goes on with its transaction,
    and commits what it wrote before and after: nothing of the refused filing."""
    settings.MEDIA_ROOT = tmp_path
    kept = pending_keep(actor=personas.resident_a, batch=None, files=[_jpeg("a.jpg")])
    batch = PendingUpload.objects.get().batch
    not_a_photo = SimpleUploadedFile("b.jpg", b"GIF89a, not really", content_type="image/jpeg")
    with transaction.atomic():
        SlaPolicy.objects.filter(code="general").update(warn_percent=25)
        with pytest.raises(ValidationError):
            _file_with_kept(personas, batch, kept.items, [not_a_photo])
        Notification.objects.create(
            recipient=personas.resident_a,
            kind="case.assigned",
            title="之后",
            created_at=timezone.now(),
        )
    assert _nothing_filed() and PendingUpload.objects.count() == 1
    assert SlaPolicy.objects.get(code="general").warn_percent == 25
    assert Notification.objects.filter(title="之后").exists()
