"""The handler's 处置完毕: every missing thing said at once; 开始办理 warns that it ends 退单;
each round's internal 处置说明 kept with its 处置 and read on the timeline by staff who read
internal notes, never by the requester, the company complained about or the public."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from gongzhi.api.tests.conftest import bearer
from gongzhi.cases import services
from gongzhi.cases.choices import Level, RatingLevel, RatingVia
from gongzhi.cases.models import Case, CaseEvent, EventKind
from gongzhi.cases.tests.conftest import png
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

START_HELP = "开始办理后不能再退单；如非本单位职责，请先退单"
NOTE_1 = "更换灯管两支，费用由公共收益列支"
NOTE_2 = "线路老化，已整段更换电线并加装漏电保护"


def _web(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_an_empty_resolve_form_names_the_reply_and_the_evidence_together(make, personas) -> None:
    case = make.in_progress()
    response = _web(personas.property_a).post(
        f"/cases/{case.pk}/resolve", {"version": case.version, "public_reply": ""}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "请填写公开答复" in page and "请上传处置凭证（照片或文件）" in page
    case.refresh_from_db()
    assert case.status == "in_progress"


def test_the_resolve_service_raises_every_field_error_at_once(make, personas) -> None:
    case = make.in_progress()
    with pytest.raises(ValidationError) as caught:
        services.case_resolve(
            case=case, actor=personas.property_a, public_reply=" ", resolution_note="说" * 3000
        )
    assert set(caught.value.message_dict) == {"public_reply", "evidence", "resolution_note"}
    case.refresh_from_db()
    assert case.status == "in_progress" and not case.attachments.exists()


def test_the_start_form_warns_that_starting_ends_the_return(make, personas) -> None:
    case = make.accepted()
    page = _web(personas.property_a).get(f"/cases/{case.pk}/").content.decode()
    assert START_HELP in page


def _resolve(case: Case, actor, note: str) -> Case:
    return services.case_resolve(
        case=case,
        actor=actor,
        public_reply="已修复楼道照明。",
        resolution_note=note,
        evidence=[png()],
    )


@pytest.fixture
def two_rounds(make, personas) -> Case:
    """Resolved with a note, found unresolved (重办), handed over and resolved with another."""
    p = personas
    case = make.in_progress()
    case = _resolve(case, p.property_a, NOTE_1)
    case = services.case_visit(
        case=case, actor=p.grid_worker, resolved=False, level=RatingLevel.DISSATISFIED,
        via=RatingVia.PHONE,
    )  # fmt: skip
    case = services.case_dispatch(
        case=case, actor=p.community_worker, level=Level.COMPOUND, company=p.company_x
    )
    case = services.case_accept(case=case, actor=p.property_a)
    case = services.case_start(case=case, actor=p.property_a)
    return _resolve(case, p.property_a, NOTE_2)


def test_each_rounds_internal_note_stays_with_its_resolution(two_rounds) -> None:
    events = CaseEvent.objects.filter(case=two_rounds, kind=EventKind.RESOLVED).order_by("id")
    assert [e.payload.get("resolution_note") for e in events] == [NOTE_1, NOTE_2]
    assert all(not e.internal for e in events)  # the public reply stays on the public timeline


def test_only_staff_who_read_internal_notes_see_each_rounds_note(two_rounds, personas) -> None:
    page = _web(personas.community_worker).get(f"/cases/{two_rounds.pk}/").content.decode()
    assert f"处置说明（内部）：{NOTE_1}" in page and f"处置说明（内部）：{NOTE_2}" in page
    # Never the requester, nor the company the case may be about (S9), on the page or the API.
    for user in (personas.resident_a, personas.property_a):
        page = _web(user).get(f"/cases/{two_rounds.pk}/").content.decode()
        api = bearer(user).get(f"/api/v1/cases/{two_rounds.pk}/events")
        assert api.status_code == 200
        for text in (page, json.dumps(api.json(), ensure_ascii=False)):
            assert NOTE_1 not in text and NOTE_2 not in text
            assert "已修复楼道照明" in text  # the public reply is theirs to read


def test_the_api_gives_staff_the_internal_note_too(two_rounds, personas) -> None:
    api = bearer(personas.community_worker).get(f"/api/v1/cases/{two_rounds.pk}/events").json()
    notes = [e["note"] for e in api if e["kind"] == EventKind.RESOLVED]
    assert notes == [f"已修复楼道照明。\n处置说明（内部）：{n}" for n in (NOTE_1, NOTE_2)]


def test_a_case_resolved_before_the_events_kept_notes_shows_its_latest(make, personas) -> None:
    case = _resolve(make.in_progress(), personas.property_a, NOTE_1)
    event = CaseEvent.objects.get(case=case, kind=EventKind.RESOLVED)
    event.payload.pop("resolution_note")  # as recorded before: the note on the case only
    event.save(update_fields=["payload"])
    page = _web(personas.community_worker).get(f"/cases/{case.pk}/").content.decode()
    assert f"处置说明（内部）：{NOTE_1}" in page
