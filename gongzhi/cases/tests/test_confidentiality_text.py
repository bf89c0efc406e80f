"""S9 in free text: a number, room or name a resident writes into a case never reaches the party
the case is about, through the title, the search box, the API, notices, hot topics or drafts;
and the search box finds a caller's cases by their phone or full name only for whoever may see
the requester."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.api.open311.status import status_notes
from gongzhi.api.tests.conftest import bearer
from gongzhi.cases import queue_selectors, selectors, services, triage_topics
from gongzhi.cases.choices import CaseType, Channel
from gongzhi.cases.models import Case
from gongzhi.cases.requester_keys import refresh_phone_keys
from gongzhi.core.models import Notification

CONTENT = "我是1栋1单元101的张三，电话138-1234-1234，楼道保洁一周没人来"
TRACES = ("张三", "1234-1234", "13812341234", "1单元101")


def _complaint_dispatched_to_x(p, *, note: str = "") -> Case:
    case = services.case_file(
        actor=p.resident_a, compound=p.compound_a, channel=Channel.ONLINE,
        type=CaseType.COMPLAINT, title=CONTENT[:30], content=CONTENT,
        requester=p.resident_a, unit=p.unit_a, respondent_company=p.company_x,
    )  # fmt: skip
    services.case_assess(case=case, actor=p.community_worker, category="property_service",
                         sla_class="property", urgency="normal")  # fmt: skip
    return services.case_dispatch(case=case, actor=p.community_worker, level="compound",
                                  company=p.company_x, note=note)  # fmt: skip


def _without_traces(text: str) -> bool:
    return not any(trace in text for trace in TRACES)


@pytest.mark.django_db
def test_a_title_cut_from_the_content_hides_the_writer_from_the_company(client, make, personas):
    p = personas
    case = _complaint_dispatched_to_x(p)
    client.force_login(p.property_a)
    queue = client.get("/cases/").content.decode()
    assert case.number in queue and _without_traces(queue)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "楼道保洁" in page and _without_traces(page)
    api = bearer(p.property_a)
    listed = api.get("/api/v1/cases").json()["items"]
    assert [c["number"] for c in listed] == [case.number]
    assert _without_traces(str(listed))
    assert _without_traces(str(api.get(f"/api/v1/cases/{case.pk}").json()))
    told = Notification.objects.filter(recipient=p.property_a)
    assert told.exists() and all(_without_traces(n.title + n.body) for n in told)
    # The community worker who dispatched it may still read the whole text.
    client.force_login(p.community_worker)
    assert "1单元101" in client.get(f"/cases/{case.pk}/").content.decode()


@pytest.mark.django_db
def test_the_api_timeline_shows_the_company_no_name_in_actors_or_notes(make, personas):
    p = personas
    case = _complaint_dispatched_to_x(p, note="诉求人张三 13812341234 要求回电")
    events = bearer(p.property_a).get(f"/api/v1/cases/{case.pk}/events").json()
    assert [e["actor"] for e in events][0] == "诉求人"
    assert _without_traces(str(events))
    # The same events as the community worker reads them: the name is there, masked.
    events = bearer(p.community_worker).get(f"/api/v1/cases/{case.pk}/events").json()
    assert events[0]["actor"] == "诉求人 张*"


@pytest.mark.parametrize("term", ["138-1234", "1234", "张三", "1单元101", "101"])
@pytest.mark.django_db
def test_searching_what_the_company_cannot_see_finds_nothing(make, personas, term):
    p = personas
    case = _complaint_dispatched_to_x(p)
    assert list(selectors.case_queue(p.property_a, q=term)) == []
    assert selectors.queue_count(p.property_a, q=term) == 0
    assert bearer(p.property_a).get("/api/v1/cases", {"q": term}).json()["items"] == []
    # What the page shows it is found by; whoever may see the requester finds it by anything.
    assert list(selectors.case_queue(p.property_a, q="楼道保洁")) == [case]
    assert list(selectors.case_queue(p.community_worker, q=term)) == [case]


@pytest.mark.django_db
def test_past_the_check_cap_older_matches_are_left_out_never_shown(make, personas, monkeypatch):
    """Only the UNSEEN_CHECK_CAP most recent matches among cases the company sees masked are
    checked one by one; older ones are left out rather than listed unchecked."""
    from gongzhi.cases import queue_selectors

    p = personas
    oldest, middle, newest = (_complaint_dispatched_to_x(p) for _ in range(3))
    monkeypatch.setattr(queue_selectors, "UNSEEN_CHECK_CAP", 2)
    for term in ("张三", "13812341234", "1单元101"):
        assert list(selectors.case_queue(p.property_a, q=term)) == []
        assert selectors.queue_count(p.property_a, q=term) == 0
    found = list(selectors.case_queue(p.property_a, q="楼道保洁"))
    assert sorted(c.pk for c in found) == sorted([middle.pk, newest.pk])
    assert selectors.queue_count(p.property_a, q="楼道保洁") == 2
    monkeypatch.setattr(queue_selectors, "UNSEEN_CHECK_CAP", 3)  # all of them read: all listed
    assert selectors.queue_count(p.property_a, q="楼道保洁") == 3
    assert oldest in selectors.case_queue(p.property_a, q="楼道保洁")


@pytest.mark.django_db
def test_a_party_member_cannot_find_a_case_by_the_name_it_sees_masked(make, personas):
    p = personas
    case = make.received(content="张三反映：电梯按钮失灵，电话13812341234")
    assert list(selectors.case_queue(p.party_a, q="张三")) == []
    assert list(selectors.case_queue(p.party_a, q="13812341234")) == []
    assert list(selectors.case_queue(p.party_a, q="电梯按钮")) == [case]


CALLER = {"requester_name": "王小明", "requester_phone": "138-0013-8000"}
# The caller's phone and name as staff type them from a call.
AS_TYPED = ("13800138000", "138 0013 8000", "138-0013-8000", "+86 138 0013 8000", "王小明")
# A tail of the number, the number as a masked page shows it, a part of the name.
FRAGMENTS = ("8000", "0013-8000", "138****8000", "小明")


def _callers_complaint(make, p) -> Case:
    return make.dispatched(type=CaseType.COMPLAINT, respondent_company=p.company_x, **CALLER)


@pytest.mark.django_db
def test_staff_find_a_callers_case_by_their_phone_or_full_name(client, make, personas):
    """我上周反映的事怎么样了: the community worker finds the caller's case by the phone or the
    name they give, however it is typed; a tail of the number or a masked one finds nothing."""
    p = personas
    case = _callers_complaint(make, p)
    other = make.received(requester_name="李四", requester_phone="13900139000")
    for q in AS_TYPED:
        assert list(selectors.case_queue(p.community_worker, q=q)) == [case], q
        assert selectors.queue_count(p.community_worker, q=q) == 1, q
    for q in FRAGMENTS:
        assert list(selectors.case_queue(p.community_worker, q=q)) == [], q
    client.force_login(p.community_worker)
    page = client.get("/cases/", {"q": "138 0013 8000"}).content.decode()
    assert case.number in page and other.number not in page
    assert (
        "完整电话号码查找（号码片段不查）" in page
    )  # the search box says what a phone search needs


@pytest.mark.django_db
def test_the_company_complained_about_cannot_search_by_the_callers_phone_or_name(
    client, make, personas
):
    """The complaint is dispatched to company X, yet its staff searching the caller's phone or
    name find nothing, count nothing, and see the same page as for a number nobody gave."""
    p = personas
    case = _callers_complaint(make, p)
    api = bearer(p.property_a)
    client.force_login(p.property_a)
    nobody = client.get("/cases/", {"q": "13700137000"}).content.decode()
    for q in AS_TYPED:
        assert list(selectors.case_queue(p.property_a, q=q)) == [], q
        assert selectors.queue_count(p.property_a, q=q) == 0, q
        assert api.get("/api/v1/cases", {"q": q}).json()["items"] == [], q
        page = client.get("/cases/", {"q": q}).content.decode()
        assert case.number not in page and "没有符合条件的诉求" in page
    assert case.number not in nobody and "没有符合条件的诉求" in nobody
    assert case in selectors.case_queue(p.property_a, q="楼道灯")  # it is theirs to handle
    assert list(selectors.case_queue(p.community_worker, q="13800138000")) == [case]
    # A repair it handles, whose caller it may ring back (can_view_requester), it finds.
    repair = make.dispatched(requester_name="赵六", requester_phone="027-8765 4321")
    for q in ("02787654321", "027-8765-4321", "赵六"):
        assert list(selectors.case_queue(p.property_a, q=q)) == [repair], q


@pytest.mark.django_db
def test_a_phone_finds_the_callers_cases_however_old(make, personas, monkeypatch):
    """A phone number is looked up among all cases (through its index), a name among the cases
    the text search reads; a case filed before the lookup key existed is found once the
    migration's backfill has written it."""
    p = personas
    old = make.received(**CALLER)
    make.received()
    monkeypatch.setattr(queue_selectors, "SEARCH_WINDOW", 1)
    assert list(selectors.case_queue(p.community_worker, q="13800138000")) == [old]
    assert list(selectors.case_queue(p.community_worker, q="王小明")) == []
    Case.objects.filter(pk=old.pk).update(requester_phone_key="")
    assert list(selectors.case_queue(p.community_worker, q="13800138000")) == []
    assert refresh_phone_keys(Case) == 1
    assert list(selectors.case_queue(p.community_worker, q="13800138000")) == [old]


@pytest.mark.django_db
def test_hot_topics_quote_no_number_room_or_name(make, personas):
    p = personas
    for room in ("101", "102", "201"):
        services.case_file(
            actor=p.grid_worker, compound=p.compound_a, channel=Channel.GRID_WORKER,
            type=CaseType.COMPLAINT, title="停车",
            content=f"我是张三住1栋1单元{room}，东门外停车位被外来车辆长期占用，业主没处停车",
            requester_name="张三", requester_phone="13812341234",
        )  # fmt: skip
    now = timezone.now()
    topics = triage_topics.hot_topics_for(
        Case.objects.all(), start=now - dt.timedelta(days=1), end=now + dt.timedelta(hours=1)
    )
    assert topics and "停车位" in topics[0].representative
    assert "张三" not in topics[0].representative and "1单元1" not in topics[0].representative


@pytest.mark.django_db
def test_a_reply_draft_carries_over_no_earlier_requester(make, personas):
    p = personas
    earlier = make.resolved(content="1栋楼道灯坏了一周，晚上看不见路")
    # A reply written before replies were checked for names and rooms.
    Case.objects.filter(pk=earlier.pk).update(
        status="closed",
        closed_at=timezone.now(),
        public_reply="已电话联系张女士（1栋1单元101），维修人员已更换1栋楼道灯，恢复照明。",
    )
    case = make.in_progress(content="1栋楼道灯又坏了，晚上看不见路", requester=p.resident_b)
    draft = triage_topics.reply_draft(Case.objects.all(), case).text
    assert "更换1栋楼道灯" in draft
    assert "张女士" not in draft and "101" not in draft


@pytest.mark.django_db
def test_public_surfaces_drop_names_and_rooms_from_consented_text(make, personas):
    case = make.received(content=CONTENT, is_public=True)
    case.public_reply = "已回复张三（1栋1单元101），保洁已恢复"
    public = selectors.public_case(case)
    assert "楼道保洁" in public.content
    assert _without_traces(public.content + public.title + public.public_reply)
    assert _without_traces(status_notes(case)) and "保洁已恢复" in status_notes(case)
