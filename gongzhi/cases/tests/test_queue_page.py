"""The 工作台 as staff use it: who sees 办理指标, which rows can be ticked for 批量交办, why a
case came back, and searching several words."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gongzhi.cases import services
from gongzhi.cases.choices import CaseType, Level
from gongzhi.cases.models import Case
from gongzhi.cases.queue_rows import may_dispatch
from gongzhi.cases.selectors import allowed_actions
from gongzhi.cases.workflow import Action, Status
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

REASON = "属于供电公司的线路"


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _ticked(page: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'name="cases" value="(\d+):', page)}


def _returned(make, personas, reason: str = REASON, **kw) -> Case:
    case = make.dispatched(**kw)
    return services.case_return(case=case, actor=personas.property_a, reason=reason)


def test_only_those_who_may_read_the_metrics_get_the_button(personas) -> None:
    readers = (("community_worker", True), ("grid_worker", True), ("party_a", True))
    for who, shown in (*readers, ("property_a", False)):
        page = _client(getattr(personas, who)).get("/cases/").content.decode()
        assert ('data-testid="metrics-link"' in page) is shown, who


def test_only_rows_that_can_be_dispatched_get_a_checkbox(make, personas) -> None:
    received, assessed, dispatched = make.received(), make.assessed(), make.dispatched()
    returned = _returned(make, personas)
    page = _client(personas.community_worker).get("/cases/").content.decode()
    assert _ticked(page) == {assessed.pk, returned.pk}
    assert received.number in page and dispatched.number in page  # listed, not tickable


def test_no_bulk_bar_when_nothing_on_the_page_can_be_dispatched(make, personas) -> None:
    make.received()
    make.dispatched()
    page = _client(personas.community_worker).get("/cases/").content.decode()
    assert 'data-testid="bulk-dispatch"' not in page and not _ticked(page)


@pytest.mark.parametrize("state", ["received", "assessed", "dispatched", "returned"])
def test_the_checkbox_follows_the_dispatch_button(make, personas, state) -> None:
    case = _returned(make, personas) if state == "returned" else getattr(make, state)()
    case = Case.objects.select_related("compound").get(pk=case.pk)
    for who in ("community_worker", "grid_worker", "property_a"):
        user = getattr(personas, who)
        assert may_dispatch(user, case) == (Action.DISPATCH in allowed_actions(user, case))


def test_bulk_dispatch_does_not_send_a_case_back_to_the_company_that_returned_it(
    make, personas
) -> None:
    returned = _returned(make, personas)
    other = make.assessed()
    client = _client(personas.community_worker)
    response = client.post(
        "/cases/bulk-dispatch",
        {
            "cases": [f"{c.pk}:{c.version}" for c in (returned, other)],
            "target": f"company:{personas.company_x.pk}",
        },
        follow=True,
    )
    page = response.content.decode()
    assert f"已交办 1 件：{other.number}" in page
    assert f"{returned.number}：{personas.company_x.name} 刚退回此诉求" in page
    assert REASON in page
    assert Case.objects.get(pk=returned.pk).status == Status.RETURNED

    returned.refresh_from_db()
    response = client.post(
        "/cases/bulk-dispatch",
        {"cases": [f"{returned.pk}:{returned.version}"], "target": Level.COMMUNITY},
        follow=True,
    )
    assert f"已交办 1 件：{returned.number}" in response.content.decode()


def test_a_returned_row_says_why_it_came_back(make, personas) -> None:
    returned = _returned(make, personas)
    page = _client(personas.community_worker).get("/cases/").content.decode()
    row = page[page.index(returned.number) - 2000 : page.index(returned.number) + 2000]
    assert f"退单理由：非本单位职责：{REASON}" in row
    page = _client(personas.community_worker).get(f"/cases/{returned.pk}/").content.decode()
    assert 'data-testid="return-reason"' in page and REASON in page


def test_the_latest_return_reason_is_shown(make, personas) -> None:
    p = personas
    case = _returned(make, p, reason="第一次：属于市政管网")
    services.case_assess(
        case=case, actor=p.community_worker, category="repair", sla_class="property",
        urgency="normal",
    )  # fmt: skip
    services.case_dispatch(
        case=case, actor=p.community_worker, level=Level.COMPOUND, company=p.company_x
    )
    services.case_return(case=case, actor=p.property_a, reason="第二次：属于供电公司的线路")
    page = _client(p.community_worker).get("/cases/").content.decode()
    assert "第二次：属于供电公司的线路" in page and "第一次" not in page


def test_return_reasons_cost_one_query_per_page_however_many(make, personas) -> None:
    def queries() -> int:
        client = _client(personas.community_worker)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/cases/").status_code == 200
        return len(captured)

    _returned(make, personas)
    with_one = queries()
    for _ in range(3):
        _returned(make, personas)
    assert queries() == with_one


def test_several_words_all_have_to_match(make, personas) -> None:
    broken = make.received(title="单元门禁坏了", content="2栋1单元门禁打不开")
    make.received(title="门禁卡丢了", content="补办门禁卡")
    client = _client(personas.community_worker)
    page = client.get("/cases/", {"q": "门禁 坏"}).content.decode()
    assert broken.number in page and "门禁卡丢了" not in page
    page = client.get("/cases/", {"q": "门禁\u3000打不开"}).content.decode()  # ideographic space
    assert broken.number in page
    page = client.get("/cases/", {"q": "门禁 电梯"}).content.decode()
    assert "没有符合条件的诉求" in page
    assert broken.number in client.get("/cases/", {"q": broken.number}).content.decode()


def test_a_hotline_work_order_number_finds_its_case(make, personas) -> None:
    """A caller quotes the 12345 工单编号, which is in no text of the case: it finds its case,
    and only it (not one whose text merely mentions another order)."""
    case = make.received(title="楼道灯不亮", external_order_no="WH12345-2611-0001")
    other = make.received(title="电梯异响", content="工单WH12345-2611-0002反映电梯异响")
    client = _client(personas.community_worker)
    page = client.get("/cases/", {"q": " WH12345-2611-0001 "}).content.decode()
    assert case.number in page and other.number not in page
    page = client.get("/cases/", {"q": "WH12345-2611-0009"}).content.decode()
    assert "没有符合条件的诉求" in page
    assert case.number in client.get("/cases/", {"q": case.number}).content.decode()


def test_several_words_never_reveal_what_the_viewer_may_not_see(make, personas) -> None:
    case = make.dispatched(type=CaseType.COMPLAINT, content="物业不作为，请联系我13812341234")
    client = _client(personas.property_a)
    assert case.number in client.get("/cases/", {"q": "物业 不作为"}).content.decode()
    page = client.get("/cases/", {"q": "物业 13812341234"}).content.decode()
    assert case.number not in page and "没有符合条件的诉求" in page
    staff = _client(personas.community_worker)
    assert case.number in staff.get("/cases/", {"q": "物业 13812341234"}).content.decode()


def test_an_empty_tab_points_to_the_matches_in_every_case(make, personas) -> None:
    case = make.received(type=CaseType.CONSULTATION, title="物业费标准咨询")
    services.case_answer(case=case, actor=personas.community_worker, reply="每月每平方米1.8元。")
    client = _client(personas.community_worker)
    page = client.get("/cases/", {"q": "物业费 标准"}).content.decode()
    assert "没有符合条件的诉求" in page and "「全部」中有 1 条匹配" in page
    link = re.search(r'href="(\?[^"]+)" data-testid="search-elsewhere"', page).group(1)
    assert "bucket=all" in link
    page = client.get("/cases/" + link.replace("&amp;", "&")).content.decode()
    assert case.number in page and 'data-testid="search-elsewhere"' not in page
    page = client.get("/cases/", {"q": "电梯"}).content.decode()
    assert 'data-testid="search-elsewhere"' not in page  # nothing anywhere: no link


def test_the_todo_tab_keeps_the_other_filters_and_the_urgency_order(make, personas) -> None:
    """待我处理 is read another way on PostgreSQL (the full queue index): the channel filter
    still applies, and the most urgent case still comes first."""
    from gongzhi.cases.choices import Channel, Urgency

    hotline = make.received(channel=Channel.HOTLINE_12345, title="热线反映路灯不亮")
    visit = make.received(channel=Channel.VISIT, title="来访反映楼道堆物")
    urgent = make.received(channel=Channel.VISIT, title="来访反映电梯困人")
    services.case_assess(
        case=urgent,
        actor=personas.community_worker,
        category="elevator",
        sla_class="emergency",
        urgency=Urgency.CRITICAL,
    )
    client = Client()
    client.login(username=personas.community_worker.username, password=PASSWORD)
    page = client.get("/cases/?bucket=todo&channel=visit").content.decode()
    assert hotline.number not in page
    assert visit.number in page and urgent.number in page
    assert page.index(urgent.number) < page.index(visit.number)
