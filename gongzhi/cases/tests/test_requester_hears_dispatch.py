"""A new resident follows their case: 受理 names it by what they wrote, 交办 says to whom (again
after a 退单), never by whom (S9 both ways); the party's "新的诉求已交办给您" is read once it signs
for the case; the resident's 通知设置 lists only what a requester may receive."""

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.cases import services
from gongzhi.cases.choices import Level, RatingLevel, RatingVia
from gongzhi.cases.models import Case
from gongzhi.core.models import Notification
from gongzhi.core.notifications import kinds
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

TITLE = "3单元楼道灯不亮已经一周了晚上回家很不方便请尽快修理"


def _told(user, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind).order_by("id"))


def _web(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _staff_names(p) -> list[str]:
    return [u.display_name for u in (p.property_a, p.community_worker, p.street_officer)]


def test_the_received_notice_names_the_case_by_its_title(make, personas) -> None:
    make.received(title=TITLE)
    make.received(title="电梯困人")
    titles = [n.title for n in _told(personas.resident_a, "case.created")]
    assert titles == [f"您的诉求已受理：{TITLE[:20]}…", "您的诉求已受理：电梯困人"]


def test_the_requester_hears_to_whom_the_case_went_and_again_after_a_return(make, personas) -> None:
    p = personas
    case = make.accepted(title=TITLE)
    first = _told(p.resident_a, "case.assigned")
    assert [n.title for n in first] == [f"您的诉求已交办，由{p.company_x.name}办理"]
    assert first[0].body == (
        f"诉求 {case.number}（{TITLE[:20]}…）已交办，由{p.company_x.name}办理，请留意办理进度。"
    )
    assert first[0].link == f"/cases/{case.pk}/"
    services.case_return(case=case, actor=p.property_a, reason="该路段路灯属市政管理，非物业职责")
    services.case_dispatch(
        case=case, actor=p.community_worker, level=Level.COMMUNITY, note="请社区联系市政"
    )
    told = _told(p.resident_a, "case.assigned")
    assert [n.title for n in told[1:]] == ["您的诉求已重新交办，由社区办理"]
    for notice in told:  # to whom, never by whom nor why
        text = notice.title + notice.body
        assert not any(name in text for name in _staff_names(p))
        assert "市政" not in text and "请社区联系" not in text
    # The company complained about hears the case, never who filed it (S9).
    company = _told(p.property_a, "case.assigned")
    assert [n.title for n in company] == ["新的诉求已交办给您"]
    assert "张三" not in company[0].title + company[0].body


def test_the_new_case_notice_is_read_once_the_party_signs_for_it(make, personas) -> None:
    p = personas
    case = make.dispatched()
    services.case_supervise(case=case, actor=p.community_worker, reason="居民反映多次，请尽快签收")
    inbox = Notification.objects.filter(recipient=p.property_a)
    assigned = inbox.get(kind="case.assigned")
    assert assigned.read_at is None and assigned.title == "新的诉求已交办给您"
    supervised = inbox.get(kind="case.supervised")
    services.case_accept(case=case, actor=p.property_a)
    assigned.refresh_from_db()
    supervised.refresh_from_db()
    assert assigned.read_at is not None
    assert supervised.read_at is None  # only the notice the 签收 answers
    # The requester's own notice of the 交办 is theirs to read.
    assert _told(p.resident_a, "case.assigned")[0].read_at is None


def test_a_community_case_signed_for_is_read_by_the_community(make, personas) -> None:
    p = personas
    case = make.assessed()
    services.case_dispatch(case=case, actor=p.street_officer, level=Level.COMMUNITY)
    notice = Notification.objects.get(recipient=p.community_worker, kind="case.assigned")
    assert notice.read_at is None
    services.case_accept(case=case, actor=p.community_worker)
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_the_new_case_notice_is_read_once_the_case_leaves_the_party(make, personas) -> None:
    """Sent back (退单) or taken away (改派), the case no longer waits for the company: its
    "新的诉求已交办给您" is not left unread in the badge."""
    p = personas
    returned = make.dispatched()
    services.case_return(case=returned, actor=p.property_a, reason="道路属市政管辖，非物业职责")
    moved = make.dispatched()
    services.case_reassign(case=moved, actor=p.community_worker, level=Level.COMMUNITY,
                           reason="涉及公共部位，由社区协调")  # fmt: skip
    unread = Notification.objects.filter(
        recipient=p.property_a, kind="case.assigned", read_at__isnull=True
    )
    assert list(unread) == []
    assert Notification.objects.filter(recipient=p.property_a, kind="case.assigned").count() == 2


STAFF_ONLY = ("诉求研判超时", "诉求交办超时", "诉求签收超时", "疑似紧急诉求待研判", "诉求申请终止")


def test_a_resident_chooses_only_among_the_notices_a_requester_gets(personas) -> None:
    url = reverse("me:preferences")
    resident = _web(personas.resident_a).get(url).content.decode()
    for label in STAFF_ONLY + ("诉求督办", "诉求退单"):
        assert label not in resident
    for label in ("诉求已受理", "诉求交办", "请评价处置结果", "诉求已改派", "诉求已办结"):
        assert label in resident
    staff = _web(personas.grid_worker).get(url).content.decode()
    for label in STAFF_ONLY:
        assert label in staff
    refused = _web(personas.resident_a).post(
        url, {"quiet_start": "22:00", "quiet_end": "07:00", "sent_kinds": ["case.supervised"]}
    )
    assert refused.status_code == 200 and "未知的通知类型" in refused.content.decode()


def test_every_notice_a_requester_got_is_one_they_may_mute(make, personas) -> None:
    """The resident's list covers the whole loop: 受理, 交办, 延期, 提级/改派, 处置, 办结, 重复."""
    p = personas
    case = make.resolved()
    # Closed by a phone visit: the requester is told (not when they rate it themself).
    services.case_visit(
        case=case, actor=p.community_worker, resolved=True, level=RatingLevel.SATISFIED,
        via=RatingVia.PHONE,
    )  # fmt: skip
    other = make.accepted()
    services.case_reassign(
        case=other,
        actor=p.street_officer,
        level=Level.STREET,
        reason="涉及多个部门，由街道统一协调",
    )
    received = set(
        Notification.objects.filter(recipient=p.resident_a).values_list("kind", flat=True)
    )
    assert {"case.created", "case.assigned", "case.closed", "case.reassigned"} <= received
    assert received <= kinds.RESIDENT_KINDS <= set(kinds.KINDS)
    assert Case.objects.filter(requester=p.resident_a).count() == 2
