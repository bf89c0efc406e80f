"""月度研判报告 as an Excel file (?format=xlsx): one sheet per section, numbers as numbers,
rates as numbers in a percentage format, empty cells where a rate is undefined, and no
requester's name or phone anywhere."""

import io
import re
from urllib.parse import unquote

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.cases.tests.conftest import CaseMaker
from gongzhi.insights.tests.monthly_street import TODAY, WRITER, WRITER_PHONE, build_october
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db
SHEETS = [
    "一、总体情况",
    "二、诉求来源",
    "三、诉求类别",
    "四、分区域",
    "五、承办单位",
    "六、热点议题",
    "七、超时与督办",
    "八、研判要点",
]


@pytest.fixture
def october(personas, settings, tmp_path):
    from gongzhi.cases.sla import ensure_default_policies

    settings.MEDIA_ROOT = tmp_path
    ensure_default_policies()
    return build_october(CaseMaker(personas))


def _download(client, user, **params):
    client.login(username=user.username, password=PASSWORD)
    with time_machine.travel(TODAY, tick=False):
        response = client.get(reverse("insights:monthly"), {"format": "xlsx", **params})
    assert response.status_code == 200
    return response


def _book(response):
    return load_workbook(io.BytesIO(response.content))


def october_days(october):
    return (TODAY - october.o2.due_at).total_seconds() / 86400


def _find(ws, text):
    """The row (as values) whose first cell is `text`."""
    for row in ws.iter_rows():
        if row[0].value == text:
            return row
    raise AssertionError(f"no row {text!r} in {ws.title}")


def test_the_file_name_and_one_sheet_per_section(client, october):
    response = _download(client, october.p.street_officer)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    name = unquote(re.search(r"filename\*=utf-8''(.+)", response["Content-Disposition"])[1])
    assert name == "月度研判报告-2026年10月-南湖测试街道（全街道）.xlsx"
    book = _book(response)
    assert book.sheetnames == SHEETS
    assert book["一、总体情况"]["A2"].value.startswith(
        "月度研判报告：南湖测试街道（全街道） · 2026年10月"
    )


def test_counts_are_numbers_and_rates_are_percentages(client, october):
    book = _book(_download(client, october.p.street_officer))
    ws = book["一、总体情况"]
    filed = _find(ws, "受理诉求")
    # 1 → 7: the change in cases only, no "+600 %" on a base under 10
    assert [c.value for c in filed[:5]] == ["受理诉求", 7, 1, 6, None]
    assert filed[4].number_format == "+0.0%;-0.0%;0.0%"
    closed = _find(ws, "已办结")
    assert [c.value for c in closed[:5]] == ["已办结", 1, 0, 1, None]  # no 环比 over nothing
    response_rate = _find(ws, "响应率")
    assert response_rate[1].value == pytest.approx(0.333)  # 33.3 %, as the page shows it
    assert response_rate[1].number_format == "0.0%"
    assert response_rate[2].value is None and response_rate[3].value is None  # Sept: none
    assert [c.value for c in response_rate[4:8]] == [1, 3, 0, 0]

    channels = book["二、诉求来源"]
    grid = _find(channels, "网格员")
    assert [c.value for c in grid[:2]] == ["网格员", 4]
    assert grid[2].value == pytest.approx(0.571) and grid[2].number_format == "0.0%"
    assert [c.value for c in _find(channels, "合计")[:2]] == ["合计", 7]

    places = book["四、分区域"]
    huajin = _find(places, "华锦社区")
    assert huajin[1].value == 5 and isinstance(huajin[1].value, int)
    assert _find(places, "合计")[1].value == 7


def test_topics_supervision_and_findings_sheets(client, october):
    book = _book(_download(client, october.p.street_officer))
    topics = book["六、热点议题"]
    header = [c.value for c in _find(topics, "序号")]
    assert header[:7] == [
        "序号",
        "议题",
        "件数",
        "涉及小区（件数）",
        "10月1日—15日",
        "10月16日—31日",
        "升降",
    ]
    first = [c.value for c in _find(topics, 1)]
    assert first[2:7] == [3, "A小区 2、C小区 1", 2, 1, "↓ 下降"]
    supervision = book["七、超时与督办"]
    assert [c.value for c in _find(supervision, "吹哨至职能部门")[:3]] == ["吹哨至职能部门", 1, 0]
    row = _find(supervision, october.o2.number)
    assert row[3].value == pytest.approx(float(october_days(october)), abs=0.05)
    assert row[3].number_format == "0.0"
    assert row[6].value == "是"  # 督办
    findings = book["八、研判要点"]
    assert findings["A4"].value == "系统根据数据生成，供会议研判参考"
    assert "未生成研判要点" in findings["A5"].value  # 7 cases: too few to say anything


def test_no_requester_name_or_phone_in_any_cell(client, october):
    for user in (october.p.street_officer, october.p.party_a):
        book = _book(_download(client, user))
        text = "\n".join(
            str(cell.value)
            for ws in book.worksheets
            for row in ws.iter_rows()
            for cell in row
            if cell.value is not None
        )
        assert "停车" in text  # the topic's message is there, without its writer
        for secret in (WRITER, WRITER_PHONE, "张三", "13812341234"):
            assert secret not in text


def test_a_compound_and_an_empty_month(client, october):
    p = october.p
    book = _book(_download(client, p.party_a))
    assert "所选区域为单个小区" in book["四、分区域"]["A4"].value
    empty = _book(_download(client, p.street_officer, month="2025-06"))
    ws = empty["一、总体情况"]
    assert [c.value for c in _find(ws, "受理诉求")[:5]] == ["受理诉求", 0, 0, 0, None]
    assert all(c.value is None for c in _find(ws, "满意率")[1:4])


def test_bad_input_gives_the_page_with_its_error_not_a_file(client, october):
    client.login(username=october.p.street_officer.username, password=PASSWORD)
    with time_machine.travel(TODAY, tick=False):
        response = client.get(reverse("insights:monthly"), {"format": "xlsx", "month": "2019-01"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "只能查看2024年11月至2026年11月的报告" in response.content.decode()
