"""The system's words in a case's timeline read in the reader's language (event_notes): a 退单,
a 申请延期, the sweep's escalation and a merged repeat read in English on an English page and
in the API, as before in Chinese; a person's reason stays as they typed it, masked as any note;
an event written before the payload kept the message still shows its note."""

import datetime as dt
import html
import re

import pytest
from django.test import Client
from django.utils import translation

from gongzhi.api.tests.conftest import bearer
from gongzhi.cases import services, sweeps
from gongzhi.cases.choices import UNNAMED_DEPARTMENT, Level
from gongzhi.cases.event_notes import NOTE_KEY
from gongzhi.cases.models import CaseEvent, EventKind
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

RETURN_REASON = "属于电梯维保公司的合同范围"
EXTENSION_REASON = "等待厂家配件"


def _client(user, language: str) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    return client


def _timeline(page: str) -> str:
    return html.unescape(re.search(r'data-testid="timeline">(.*?)</ol>', page, re.S)[1])


def _walked(make, personas):
    """退单 by the company, handed over again, signed for, 申请延期, escalated by the sweep to
    the community for missing its deadline, and a later report merged into it."""
    p = personas
    case = make.dispatched()
    services.case_return(case=case, actor=p.property_a, reason=RETURN_REASON)
    case.refresh_from_db()
    services.case_dispatch(
        case=case, actor=p.community_worker, level=Level.COMPOUND, company=p.company_x
    )
    case.refresh_from_db()
    case = services.case_accept(case=case, actor=p.property_a)
    services.case_request_extension(case=case, actor=p.property_a, reason=EXTENSION_REASON, days=2)
    case.refresh_from_db()
    assert sweeps.sweep_breaches(case.due_at + dt.timedelta(minutes=1)) == 1
    repeat = make.received(title="电梯又坏了", requester=p.resident_b)
    services.case_merge(case=repeat, actor=p.community_worker, original=case.number)
    case.refresh_from_db()
    return case, repeat


def test_the_staff_timeline_reads_the_systems_words_in_english(make, personas) -> None:
    case, repeat = _walked(make, personas)
    page = _client(personas.community_worker, "en").get(f"/cases/{case.pk}/").content.decode()
    timeline = _timeline(page)
    assert f"Not our responsibility: {RETURN_REASON}" in timeline  # the reason as typed
    assert f"{EXTENSION_REASON}\nExtension requested: 2 days" in timeline
    assert "Past the handling deadline (Compound level)" in timeline
    assert "Escalated to Community" in timeline
    assert f"Repeat report received ({repeat.number}), merged into this case" in timeline
    for chinese in ("非本单位职责", "申请延期 2 天", "超过办理期限", "升级至", "收到重复反映"):
        assert chinese not in timeline, chinese

    # The API's timeline renders them the same way for an English reader.
    events = bearer(personas.community_worker).get(
        f"/api/v1/cases/{case.pk}/events", HTTP_ACCEPT_LANGUAGE="en"
    )
    notes = [event["note"] for event in events.json()]
    assert f"Not our responsibility: {RETURN_REASON}" in notes
    assert "Escalated to Community" in notes


def test_in_chinese_the_timeline_reads_as_before(make, personas) -> None:
    case, repeat = _walked(make, personas)
    page = _client(personas.community_worker, "zh-hans").get(f"/cases/{case.pk}/").content
    timeline = _timeline(page.decode())
    assert f"非本单位职责：{RETURN_REASON}" in timeline
    assert f"{EXTENSION_REASON}\n申请延期 2 天" in timeline
    assert "超过办理期限（小区层级）" in timeline and "升级至社区办理" in timeline
    assert f"收到重复反映（{repeat.number}），已并入本诉求" in timeline
    # The stored note stays the platform's Chinese (search, audit, old readers), whatever the
    # language of whoever caused it.
    returned = case.events.get(kind=EventKind.RETURNED)
    assert returned.note == f"非本单位职责：{RETURN_REASON}"
    assert "Not our" not in "".join(case.events.values_list("note", flat=True))


def test_a_requesters_phone_in_a_reason_stays_masked_for_the_company(make, personas) -> None:
    p = personas
    case = make.accepted()
    phone = case.requester_phone
    reason = f"需与业主（电话{phone}）约定入户时间"
    services.case_request_extension(case=case, actor=p.property_a, reason=reason, days=2)
    page = _client(p.property_a, "en").get(f"/cases/{case.pk}/").content.decode()
    timeline = _timeline(page)
    assert "Extension requested: 2 days" in timeline
    assert phone not in page
    assert "需与业主" in timeline  # the rest of the reason as typed


def test_an_event_written_before_the_payload_kept_its_message_shows_its_note(
    make, personas
) -> None:
    p = personas
    case = make.dispatched()
    services.case_return(case=case, actor=p.property_a, reason=RETURN_REASON)
    returned = case.events.get(kind=EventKind.RETURNED)
    assert NOTE_KEY in returned.payload
    # As the row was written before this change: the note alone.
    CaseEvent.objects.filter(pk=returned.pk).update(
        payload={k: v for k, v in returned.payload.items() if k != NOTE_KEY}
    )
    page = _client(p.community_worker, "en").get(f"/cases/{case.pk}/").content.decode()
    timeline = _timeline(page)
    assert f"非本单位职责：{RETURN_REASON}" in timeline
    assert "Not our responsibility" not in timeline


def test_an_unnamed_department_stays_off_the_requesters_english_page(make, personas) -> None:
    p = personas
    case = make.accepted()
    for _ in range(3):  # 小区 → 社区 → 街道 → 职能部门, nobody named yet
        case.refresh_from_db()
        assert sweeps.sweep_breaches(case.due_at + dt.timedelta(minutes=1)) == 1
    staff = _timeline(_client(p.street_officer, "en").get(f"/cases/{case.pk}/").content.decode())
    with translation.override("en"):
        department = str(Level.DEPARTMENT.label)
        unnamed = translation.gettext(UNNAMED_DEPARTMENT)  # the placeholder, in English too
    assert f"Escalated to {department} ({unnamed})" in staff  # the street's to do
    own = _client(p.resident_a, "en").get(f"/cases/{case.pk}/").content.decode()
    assert f"Escalated to {department}" in _timeline(own) and UNNAMED_DEPARTMENT not in own
