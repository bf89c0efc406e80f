"""What the month-end audit of the analysis pages found, as a reader notices it: the dashboard's
month card fits its card, the metrics page prints and its Excel file ends today, the Excel
files print on one page wide, changes on small bases are given in cases, hot topics are named
by a message's title, the placeholder department is translated, and wrong links get the usual
messages."""

import io
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.cases.choices import UNNAMED_DEPARTMENT
from gongzhi.cases.models import Case
from gongzhi.insights.tests.monthly_street import TODAY, build_october
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db
MONTHLY = reverse("insights:monthly")
TODAY_METRICS = "2026-12-02 10:00:00+08:00"


@pytest.fixture
def october(make):
    return build_october(make)


def _get(client, user, url, at=TODAY, **params):
    client.login(username=user.username, password=PASSWORD)
    with time_machine.travel(at, tick=False):
        return client.get(url, params)


def _book(response):
    return load_workbook(io.BytesIO(response.content))


# --- 1. The month card: the notes wrap, the four columns fit --------------------------------


def test_the_month_cards_notes_wrap_under_the_name(client, october):
    page = _get(client, october.p.street_officer, reverse("insights:dashboard")).content.decode()
    card = page[page.index('data-testid="dashboard-month"') :]
    card = card[: card.index("</section>")]
    heads = re.findall(r'<th scope="row" class="([^"]*)"', card)
    assert len(heads) == 5
    # The row's name no longer keeps its long note on one line (wider than the card at 1280 px)
    assert all("text-nowrap" not in classes for classes in heads)
    assert "gz-month-note" in card and ".gz-month-note{white-space:normal" in card
    assert '<thead class="text-nowrap">' not in card


# --- 2. and 3. Printing: the metrics page, and every Excel file -------------------------------


def test_the_metrics_page_has_a_print_layout(client, october):
    page = _get(client, october.p.street_officer, reverse("cases:metrics")).content.decode()
    assert "css/metrics-print.css" in page
    css = (Path(settings.BASE_DIR) / "static" / "css" / "metrics-print.css").read_text()
    assert "size: A4 landscape" in css
    hidden = css[css.index("@media print") : css.index("{ display: none")]
    for what in ("nav.navbar", ".breadcrumb", "form", ".btn", "#metrics-chart"):
        assert what in hidden, what
    assert ".table-responsive { overflow: visible" in css


def _landscape_one_page_wide(ws, title_rows):
    assert ws.page_setup.orientation == "landscape", ws.title
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), ws.title
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True, ws.title
    assert ws.print_title_rows == title_rows, ws.title


def test_the_metrics_excel_file_prints_landscape_one_page_wide(client, october):
    url = reverse("cases:metrics")
    response = _get(client, october.p.street_officer, url, format="xlsx", period="last_month")
    _landscape_one_page_wide(_book(response).active, "$1:$2")


def test_the_monthly_excel_file_prints_landscape_one_page_wide(client, october):
    response = _get(client, october.p.street_officer, MONTHLY, format="xlsx")
    book = _book(response)
    _landscape_one_page_wide(book["一、总体情况"], "$1:$4")  # heading and the column titles
    for ws in book.worksheets[1:]:
        assert ws.page_setup.orientation == "landscape" and ws.print_title_rows


# --- 4. 本月 on the metrics page ends today ---------------------------------------------------


def test_this_month_on_the_metrics_page_ends_today_everywhere(client, october):
    officer = october.p.street_officer
    page = _get(client, officer, reverse("cases:metrics"), at=TODAY_METRICS).content.decode()
    assert 'data-testid="metrics-period">2026年12月1日—12月2日<' in page
    assert 'aria-pressed="true">本月<' in page
    link = re.search(r'href="\?([^"]*format=xlsx[^"]*)"', page)[1].replace("&amp;", "&")
    response = _get(client, officer, f"{reverse('cases:metrics')}?{link}", at=TODAY_METRICS)
    ws = _book(response).active
    assert ws["A1"].value.startswith("办理指标（按小区）：2026年12月1日—12月2日")
    assert ws.title == "按小区 2026-12-01至2026-12-02"
    assert "2026-12-01%E8%87%B32026-12-02.xlsx" in response["Content-Disposition"]


def test_a_future_period_is_refused_on_the_metrics_page(client, october):
    url = reverse("cases:metrics")
    for extra in ({}, {"format": "xlsx"}):
        response = _get(
            client,
            october.p.street_officer,
            url,
            at=TODAY_METRICS,
            period="custom",
            start="2027-03-01",
            end="2027-03-31",
            **extra,
        )
        page = response.content.decode()
        assert response["Content-Type"].startswith("text/html")
        assert "所选期间（2027年3月1日—3月31日）还没有到" in page
        assert 'data-testid="metrics"' not in page


# --- 5. Changes: no 环比 of a stock, the change in cases on a small base ----------------------


def test_the_monthly_tiles_give_no_percent_on_small_bases_or_open_cases(client, october):
    page = _get(client, october.p.street_officer, MONTHLY).content.decode()
    tiles = re.findall(r'data-testid="monthly-count">(.*?)</div></div>', page, re.S)
    assert len(tiles) == 3
    filed, _closed, still_open = tiles
    assert "增减 +6" in filed and "+600.0%" not in filed  # 1 → 7
    assert "环比" not in still_open and "增减" not in still_open  # 6 open now vs 1: a stock


# --- 6. and 7. Hot topics: named by a message's title; the sampling note ----------------------


def test_a_hot_topic_is_named_by_its_representatives_title(client, october):
    page = _get(client, october.p.street_officer, MONTHLY).content.decode()
    assert 'data-testid="monthly-topic-title">反映问题<' in page  # t1-t3's title
    assert 'data-testid="monthly-topic-terms">关键词：' in page  # the words, second
    response = _get(client, october.p.street_officer, MONTHLY, format="xlsx")
    ws = _book(response)["六、热点议题"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(r for r in rows if r[0] == "序号")
    first = next(r for r in rows if r[0] == 1)
    assert first[header.index("议题")] == "反映问题"
    note = next(r[0] for r in rows if r[0] and str(r[0]).startswith("共 "))
    assert "已全部分析" in note and "抽取" not in note  # 7 cases, every one read


def test_a_finding_about_a_topic_names_it_by_its_title():
    from gongzhi.insights.monthly_findings import _topics
    from gongzhi.insights.monthly_rows import TopicRow

    row = TopicRow(
        size=6,
        place_counts=[("A小区", 6)],
        first_half=1,
        second_half=5,
        terms=("电梯", "困人", "安全隐患"),
        representative="3栋电梯困人……",
        title="电梯困人",
    )
    report = SimpleNamespace(
        topics=SimpleNamespace(
            has_trend=True, rows=[row], first_label="11月1日—15日", second_label="16日—30日"
        )
    )
    (sentence,) = _topics(report)
    assert sentence.startswith("热点「电梯困人」明显增多")


def test_a_topic_title_is_masked_and_short():
    from gongzhi.cases.triage_topics import TITLE_CHARS, topic_title

    assert topic_title("电梯困人\n3栋电梯困人，请尽快处理", None) == "电梯困人"
    masked = topic_title("请打13912348888联系我\n内容", None)
    assert "13912348888" not in masked
    untitled = topic_title("\n" + "楼道里堆满了杂物" * 10, None)
    assert untitled.startswith("楼道里堆满了杂物") and len(untitled) == TITLE_CHARS


def test_empty_words_do_not_label_a_topic():
    from gongzhi.triage.topics import _label_word, hot_topics

    for word in ("讨论", "运行", "启动"):
        assert not _label_word(word), word
    messages = [
        (1, "物业费上涨\n业主讨论物业费上涨的问题，物业费上涨太多"),
        (2, "物业费上涨\n物业费上涨了，业主群里都在讨论"),
        (3, "物业费上涨\n大家讨论物业费上涨，物业费上涨不合理"),
    ]
    (topic,) = hot_topics(messages)
    assert "讨论" not in topic.top_terms and topic.top_terms


# --- 8. English: 增减 and 环比 are two columns ------------------------------------------------


def test_the_percent_change_column_has_its_own_context(client, october, monkeypatch):
    from gongzhi.insights import monthly_export

    monkeypatch.setattr(monthly_export, "pgettext", lambda context, text: f"{text}|{context}")
    response = _get(client, october.p.street_officer, MONTHLY, format="xlsx")
    ws = _book(response)["一、总体情况"]
    header = next([c.value for c in row] for row in ws.iter_rows() if row[0].value == "项目")
    assert header[3:5] == ["增减", "环比|change in percent"]


# --- 9. The placeholder department, in the reader's language ----------------------------------


def test_the_unnamed_department_is_translated_where_shown(client, october, monkeypatch):
    from gongzhi.cases import choices

    Case.objects.filter(pk=october.o3.pk).update(assigned_department=UNNAMED_DEPARTMENT)
    monkeypatch.setattr(choices, "gettext", lambda text: f"[{text}]")  # stands for the English
    officer = october.p.street_officer
    monthly = _get(client, officer, MONTHLY).content.decode()
    dashboard = _get(client, officer, reverse("insights:dashboard")).content.decode()
    for page in (monthly, dashboard):
        assert f"[{UNNAMED_DEPARTMENT}]" in page
    assert Case.objects.get(pk=october.o3.pk).assigned_department == UNNAMED_DEPARTMENT


# --- 11. A month that is no month -------------------------------------------------------------


def test_a_nul_in_the_month_gets_the_usual_message(client, october):
    response = _get(client, october.p.street_officer, MONTHLY, month="\x00")
    page = response.content.decode()
    assert response.status_code == 200
    assert "无法识别，请从列表中选择" in page
    assert "空字符" not in page and "Null characters" not in page


# --- 13. The public pages name communities and states as the staff pages and the filter -----


def test_public_rows_say_the_filters_words_and_the_communitys_name(client, make):
    p = make.p
    case = make.accepted(title="单元门禁坏了")  # 已签收 in the workflow
    Case.objects.filter(pk=case.pk).update(is_public=True)
    page = client.get(reverse("public:cases", args=[p.street.code])).content.decode()
    state = re.search(r'data-testid="public-row-state">([^<]*)<', page)[1]
    assert state == "办理中"
    assert "华锦社区 · A小区" in page
    assert "华锦社区社区" not in page
    one = client.get(reverse("public:case", args=[p.street.code, case.number])).content.decode()
    assert 'data-testid="public-case-state">办理中<' in one
    assert 'data-testid="public-case-step">已签收<' in one  # the step, after the filter's word


def test_the_hot_topics_page_heads_a_topic_with_its_title(client, october):
    url = reverse("cases:hot_topics")
    page = _get(client, october.p.street_officer, url, period="last_month").content.decode()
    assert 'data-testid="topic-title">反映问题<' in page
