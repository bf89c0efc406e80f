"""月度研判报告: the figures of one month for one area, as the page shows them.

The street is `monthly_street.build_october` (its docstring counts every expected figure); the
report is read on 15 November 2026, so that its default month is October."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gongzhi.cases.models import Case
from gongzhi.insights.tests.monthly_street import (
    PARKING,
    TODAY,
    WRITER,
    WRITER_PHONE,
    at,
    build_october,
    file,
)
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db
URL = reverse("insights:monthly")


@pytest.fixture
def october(make):
    return build_october(make)


def _get(client, user, **params):
    client.login(username=user.username, password=PASSWORD)
    with time_machine.travel(TODAY, tick=False):
        return client.get(URL, params)


def _rows(rows):
    return {row.label: (row.change.current, row.change.previous) for row in rows}


def test_last_month_by_default_with_last_months_figures_beside_it(client, october):
    response = _get(client, october.p.street_officer)
    assert response.status_code == 200
    report = response.context["report"]
    assert report.month.label == "2026年10月"
    o = report.overview
    # 1 Oct 00:30 and 31 Oct 23:59 local count in October; 30 Sep 23:30 in September (its
    # UTC date is the same as 1 Oct 00:30's), 1 Nov 00:05 in neither.
    assert (o.filed.current, o.filed.previous) == (7, 1)
    # 1 → 7 is no "+600.0%": on fewer than 10 last month the change is in cases
    assert o.filed.growth_text == "—" and o.filed.delta_text == "+6"
    assert o.filed.summary_text == "增减 +6"
    assert (o.closed.current, o.closed.previous) == (1, 0)
    assert o.closed.growth_text == "—"  # nothing to compare with: no ÷0, no "None"
    assert (o.open.current, o.open.previous) == (6, 1)
    assert o.open.summary_text == ""  # still open now: no 环比 against an older month
    rates = {r.column.attr: r for r in o.rates}
    assert (rates["response_rate"].current.num, rates["response_rate"].current.den) == (1, 3)
    assert rates["response_rate"].current.percent == Decimal("33.3")
    assert rates["response_rate"].points_text == "—"  # September dispatched nothing
    assert rates["satisfaction_rate"].current.percent == Decimal("100.0")
    page = response.content.decode()
    assert "南湖测试街道（全街道） · 2026年10月" in page
    assert "2026年10月1日—10月31日受理的诉求" in page
    assert "生成时间：2026-11-15 10:00" in page
    # A print button (static/js/print.js: no inline script under the CSP) and the A4 styles.
    assert 'data-print data-testid="monthly-print"' in page and "js/print.js" in page
    assert "css/print.css" in page
    assert "?month=2026-10&amp;area=all" in page and "format=xlsx" in page


def test_channels_categories_and_risers(client, october):
    report = _get(client, october.p.street_officer).context["report"]
    assert _rows(report.channels) == {"网格员": (4, 0), "12345热线": (2, 1), "线上": (1, 0)}
    assert [r.label for r in report.channels][0] == "网格员"  # most first
    assert str(report.channels[0].share) == "57.1%"
    assert _rows(report.categories) == {
        "未研判": (4, 1),
        "设施设备维修": (2, 0),
        "市政道路": (1, 0),
    }
    # 未研判 rose by 3 but is no category: the backlog has its own figures.
    assert [(r.label, r.change.delta) for r in report.risers] == [
        ("设施设备维修", 2),
        ("市政道路", 1),
    ]


def test_places_and_parties(client, october):
    p = october.p
    report = _get(client, p.street_officer).context["report"]
    assert report.place_title == "社区"
    assert [(r.name, r.metrics.total) for r in report.places] == [("华锦社区", 5), ("宝安社区", 2)]
    assert sum(r.metrics.total for r in report.places) == report.overview.filed.current
    parties = [(r.name, r.metrics.total) for r in report.parties]
    # o2 escalated to 社区: the community holds it now, not the company it came from
    # (metrics.py); o3 went to a department.
    assert parties == [
        (p.company_x.name, 1),
        ("社区承办", 1),
        ("职能部门承办", 1),
        ("暂无承办单位", 4),
    ]
    page = _get(client, p.street_officer).content.decode()
    assert "各承办单位只计本单位经手的部分" in page


def test_a_community_shows_its_compounds_and_a_compound_has_no_rows_below(client, october):
    p = october.p
    report = _get(client, p.street_officer, area=f"community:{p.community1.pk}").context["report"]
    assert report.overview.filed.current == 5
    assert report.place_title == "小区"
    # Every compound of the community, those without a case too, most cases first.
    assert [(r.name, r.metrics.total) for r in report.places] == [("A小区", 4), ("B小区", 1)]
    compound = _get(client, p.street_officer, area=f"compound:{p.compound_c.pk}")
    report = compound.context["report"]
    assert report.overview.filed.current == 2 and report.places == []
    assert [(r.name, r.metrics.total) for r in report.parties] == [("暂无承办单位", 2)]
    assert "所选区域为单个小区" in compound.content.decode()


def test_timeouts_escalations_whistles_and_supervision(client, october):
    report = _get(client, october.p.street_officer).context["report"]
    s = report.supervision
    assert (s.breached.current, s.escalated.current) == (1, 1)
    assert (s.whistled.current, s.supervised.current) == (1, 1)
    assert s.respond_breached.current == 0
    # Past a deadline on 15 Nov: o2 and o3, and the six cases nobody assessed by their 研判期限.
    assert s.overdue_total == 8
    rows = {row.number: row for row in s.overdue}
    unassessed = {c.number for c in (*october.topic, october.o4, october.s1, october.n1)}
    assert set(rows) == {october.o2.number, october.o3.number} | unassessed
    assert {(rows[n].category, rows[n].party) for n in unassessed} == {("未研判", "—")}
    o2 = rows[october.o2.number]
    assert (o2.category, o2.compound, o2.supervised) == ("设施设备维修", "A小区", True)
    assert o2.party == f"社区（原承办：{october.p.company_x.name}）"
    assert rows[october.o3.number].party == "区城管局"
    # Escalated on 5 Oct 10:00 with a new deadline: overdue since then, on 15 Nov 10:00.
    due = october.o2.due_at
    assert o2.days == Decimal((TODAY - due).total_seconds() / 86400).quantize(Decimal("0.1"))
    assert s.overdue[0].days >= s.overdue[-1].days  # longest overdue first


def test_hot_topics_of_the_month_with_places_trend_and_no_contact(client, october):
    response = _get(client, october.p.street_officer)
    topics = response.context["report"].topics
    assert (topics.total, topics.analysed) == (7, 7)
    [topic] = topics.rows
    assert topic.size == 3
    assert topic.place_counts == [("A小区", 2), ("C小区", 1)]
    assert (topic.first_half, topic.second_half) == (2, 1)
    assert "停车" in topic.representative
    page = response.content.decode()
    assert "10月1日—15日 2 件 → 10月16日—31日 1 件" in page
    assert "本月共 7 件诉求（不含重复反映），已全部分析（7 件）" in page


def test_no_requester_name_or_phone_anywhere_on_the_page(client, october):
    for user in (october.p.street_officer, october.p.community_worker, october.p.party_a):
        page = _get(client, user).content.decode()
        for secret in (WRITER, WRITER_PHONE, "张三", "13812341234"):
            assert secret not in page, (user.username, secret)


def test_a_community_worker_reads_their_community_only(client, october):
    p = october.p
    response = _get(client, p.community_worker)
    report = response.context["report"]
    assert report.area.name == "华锦社区"
    assert report.overview.filed.current == 5
    assert [r.name for r in report.places] == ["A小区", "B小区"]
    # t3 (C) is not theirs: their topic is A's two parking complaints.
    assert [t.place_counts for t in report.topics.rows] == [[("A小区", 2)]]
    page = response.content.decode()
    assert "C小区" not in page and "宝安" not in page
    areas = [value for value, _label in response.context["form"].areas.items()]
    assert areas == [f"community:{p.community1.pk}", f"compound:{p.compound_a.pk}",
                     f"compound:{p.compound_b.pk}"]  # fmt: skip


def test_a_party_member_reads_their_compound_only(client, october):
    p = october.p
    report = _get(client, p.party_a).context["report"]
    assert report.area.name == "A小区"
    assert report.overview.filed.current == 4  # o1, o2, t1, t2
    assert report.places == []
    unassessed = {c.number for c in (*october.topic[:2], october.s1, october.n1)}  # 研判期限
    assert {r.number for r in report.supervision.overdue} == {october.o2.number} | unassessed


@pytest.mark.parametrize("who", ["community_worker", "grid_worker", "party_a"])
def test_an_area_outside_the_users_scope_is_refused_without_figures(client, october, who):
    p = october.p
    user = getattr(p, who)
    for area in (f"compound:{p.compound_c.pk}", f"community:{p.community2.pk}", "compound:999999"):
        response = _get(client, user, area=area)
        assert response.status_code == 200
        assert "report" not in response.context
        page = response.content.decode()
        assert "所选区域不在您的查看范围内，请从列表中选择" in page
        assert "C小区" not in page and 'data-testid="monthly-report"' not in page
    if who == "party_a":  # their own compound's community is not theirs to read whole
        response = _get(client, user, area=f"community:{p.community1.pk}")
        assert "所选区域不在您的查看范围内" in response.content.decode()


@pytest.mark.parametrize("who", ["property_a", "resident_a", "committee_a"])
def test_others_are_refused(client, october, who):
    assert _get(client, getattr(october.p, who)).status_code == 403


def test_the_current_month_so_far(client, october):
    report = _get(client, october.p.street_officer, month="2026-11").context["report"]
    assert report.month.label == "2026年11月"
    # Compared with the same days of October (上月同期: 4 of its 7 cases), not all of it.
    assert (report.overview.filed.current, report.overview.filed.previous) == (1, 4)
    assert report.period_label == "2026年11月1日—11月15日"
    assert (report.previous_label, report.previous_heading) == (
        "2026年10月1日—10月15日",
        "上月同期",
    )
    page = _get(client, october.p.street_officer, month="2026-11").content.decode()
    assert "环比对照2026年10月1日—10月15日" in page and "上月同期 4 件" in page
    # The trend splits the days passed (1-15 November), not the whole month.
    assert (report.topics.first_label, report.topics.second_label) == (
        "11月1日—7日",
        "11月8日—15日",
    )


def test_the_query_count_does_not_grow_with_the_cases(client, october):
    p = october.p

    def count() -> int:
        cache.clear()
        client.login(username=p.street_officer.username, password=PASSWORD)
        with time_machine.travel(TODAY, tick=False), CaptureQueriesContext(connection) as q:
            assert client.get(URL).status_code == 200
        return len(q.captured_queries)

    before = count()
    for day, compound in enumerate([p.compound_a, p.compound_b, p.compound_c] * 4, start=2):
        file(p, at(10, day), compound, channel="sentinel", title=f"第{day}件", content=PARKING[0])
    assert count() == before
    assert before <= 40


@pytest.fixture
def counted(monkeypatch):
    """`counted("name")`: a list that grows by one at each call of `monthly.name`."""
    from gongzhi.insights import monthly

    def count(name: str) -> list[int]:
        calls: list[int] = []
        real = getattr(monthly, name)
        monkeypatch.setattr(monthly, name, lambda *a, **kw: calls.append(1) or real(*a, **kw))
        return calls

    return count


def test_a_second_look_reuses_the_topics_until_a_case_is_filed(client, october, counted):
    calls = counted("hot_topics_for")
    p = october.p
    _get(client, p.street_officer)
    _get(client, p.street_officer, format="xlsx")
    assert len(calls) == 1
    file(p, at(10, 30), p.compound_b, title="停车", content=PARKING[1])
    report = _get(client, p.street_officer).context["report"]
    assert len(calls) == 2
    assert report.topics.rows[0].size == 4


def test_times_are_read_in_local_time(client, october):
    """30 Sep 23:30 local is 30 Sep 15:30 UTC: September's, shown on September's report."""
    report = _get(client, october.p.street_officer, month="2026-09").context["report"]
    assert (report.overview.filed.current, report.overview.filed.previous) == (1, 0)
    assert report.overview.filed.growth_text == "—"
    assert october.s1.created_at.astimezone(dt.UTC).date() == dt.date(2026, 9, 30)
    n1 = october.n1.created_at.astimezone(dt.UTC)
    assert n1.date() == dt.date(2026, 10, 31)  # UTC still October; local November


def test_the_report_is_kept_until_a_case_of_the_month_moves(client, october, counted):
    """The Excel file after the page is not counted again; closing one of the month's cases
    is in the next look."""
    calls = counted("monthly_report")
    p = october.p
    _get(client, p.street_officer)
    _get(client, p.street_officer, format="xlsx")
    assert len(calls) == 1
    case = Case.objects.filter(created_at__month=10).exclude(status="merged").first()
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
    _get(client, p.street_officer)
    assert len(calls) == 2
