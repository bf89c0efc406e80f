"""G1, G2, S9 in the timeline's notes: a 交办 note that names the requester, their room and a
phone reads masked like the case's content, for every member of staff, until they reveal the
contacts on the page (查看联系方式, written to the audit log); the API's timeline, which has no
reveal, always masks them; the party complained about still reads no trace of them."""

import re

import pytest

from gongzhi.api.tests.conftest import bearer
from gongzhi.cases import services
from gongzhi.cases.choices import CaseType, Category, Level, SlaClass, Urgency
from gongzhi.cases.models import Case
from gongzhi.cases.tests.test_tracking import NAME, WalkIn, signed_in
from gongzhi.core.masking import REMOVED
from gongzhi.core.models import AuditRecord

pytestmark = pytest.mark.django_db

ROOM = "9栋1单元301"
NOTE_PHONE = "19900000372"
NOTE = f"诉求人{NAME}（{ROOM}）电话{NOTE_PHONE}，请上门"


@pytest.fixture
def walk_in(make) -> WalkIn:
    return WalkIn(make.p)


def _dispatched(walk_in: WalkIn, type: str = CaseType.HELP) -> Case:
    """A walk-in's case that the community worker hands to company X with the note above; the
    content names the room as well, to compare the two."""
    p = walk_in.p
    case = walk_in.received(type=type, content=f"楼道灯坏了一周，我住{ROOM}")
    case = services.case_assess(
        case=case,
        actor=p.community_worker,
        category=Category.REPAIR if type == CaseType.HELP else Category.PROPERTY_SERVICE,
        sla_class=SlaClass.PROPERTY,
        urgency=Urgency.NORMAL,
    )
    return services.case_dispatch(
        case=case, actor=p.community_worker, level=Level.COMPOUND, company=p.company_x, note=NOTE
    )


def _timeline(page: str) -> str:
    return re.search(r'data-testid="timeline">(.*?)</ol>', page, re.S)[1]


def _content(page: str) -> str:
    return re.search(r'data-testid="case-content">(.*?)</p>', page, re.S)[1]


def _pii_views(user) -> int:
    return AuditRecord.objects.filter(action="pii.view", actor=user).count()


def test_staff_read_the_dispatch_note_masked_until_they_reveal_the_contacts(walk_in) -> None:
    p = walk_in.p
    case = _dispatched(walk_in)
    # The desk, the grid, the street, and the company doing the repair (it may call).
    for staff in (p.community_worker, p.grid_worker, p.street_officer, p.property_a):
        client = signed_in(staff)
        page = client.get(f"/cases/{case.pk}/").content.decode()
        timeline = _timeline(page)
        assert "电话199****0372" in timeline and "诉求人夏*" in timeline, staff
        assert NOTE_PHONE not in page and NAME not in page, staff
        # Rooms as the page's content reads them for this viewer.
        assert (ROOM in timeline) == (ROOM in _content(page)), staff
        assert 'data-testid="reveal"' in page and _pii_views(staff) == 0, staff

        revealed = _timeline(client.post(f"/cases/{case.pk}/", {"reveal": "1"}).content.decode())
        assert NOTE in revealed, staff
        assert _pii_views(staff) == 1, staff  # the view of the whole note is on record


def test_the_api_timeline_always_masks_the_notes(walk_in) -> None:
    p = walk_in.p
    case = _dispatched(walk_in)
    for staff in (p.grid_worker, p.community_worker, p.property_a):
        for query in ("", "?reveal=1"):  # the API has no reveal
            response = bearer(staff).get(f"/api/v1/cases/{case.pk}/events{query}")
            assert response.status_code == 200
            body = response.content.decode()
            assert NOTE_PHONE not in body and NAME not in body, staff
            [note] = [e["note"] for e in response.json() if e["kind"] == "dispatched"]
            assert "电话199****0372" in note and "诉求人夏*" in note, staff
        assert _pii_views(staff) == 0, staff


def test_the_company_complained_about_reads_the_note_without_any_trace(walk_in) -> None:
    p = walk_in.p
    case = _dispatched(walk_in, type=CaseType.COMPLAINT)
    client = signed_in(p.property_a)
    for reveal in ({}, {"reveal": "1"}):  # 查看联系方式 is a POST
        page = client.post(f"/cases/{case.pk}/", reveal).content.decode()
        timeline = _timeline(page)
        assert REMOVED in timeline and "请上门" in timeline
        for trace in (NAME, "夏*", NOTE_PHONE, "0372", "301"):
            assert trace not in timeline, trace
    [note] = [
        e["note"]
        for e in bearer(p.property_a).get(f"/api/v1/cases/{case.pk}/events").json()
        if e["kind"] == "dispatched"
    ]
    assert REMOVED in note and "0372" not in note and "夏" not in note
    assert _pii_views(p.property_a) == 0


def test_the_content_opens_with_the_card_when_the_contacts_are_revealed(walk_in) -> None:
    """One audited reveal opens the whole page: the card, the notes and the content alike."""
    p = walk_in.p
    case = walk_in.received(content=f"楼道灯坏了一周，我是{NAME}，电话{NOTE_PHONE}")
    client = signed_in(p.community_worker)
    masked = _content(client.get(f"/cases/{case.pk}/").content.decode())
    assert NOTE_PHONE not in masked and "199****0372" in masked and NAME not in masked
    revealed = _content(client.post(f"/cases/{case.pk}/", {"reveal": "1"}).content.decode())
    assert NOTE_PHONE in revealed and NAME in revealed
    assert _pii_views(p.community_worker) == 1


def test_the_requesters_own_steps_name_them_once_revealed(make) -> None:
    """A resident who filed in the app is named in the timeline as on the revealed card."""
    p = make.p
    case = services.case_file(
        actor=p.resident_a,
        compound=p.compound_a,
        channel="online",
        type=CaseType.HELP,
        title="楼道灯不亮",
        content="3单元楼道灯坏了一周",
        requester=p.resident_a,
    )
    name = case.requester_name
    client = signed_in(p.community_worker)
    masked = _timeline(client.get(f"/cases/{case.pk}/").content.decode())
    assert f"诉求人 {name[0]}*" in masked and name not in masked
    revealed = _timeline(client.post(f"/cases/{case.pk}/", {"reveal": "1"}).content.decode())
    assert f"诉求人 {name}" in revealed
