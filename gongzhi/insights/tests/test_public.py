"""透明小区: a street's figures and its published cases, for anyone without logging in (S9)."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongzhi.cases import services
from gongzhi.cases.models import Case
from gongzhi.cases.workflow import Status

pytestmark = pytest.mark.django_db
# Read on 15 November; the cases are filed in October (local time) unless said otherwise.
TODAY = dt.datetime(2026, 11, 15, 10, 0, tzinfo=dt.UTC)
OCTOBER = dt.datetime(2026, 10, 10, 2, 0, tzinfo=dt.UTC)
WRITER_PHONE = "13912345678"


def _at(when, build):
    with time_machine.travel(when, tick=False):
        return build()


def _publish(case: Case) -> Case:
    Case.objects.filter(pk=case.pk).update(is_public=True)
    case.refresh_from_db()
    return case


def _closed(make, *, resolved=True, level="satisfied", **kw) -> Case:
    def build():
        case = make.resolved(**kw)
        return services.case_visit(
            case=case, actor=make.p.community_worker, resolved=resolved, level=level, via="phone"
        )

    return _at(OCTOBER, build)


def _street_page(client, p, **params):
    with time_machine.travel(TODAY, tick=False):
        return client.get(reverse("public:street", args=[p.street.code]), params)


def test_a_month_of_figures_per_community_for_anyone(client, make):
    p = make.p
    _closed(make)  # 华锦 (compound A): closed on time, resolved and satisfied
    _closed(make, resolved=False, level="dissatisfied")  # reopened: not closed
    _at(OCTOBER, lambda: make.received(compound=p.compound_c))  # the other community
    _at(TODAY, lambda: make.received())  # November: not October's
    response = _street_page(client, p)  # anonymous; last month by default
    assert response.status_code == 200
    assert response.context["month"].label == "2026年10月"
    assert '<option value="2026-10" selected>' in response.content.decode()  # as the list says
    rows = {r.name: r for r in response.context["rows"]}
    huajin = rows["华锦社区"]  # as the staff pages name it (stored as 华锦)
    assert (huajin.filed, huajin.closed) == (2, 1)
    assert str(huajin.on_time_rate) == "100.0%"
    assert (huajin.satisfaction_rate.num, huajin.satisfaction_rate.den) == (1, 2)
    assert (huajin.resolution_rate.num, huajin.resolution_rate.den) == (1, 2)
    other = rows["宝安社区"]
    assert (other.filed, other.closed, str(other.satisfaction_rate)) == (1, 0, "—")
    total = response.context["total"]
    assert (total.filed, total.closed) == (3, 1)
    assert (total.satisfaction_rate.num, total.satisfaction_rate.den) == (1, 2)
    page = response.content.decode()
    assert "50.0%" in page and "全街道合计" in page


def test_no_person_appears_on_the_figures_page(client, make):
    _closed(make, requester_name="王小明", requester_phone=WRITER_PHONE)
    page = _street_page(client, make.p).content.decode()
    assert WRITER_PHONE not in page and "王小明" not in page
    assert make.p.resident_a.person.name not in page


def test_a_month_not_offered_is_refused_in_chinese_with_no_figures(client, make):
    _closed(make)
    for month in ("2024-01", "2026-13", "abc"):
        response = _street_page(client, make.p, month=month)
        assert response.status_code == 200
        assert "只能查看2025年11月至2026年11月的数据" in response.content.decode()
        assert response.context["rows"] == []


def test_an_unknown_street_is_not_found(client, make):
    assert client.get(reverse("public:street", args=["no-such-street"])).status_code == 404
    assert client.get(reverse("public:cases", args=["no-such-street"])).status_code == 404


def test_the_figures_of_a_month_are_counted_once_per_ten_minutes(client, make):
    _closed(make)
    cache.clear()
    _street_page(client, make.p)
    with CaptureQueriesContext(connection) as again:
        _street_page(client, make.p)
    _at(OCTOBER, lambda: make.received())  # a late-recorded October case
    assert _street_page(client, make.p).context["total"].filed == 1  # still the counted figure
    with CaptureQueriesContext(connection) as first:
        cache.clear()
        response = _street_page(client, make.p)
    assert response.context["total"].filed == 2
    assert len(again) < len(first)


# --- 诉求公开 -----------------------------------------------------------------------------------


def _list(client, p, **params):
    return client.get(reverse("public:cases", args=[p.street.code]), params)


def test_only_published_assessed_cases_are_listed_newest_first(client, make):
    p = make.p
    closed = _publish(_closed(make, title="东门路灯不亮"))
    working = _publish(make.dispatched(title="单元门禁坏了"))
    _publish(make.received(title="刚刚提交还没研判"))  # nobody has read it yet
    make.dispatched(title="不愿公开的诉求")  # the requester did not agree
    repeat = make.received(title="重复反映路灯", duplicate_of=working)
    _publish(repeat)  # a repeat merged into another case is not listed on its own
    response = _list(client, p)
    assert response.status_code == 200
    numbers = [row.case.number for row in response.context["page"]]
    assert numbers == [working.number, closed.number]
    page = response.content.decode()
    assert "刚刚提交还没研判" not in page and "不愿公开的诉求" not in page
    assert "共 2 件" in page


def test_filters_by_community_category_and_state(client, make):
    p = make.p
    closed = _publish(_closed(make))
    working = _publish(make.dispatched())
    other = _publish(make.dispatched(compound=p.compound_c))

    def numbers(**params):
        return [r.case.number for r in _list(client, p, **params).context["page"]]

    assert numbers(community=p.community1.pk) == [working.number, closed.number]
    assert numbers(community=p.community2.pk) == [other.number]
    assert numbers(state="closed") == [closed.number]
    assert numbers(state="in_progress") == [other.number, working.number]
    assert numbers(category="repair") == [other.number, working.number, closed.number]
    assert numbers(category="noise") == []


@pytest.mark.parametrize(
    "params", [{"community": "999999"}, {"community": "x"}, {"state": "secret"}, {"category": "?"}]
)
def test_a_filter_not_offered_is_refused_and_lists_nothing(client, make, params):
    _publish(make.dispatched())
    response = _list(client, make.p, **params)
    assert response.status_code == 200
    assert "筛选条件无效，请从列表中选择。" in response.content.decode()
    assert response.context["page"] is None


def test_a_published_case_shows_its_reply_and_no_person(client, make):
    p = make.p
    case = _closed(
        make,
        title="26栋2507业主反映楼道灯不亮",
        content=f"我是王小明，电话{WRITER_PHONE}，26栋2507门口的灯坏了",
        requester_name="王小明",
        requester_phone=WRITER_PHONE,
    )
    _publish(case)
    response = client.get(reverse("public:case", args=[p.street.code, case.number]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "已更换楼道灯，恢复照明。" in page  # the public reply
    assert "门口的灯坏了" in page  # the content: its requester agreed to publish it
    for personal in (WRITER_PHONE, "王小明", "2507", p.resident_a.person.name):
        assert personal not in page
    listed = _list(client, p).content.decode()
    assert WRITER_PHONE not in listed and "2507" not in listed and "王小明" not in listed


def test_a_case_in_progress_shows_no_reply_yet(client, make):
    case = _publish(make.dispatched())
    page = client.get(reverse("public:case", args=[make.p.street.code, case.number]))
    assert "正在办理中，办结后在此公开办理结果。" in page.content.decode()


def test_an_unpublished_or_foreign_case_is_not_found_alike(client, make):
    p = make.p
    private = make.dispatched()
    fresh = _publish(make.received())
    merged = _publish(make.received(duplicate_of=_publish(make.dispatched())))
    for case in (private, fresh, merged):
        url = reverse("public:case", args=[p.street.code, case.number])
        assert client.get(url).status_code == 404
    assert private.status != Status.MERGED and merged.status == Status.MERGED
    assert client.get(reverse("public:case", args=[p.street.code, "NH000"])).status_code == 404


def test_the_public_pages_and_open311_publish_the_same_cases(client, make):
    """One rule for every public surface: assessed and not yet closed (including 处置 awaiting
    its return visit) or closed; never a case nobody has assessed yet."""
    p = make.p
    resolved = _publish(make.resolved(title="处置完毕待回访"))
    working = _publish(make.dispatched(title="办理中的诉求"))
    unread = _publish(make.received(title="刚刚提交还没研判"))
    listed = [row.case.number for row in _list(client, p).context["page"]]
    assert listed == [working.number, resolved.number]
    page = client.get(reverse("public:case", args=[p.street.code, resolved.number]))
    assert page.status_code == 200 and "处置完毕待回访" in page.content.decode()
    open311 = client.get("/open311/v2/requests.json").json()
    assert sorted(row["service_request_id"] for row in open311) == sorted([resolved.pk, working.pk])
    assert client.get(f"/open311/v2/requests/{unread.pk}.json").status_code == 404


@pytest.mark.parametrize("first, then", [("en", "zh-hans"), ("zh-hans", "en")])
def test_each_reader_sees_the_places_in_their_own_language(client, make, first, then):
    """The places table is cached for every reader (no language in its key): the second
    reader must not get the first reader's words (华锦 Community to a Chinese reader)."""
    p = make.p
    cache.clear()
    names = {}
    for language in (first, then):
        with time_machine.travel(TODAY, tick=False):
            response = client.get(
                reverse("public:street", args=[p.street.code]), HTTP_ACCEPT_LANGUAGE=language
            )
        assert response.status_code == 200
        names[language] = {row.name for row in response.context["places"]}
    assert "华锦社区" in names["zh-hans"]
    assert "华锦 Community" in names["en"]
    assert not any("Community" in name for name in names["zh-hans"])
