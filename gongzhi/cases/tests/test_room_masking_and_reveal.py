"""G1 beside a complaint: whoever reads its requester masked reads no room (the 楼盘表 would name
them), on the case page, in the API and in the queue's search; 查看联系方式 is a POST, audited
once, and a prefetched GET reveals nothing. Also the words of the pages the audit of a party
member and a grid worker found: the home page's community, the search help, the intake intro
and the SLA class's name on English pages."""

import re
from unittest import mock

import pytest
from django.test import Client

from gongzhi.api.tests.conftest import bearer
from gongzhi.cases import selectors
from gongzhi.cases.choices import CaseType
from gongzhi.cases.models import Case, SlaPolicy
from gongzhi.cases.tests.test_tracking import signed_in
from gongzhi.core.models import AuditRecord

pytestmark = pytest.mark.django_db

PHONE = "13812341234"  # resident_a's, who lives in A小区 1栋 1单元101
ADDRESS = "1栋1单元101门口"


def _filed(make, type: str = CaseType.COMPLAINT) -> Case:
    p = make.p
    return make.dispatched(
        type=type, building=p.building_a, unit=p.unit_a, address=ADDRESS, content="门口堆满杂物"
    )


def _place(page: str) -> str:
    """位置 on the staff case page."""
    return re.search(r"位置</dt><dd[^>]*>(.*?)</dd>", page, re.S)[1]


def _pii_views(user) -> int:
    return AuditRecord.objects.filter(action="pii.view", actor=user).count()


@pytest.mark.parametrize("kind", ["complaint", "report", "names_a_company"])
def test_no_one_reading_the_requester_masked_reads_the_room_beside_a_complaint(make, kind) -> None:
    """The desk and the grid before they reveal, a party member on a case naming a company (they
    may never reveal): 1栋 1单元, never 101, on the page and in the API."""
    p = make.p
    case = _filed(make, CaseType.HELP if kind == "names_a_company" else kind)
    if kind == "names_a_company":
        Case.objects.filter(pk=case.pk).update(respondent_company=p.company_x)
    viewers = [p.community_worker, p.grid_worker, p.street_officer]
    viewers += [p.party_a] if kind == "names_a_company" else []
    for viewer in viewers:
        page = signed_in(viewer).get(f"/cases/{case.pk}/").content.decode()
        place = _place(page)
        assert "1栋 1单元" in place and "101" not in place, viewer
        assert "门口" in place, viewer  # the rest of the address: where the work is
        assert "张*" in page, viewer  # the requester, masked
        api = bearer(viewer).get(f"/api/v1/cases/{case.pk}").json()
        assert "101" not in api["address"] and "门口" in api["address"], viewer
        assert api["requester"]["masked"], viewer
    # Whoever reads no trace of the requester (the company, a party member on a complaint)
    # reads the compound alone, as before.
    for viewer in (p.party_a, p.property_a):
        assert "101" not in _place(signed_in(viewer).get(f"/cases/{case.pk}/").content.decode())
    # The requester reads their own room; a repair accuses nobody: its room is where the work is.
    assert bearer(p.resident_a).get(f"/api/v1/cases/{case.pk}").json()["address"] == ADDRESS
    repair = _filed(make, CaseType.HELP)
    page = signed_in(p.party_a).get(f"/cases/{repair.pk}/").content.decode()
    assert "1栋 1单元101" in _place(page)
    assert bearer(p.party_a).get(f"/api/v1/cases/{repair.pk}").json()["address"] == ADDRESS


def test_a_grid_worker_sees_the_room_once_they_reveal_the_requester(make) -> None:
    p = make.p
    case = _filed(make)
    client = signed_in(p.grid_worker)
    masked = client.get(f"/cases/{case.pk}/").content.decode()
    assert "101" not in _place(masked) and "1单元" in _place(masked)
    assert 'data-testid="reveal"' in masked and _pii_views(p.grid_worker) == 0
    revealed = client.post(f"/cases/{case.pk}/", {"reveal": "1"}).content.decode()
    assert "1栋 1单元101" in _place(revealed) and PHONE in revealed
    assert _pii_views(p.grid_worker) == 1  # once per reveal


def test_the_queue_search_finds_no_complaint_by_the_room_it_hides(make) -> None:
    """Searching "101" must not list to a party member the case naming company X filed from
    101, whose room its page hides from them."""
    p = make.p
    case = _filed(make, CaseType.HELP)
    Case.objects.filter(pk=case.pk).update(respondent_company=p.company_x)
    assert list(selectors.case_queue(p.party_a, q="101")) == []
    assert list(selectors.case_queue(p.party_a, q="门口")) == [case]
    assert list(selectors.case_queue(p.community_worker, q="101")) == [case]


def test_the_reveal_is_a_post_and_a_prefetched_link_reveals_nothing(make) -> None:
    p = make.p
    case = _filed(make, CaseType.HELP)
    client = signed_in(p.community_worker)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    form = re.search(r'<form method="post"[^>]*>(?:(?!</form>).)*data-testid="reveal"', page, re.S)
    assert form and "csrfmiddlewaretoken" in form[0] and 'name="reveal"' in form[0]
    assert "?reveal=1" not in page
    for headers in ({}, {"Sec-Purpose": "prefetch"}, {"Purpose": "prefetch"}):
        shown = client.get(f"/cases/{case.pk}/?reveal=1", headers=headers).content.decode()
        assert PHONE not in shown and "138****1234" in shown
    assert _pii_views(p.community_worker) == 0
    revealed = client.post(f"/cases/{case.pk}/", {"reveal": "1"}).content.decode()
    assert PHONE in revealed and 'data-testid="reveal"' not in revealed
    assert _pii_views(p.community_worker) == 1
    strict = Client(enforce_csrf_checks=True)  # the form's token is required
    strict.force_login(p.community_worker)
    assert strict.post(f"/cases/{case.pk}/", {"reveal": "1"}).status_code == 403
    assert _pii_views(p.community_worker) == 1


def test_the_home_page_names_the_community_as_staff_pages_do(personas) -> None:
    for user, where in (
        (personas.grid_worker, "南湖测试街道 / 华锦社区"),
        (personas.party_a, "南湖测试街道 / 华锦社区 / A小区"),
    ):
        client = signed_in(user)
        assert where in client.get("/").content.decode(), user
        client.cookies["django_language"] = "en"
        english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert where.replace("华锦社区", "华锦 Community") in english, user


def test_the_search_help_is_only_for_who_may_search_by_requester(personas) -> None:
    help_text = "可按诉求人全名或完整电话号码查找（号码片段不查）"
    assert help_text not in signed_in(personas.party_a).get("/cases/").content.decode()
    assert help_text in signed_in(personas.grid_worker).get("/cases/").content.decode()


def test_the_intake_intro_lists_the_users_own_channels(personas) -> None:
    page = signed_in(personas.grid_worker).get("/cases/intake/").content.decode()
    intro = re.search(r'data-testid="intake-intro">(.*?)</p>', page, re.S)[1]
    assert "网格员、民情前哨、巡查、来访、来电" in intro
    assert "上级交办" not in intro and "12345" not in intro
    desk = signed_in(personas.community_worker).get("/cases/intake/").content.decode()
    assert "上级交办" in re.search(r'data-testid="intake-intro">(.*?)</p>', desk, re.S)[1]


def test_a_default_sla_class_name_is_translated_a_renamed_one_is_not(make) -> None:
    """The class's name is passed to the catalogue only while it is a default one (the English
    text itself is the .po's)."""
    p = make.p
    case = _filed(make, CaseType.HELP)
    client = signed_in(p.community_worker)
    marked = "gongzhi.cases.config_selectors.gettext"
    with mock.patch(marked, lambda text: f"EN[{text}]"):
        page = client.get(f"/cases/{case.pk}/").content.decode()
        assert "EN[物业类（15分钟响应、24小时处置）]" in page
        SlaPolicy.objects.filter(code="property").update(name="物业类（街道自定）")
        page = client.get(f"/cases/{case.pk}/").content.decode()
        assert "物业类（街道自定）" in page and "EN[" not in page
