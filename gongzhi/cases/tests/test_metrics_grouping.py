"""S8 metrics by compound, community and party, for a period; the page, its errors and its Excel.

The street below is built by hand on 2026-11-20 (local); every expected figure is counted from
its comments, not read back from the code.

    A小区 (华锦, company X): a1 closed, 满意, on time · a2 closed, 基本满意, breached once ·
          a3 returned by X (never signed for) · a4 signed for late · a5 repeat of a4
    B小区 (华锦, company Y): b1 visited 不满意 unresolved → reopened · b2 received only
    C小区 (宝安, company X): c1 closed, 非常满意, on time · c2 dispatched to the community, unsigned

By party, X keeps its 退单 of a3 (the case now waits with nobody) and a5 counts with a4, the case
it repeats; tests/test_metrics_attribution.py pins cases that move between parties.
"""

import datetime as dt
import html
import io
import json
import re
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from gongzhi.cases import metrics, services
from gongzhi.cases.choices import CaseType, Category, Channel, Level, RatingLevel, SlaClass, Urgency
from gongzhi.cases.forms import MetricsFilterForm
from gongzhi.cases.models import Case
from gongzhi.cases.periods import Period, Preset, preset_period
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db
NOW = "2026-11-20 10:00:00+08:00"
RATES = [r.attr for r in metrics.RATES]
NONE = None  # a rate without a denominator


def _visit(case, actor, resolved, level):
    return services.case_visit(case=case, actor=actor, resolved=resolved, level=level, via="phone")


@pytest.fixture
def street(personas, make):
    """The hand-built street of the module docstring, filed on 2026-11-20."""
    p = personas
    with time_machine.travel(NOW, tick=True):
        a1 = make.resolved()
        _visit(a1, p.grid_worker, True, RatingLevel.SATISFIED)
        a2 = make.resolved()
        Case.objects.filter(pk=a2.pk).update(breach_count=1)
        a2.refresh_from_db()
        _visit(a2, p.grid_worker, True, RatingLevel.BASIC)
        a3 = make.dispatched()
        services.case_return(case=a3, actor=p.property_a, reason="属于市政道路，非物业职责")
        a4 = make.dispatched()
        with time_machine.travel(a4.respond_due_at + dt.timedelta(minutes=1), tick=True):
            services.case_accept(case=a4, actor=p.property_a)
        services.case_file(
            actor=p.grid_worker, compound=p.compound_a, channel=Channel.HOTLINE_12345,
            type=CaseType.HELP, title="重复", content="同上", duplicate_of=a4,
        )  # fmt: skip
        b1 = make.resolved(compound=p.compound_b, requester=p.resident_b)
        _visit(b1, p.grid_worker, False, RatingLevel.DISSATISFIED)
        make.received(compound=p.compound_b, requester=p.resident_b)
        c1 = make.resolved(compound=p.compound_c, requester=None)
        _visit(c1, p.street_officer, True, RatingLevel.VERY_SATISFIED)
        c2 = make.received(compound=p.compound_c, requester=None)
        services.case_assess(
            case=c2, actor=p.street_officer, category=Category.REPAIR,
            sla_class=SlaClass.GENERAL, urgency=Urgency.NORMAL,
        )  # fmt: skip
        services.case_dispatch(case=c2, actor=p.street_officer, level=Level.COMMUNITY)
    return p


def _pairs(m: metrics.CaseMetrics) -> list:
    """(total, then (num, den) of each rate, None where there is no denominator)."""
    pairs = [m.total]
    for attr in RATES:
        ratio = getattr(m, attr)
        pairs.append((ratio.num, ratio.den) if ratio.den else NONE)
    return pairs


#           total  响应     解决     满意     按时办结  退单     重复
A = [5, (2, 4), (2, 2), (2, 2), (1, 2), (1, 4), (1, 5)]
B = [2, (1, 1), (0, 1), (0, 1), NONE, (0, 1), (0, 2)]
C = [2, (1, 2), (1, 1), (1, 1), (1, 1), (0, 2), (0, 2)]
HUAJIN = [7, (3, 5), (2, 3), (2, 3), (1, 2), (1, 5), (1, 7)]  # A + B
# Per party: held a1 a2 a4 c1 (+ a5, repeat of a4); dispatched a1 a2 a3 a4 c1, a3 returned.
X = [5, (3, 5), (3, 3), (3, 3), (2, 3), (1, 5), (1, 5)]
Y = [1, (1, 1), (0, 1), (0, 1), NONE, (0, 1), (0, 1)]  # b1 (reopened, still Y's)
BY_COMMUNITY = [1, (0, 1), NONE, NONE, NONE, (0, 1), (0, 1)]  # c2
NO_PARTY = [2, NONE, NONE, NONE, NONE, NONE, (0, 2)]  # a3 returned and waiting, b2 new


def test_pinned_rates_per_compound_community_and_party(street) -> None:
    officer = street.street_officer
    by = {g: metrics.metrics_by(officer, group=g) for g in metrics.Grouping.values}
    assert [(g.name, _pairs(m)) for g, m in by["compound"]] == [
        ("A小区", A), ("B小区", B), ("C小区", C),
    ]  # fmt: skip
    assert [(g.name, _pairs(m)) for g, m in by["community"]] == [("华锦", HUAJIN), ("宝安", C)]
    assert [(g.name, _pairs(m)) for g, m in by["party"]] == [
        ("测试物业X有限公司", X), ("测试物业Y有限公司", Y),
        ("社区承办", BY_COMMUNITY), ("暂无承办单位", NO_PARTY),
    ]  # fmt: skip
    # Every case in exactly one row of 小区 and 社区: they add up to the street's total; by
    # party only the number of cases does (a case may count for several parties).
    total = metrics.case_metrics(officer)
    for group, rows in by.items():
        assert sum(m.total for _g, m in rows) == total.total == 9
        for attr in RATES if group != "party" else ["response_rate"]:
            assert sum(getattr(m, attr).num for _g, m in rows) == getattr(total, attr).num
            assert sum(getattr(m, attr).den for _g, m in rows) == getattr(total, attr).den
    x = by["party"][0][1]
    assert x.on_time_rate.percent == Decimal("66.7") and str(x.response_rate) == "60.0%"


def test_a_community_worker_and_a_party_branch_see_only_their_own_rows(street) -> None:
    worker = street.community_worker  # 华锦: compounds A and B
    community = metrics.metrics_by(worker, group="community")
    assert [(g.name, _pairs(m)) for g, m in community] == [("华锦", HUAJIN)]
    party = metrics.metrics_by(worker, group="party")
    assert [(g.name, m.total) for g, m in party] == [
        ("测试物业X有限公司", 4), ("测试物业Y有限公司", 1), ("暂无承办单位", 2),
    ]  # fmt: skip
    # Not X's case in 宝安, nor the case the 宝安 community handles itself.
    branch = metrics.metrics_by(street.party_a, group="compound")
    assert [(g.name, _pairs(m)) for g, m in branch] == [("A小区", A)]


def test_each_grouping_costs_three_queries_whatever_the_number_of_cases(
    street, make, django_assert_num_queries
) -> None:
    officer = street.street_officer
    metrics.case_metrics(officer)  # warm the scope cache
    for group in metrics.Grouping.values:
        with django_assert_num_queries(4):
            metrics.metrics_by(officer, group=group)
    for _ in range(3):
        make.dispatched(compound=street.compound_b, requester=street.resident_b)
    for group in metrics.Grouping.values:
        with django_assert_num_queries(4):
            metrics.metrics_by(officer, group=group)


# --- Periods -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preset", "today", "first", "last"),
    [
        (Preset.LAST_MONTH, "2026-01-15", "2025-12-01", "2025-12-31"),
        (Preset.LAST_MONTH, "2026-03-31", "2026-02-01", "2026-02-28"),
        (Preset.THIS_MONTH, "2028-02-10", "2028-02-01", "2028-02-29"),
        (Preset.THIS_QUARTER, "2026-11-30", "2026-10-01", "2026-12-31"),
        (Preset.THIS_QUARTER, "2026-02-10", "2026-01-01", "2026-03-31"),
        (Preset.THIS_QUARTER, "2026-06-30", "2026-04-01", "2026-06-30"),
        (Preset.THIS_YEAR, "2026-07-04", "2026-01-01", "2026-12-31"),
    ],
)
def test_quick_periods_are_whole_calendar_units(preset, today, first, last) -> None:
    day = dt.date.fromisoformat
    assert preset_period(preset, day(today)) == Period(day(first), day(last))


def test_a_period_is_local_days_and_says_so() -> None:
    december = Period(dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    start, end = december.bounds()
    assert start.astimezone(dt.UTC) == dt.datetime(2025, 11, 30, 16, 0, tzinfo=dt.UTC)
    assert end.astimezone(dt.UTC) == dt.datetime(2025, 12, 31, 16, 0, tzinfo=dt.UTC)
    assert december.label == "2025年12月1日—12月31日"
    assert Period(dt.date(2025, 12, 1), dt.date(2026, 1, 31)).label == "2025年12月1日—2026年1月31日"
    assert Period(dt.date(2026, 11, 5), dt.date(2026, 11, 5)).label == "2026年11月5日"


def test_the_form_turns_a_quick_choice_into_its_days(personas) -> None:
    form = MetricsFilterForm(
        {"period": "last_month", "start": "2020-01-01", "end": "2020-01-31"},
        communities=[personas.community1],
        today=dt.date(2026, 1, 15),
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["range"] == Period(dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    assert 'value="2025-12-01"' in str(form["start"])  # the dates shown are the quick choice's
    assert MetricsFilterForm({}, communities=[], today=dt.date(2026, 1, 15)).is_valid()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=custom&start=2026-11-30&end=2026-11-01", "结束日期不能早于开始日期"),
        ("start=2026-13-45&end=2026-11-30", "开始日期无效"),
        ("period=custom&start=2026-11-01&end=yesterday", "结束日期无效"),
        ("period=custom&start=2026-11-01", "自定义期间须填写开始日期和结束日期"),
        ("period=custom&start=2026-11-01&end=9999-12-31", "日期须在2000年1月1日至2099年12月31日"),
        ("period=next_century", "请选择本月、上月、本季度、本年或自定义日期"),
        ("group=street", "请选择按小区、社区或承办单位分组"),  # as the list names them
        ("period=custom&start=2026-02-30&end=2026-03-01", "开始日期无效：没有“2026-02-30”这一天"),
        ("period=custom&start=2026-11-01&end=2026-11-31", "结束日期无效：没有“2026-11-31”这一天"),
        (
            "period=custom&start=2026-12-01&end=2026-12-31",
            "所选期间（2026年12月1日—12月31日）还没有到",
        ),
    ],
)
def test_wrong_filters_get_a_chinese_message_and_no_figures(personas, query, message) -> None:
    for suffix in ("", "&format=xlsx"):
        with time_machine.travel(NOW, tick=False):  # December is the future
            response = _client(personas.street_officer).get(f"/cases/metrics/?{query}{suffix}")
        page = response.content.decode()
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
        assert message in html.unescape(page)
        assert 'data-testid="metrics"' not in page and "metrics-download" not in page


def test_last_month_on_the_page_counts_local_days(personas, make) -> None:
    with time_machine.travel("2025-11-30 23:50:00+08:00", tick=False):
        make.received(title="十一月底")
    with time_machine.travel("2025-12-31 23:30:00+08:00", tick=False):
        make.received(title="十二月底")
    with time_machine.travel("2026-01-01 00:10:00+08:00", tick=False):
        make.received(title="元旦")
    with time_machine.travel("2026-01-15 09:00:00+08:00", tick=False):
        client = _client(personas.street_officer)
        page = client.get("/cases/metrics/?period=last_month").content.decode()
        assert _heading(page) == "2025年12月1日—12月31日"
        assert _table(page)[1] == ["A小区", "1", "—", "—", "—", "—", "—", "0.0%（0/1）"]
        quarter = client.get("/cases/metrics/?period=this_quarter").content.decode()
        assert _heading(quarter) == "2026年1月1日—1月15日"  # the quarter so far
        assert _table(quarter)[1][:2] == ["A小区", "1"]
        custom = "/cases/metrics/?period=custom&start=2025-11-30&end=2026-01-01"
        assert _table(client.get(custom).content.decode())[-1][:2] == ["合计", "3"]


# --- The page and the file -----------------------------------------------------------------


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _heading(page: str) -> str:
    return re.search(r'data-testid="metrics-period">([^<]*)<', page).group(1)


def _table(page: str) -> list[list[str]]:
    """The metrics table as text, one list per row (the head, the groups, the total)."""
    table = re.search(r'data-testid="metrics">(.*?)</table>', page, re.S).group(1)
    return [
        [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(
            r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    ]  # fmt: skip


def test_the_page_shows_each_rate_with_its_counts_and_no_rate_without_them(street) -> None:
    with time_machine.travel(NOW, tick=False):
        page = _client(street.street_officer).get("/cases/metrics/").content.decode()
    assert _heading(page) == "2026年11月1日—11月20日"  # 本月 so far, as the dashboard says it
    assert "按小区 · 全部社区" in page
    rows = _table(page)
    assert rows[0][:3] == ["小区", "诉求数", "响应率"]
    assert rows[1] == [
        "A小区", "5", "50.0%（2/4）", "100.0%（2/2）", "100.0%（2/2）", "50.0%（1/2）",
        "25.0%（1/4）", "20.0%（1/5）",
    ]  # fmt: skip
    assert rows[2][5] == "—"  # B: nothing closed, so no 按时办结率 (not 0%)
    # c2 was handed to the 宝安 community moments ago, inside its 签收 window: not counted yet.
    assert rows[-1][:3] == ["合计", "9", "66.7%（4/6）"]
    assert 'title="按时签收 2 ÷ 交办次数 4"' in page
    assert 'aria-pressed="true">本月<' in page


def test_grouping_by_party_on_the_page_and_in_its_chart(street) -> None:
    with time_machine.travel(NOW, tick=False):
        client = _client(street.street_officer)
        page = client.get("/cases/metrics/?group=party").content.decode()
    rows = _table(page)
    assert rows[0][0] == "承办单位"
    assert [row[:3] for row in rows[1:]] == [
        ["测试物业X有限公司", "5", "60.0%（3/5）"],
        ["测试物业Y有限公司", "1", "100.0%（1/1）"],
        ["社区承办", "1", "—"],  # c2: inside its 签收 window
        ["暂无承办单位", "2", "—"],
        ["合计", "9", "66.7%（4/6）"],
    ]
    chart = json.loads(re.search(r'id="metrics-data"[^>]*>(.*?)</script>', page, re.S).group(1))
    assert chart["labels"] == ["测试物业X有限公司", "测试物业Y有限公司", "社区承办", "暂无承办单位"]
    assert chart["series"][3] == {"name": "按时办结率", "values": [66.7, None, None, None]}


def test_a_community_worker_gets_only_their_community_and_property_staff_nothing(street) -> None:
    with time_machine.travel(NOW, tick=False):
        worker = _client(street.community_worker)
        page = worker.get("/cases/metrics/?group=community").content.decode()
        assert [row[:2] for row in _table(page)[1:]] == [["华锦社区", "7"], ["合计", "7"]]
        assert "宝安" not in page and "按社区 · 华锦社区" in page
        other = worker.get(f"/cases/metrics/?community={street.community2.pk}").content.decode()
        assert "请从列表中选择社区" in other and 'data-testid="metrics"' not in other
        for user in (street.property_a, street.property_b, street.committee_a, street.resident_a):
            client = _client(user)
            assert client.get("/cases/metrics/").status_code == 403
            assert client.get("/cases/metrics/?format=xlsx").status_code == 403


def test_the_excel_file_is_the_table_with_numbers_and_percentages(street) -> None:
    with time_machine.travel(NOW, tick=False):
        page = _client(street.street_officer).get("/cases/metrics/?period=this_month")
        link = re.search(r'href="\?([^"]+)" data-testid="metrics-download"', page.content.decode())
        response = _client(street.street_officer).get(f"/cases/metrics/?{html.unescape(link[1])}")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert ".xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "按小区 2026-11-01至2026-11-20"  # 本月 so far, as on the page
    assert sheet["A1"].value == "办理指标（按小区）：2026年11月1日—11月20日，全部社区"
    header = [c.value for c in sheet[2]]
    assert header[:8] == [
        "小区", "诉求数", "响应率", "响应率分子：按时签收", "响应率分母：交办次数",
        "解决率", "解决率分子：回访已解决", "解决率分母：回访数",
    ]  # fmt: skip
    assert header[10] == "满意率分母：回访数"  # the same count, for another rate
    assert len(set(header)) == len(header) == 20  # every column has its own name
    a = [c.value for c in sheet[3]]
    assert a[:5] == ["A小区", 5, 0.5, 2, 4]
    assert a[5:8] == [1.0, 2, 2] and a[-3:] == [0.2, 1, 5]
    assert sheet["C3"].number_format == "0.0%"
    b = [c.value for c in sheet[4]]
    # 按时办结率 without a denominator: an empty cell (no "—" text in a column of numbers),
    # so that Excel can sum the column.
    assert b[0] == "B小区" and b[11:14] == [None, 0, 0]
    assert sheet.cell(row=4, column=12).number_format == "0.0%"
    for row in sheet.iter_rows(min_row=3, max_row=6, min_col=2):  # numbers, or nothing
        assert all(isinstance(cell.value, int | float | None) for cell in row)
    total = [c.value for c in sheet[6]]
    assert total[:5] == ["合计", 9, pytest.approx(4 / 6, abs=0.0005), 4, 6]


def test_the_excel_file_by_party_in_a_community_names_both(street) -> None:
    query = "period=custom&start=2026-11-01&end=2026-11-30&group=party"
    query += f"&community={street.community1.pk}"
    response = _client(street.community_worker).get(f"/cases/metrics/?{query}&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "按承办单位 2026-11-01至2026-11-30"
    assert sheet["A1"].value == "办理指标（按承办单位）：2026年11月1日—11月30日，华锦社区"
    assert [sheet.cell(row=r, column=1).value for r in range(2, 7)] == [
        "承办单位", "测试物业X有限公司", "测试物业Y有限公司", "暂无承办单位", "合计",
    ]  # fmt: skip
    assert [sheet.cell(row=r, column=2).value for r in range(3, 7)] == [4, 1, 2, 7]
