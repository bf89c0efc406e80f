"""Hotline / 阳光信访 import of files as real exports are: a title row above the header, the
export's own column names, only the required columns, date cells and Chinese dates, compound
names written without their "·", and deadlines already past when the file is imported."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook

from gongzhi.cases.import_columns import COLUMNS, REQUIRED
from gongzhi.cases.imports import ImportFailed, import_hotline
from gongzhi.cases.management.commands.import_cases import Command
from gongzhi.cases.models import Case
from gongzhi.core.models import AuditRecord
from gongzhi.org import services as org_services
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
ROW = ["12345-0101", "2026-11-20 09:30", "12345热线", "投诉", "楼下餐馆油烟扰民",
       "武汉市南湖路1号A小区3栋", "王先生", "13700001111", None]  # fmt: skip
TITLE = "南湖街道12345工单导出（2026年11月）"


def book(rows, header=COLUMNS, *, above=()) -> io.BytesIO:
    """An .xlsx whose first sheet has the `above` rows, the header, then `rows`."""
    workbook = Workbook()
    sheet = workbook.active
    for line in above:
        sheet.append(list(line))
    if header:
        sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    return stream


def _in_a_year() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=365)


# --- 1. Deadlines stored as Excel date cells -------------------------------------------------


def test_a_deadline_date_cell_lasts_to_the_end_of_that_day(personas) -> None:
    """openpyxl reads a yyyy-mm-dd cell as midnight: before, 2026-11-20 00:00 — and a deadline
    on the day the call came in was refused as before it."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    sheet.append(["D-1", dt.datetime(2026, 11, 20, 9, 30), *ROW[2:8], dt.datetime(2026, 11, 20)])
    sheet.append(["D-2", dt.datetime(2026, 11, 21), *ROW[2:8], dt.datetime(2026, 12, 7)])
    for cell in ("I2", "B3", "I3"):
        sheet[cell].number_format = "yyyy-mm-dd"
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    assert import_hotline(stream).created == 2
    same_day = Case.objects.get(external_order_no="D-1")
    assert same_day.external_due_at == dt.datetime(2026, 11, 20, 23, 59, 59, tzinfo=SH)
    later = Case.objects.get(external_order_no="D-2")
    assert later.external_due_at == dt.datetime(2026, 12, 7, 23, 59, 59, tzinfo=SH)
    assert later.created_at == dt.datetime(2026, 11, 21, 0, 0, tzinfo=SH)  # 受理 stays midnight


# --- 2. Headers ------------------------------------------------------------------------------


def test_the_header_is_found_below_a_merged_title_row(personas) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"] = TITLE
    sheet.merge_cells("A1:I1")
    sheet.append([])  # row 2 left blank
    sheet.append(list(COLUMNS))  # row 3
    sheet.append(ROW)  # row 4
    sheet.append(["12345-0102", *ROW[1:5], "光谷大道99号", *ROW[6:]])  # row 5
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    with pytest.raises(ImportFailed) as failure:
        import_hotline(stream)
    # Excel's own row numbers, counted from the top of the sheet
    assert failure.value.errors == ["第 5 行「诉求地址」：未匹配到小区（地址中应包含小区名称）"]
    stream.seek(0)
    sheet.delete_rows(5)
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    assert import_hotline(stream).created == 1
    assert Case.objects.get().compound == personas.compound_a


EXPORT_HEADER = ["序号", "工单号", "来电时间", "来源", "工单类型", "问题描述", "事发地址",
                 "来电人", "来电号码", "截止时间"]  # fmt: skip


def test_a_hotline_export_with_its_own_column_names_imports(personas) -> None:
    due = _in_a_year()
    rows = [[1, *ROW[:8], due.isoformat()]]
    result = import_hotline(book(rows, EXPORT_HEADER, above=[[TITLE]]))
    assert result.created == 1
    case = Case.objects.get()
    assert case.external_order_no == "12345-0101" and case.requester_phone == "13700001111"
    assert case.requester_name == "王先生" and case.type == "complaint"
    assert case.external_due_at == dt.datetime.combine(due, dt.time(23, 59, 59), tzinfo=SH)


def test_a_petition_export_naming_columns_otherwise_imports(personas) -> None:
    header = ["工单编码", "登记时间", "渠道", "类型", "内容", "地址", "反映人", "电话",
              "要求办结时间"]  # fmt: skip
    row = ["XF-1", "2026-11-20 09:30", "阳光信访", "投诉", "小区门口占道经营", "C小区东门",
           "李女士", "", _in_a_year().isoformat()]  # fmt: skip
    assert import_hotline(book([row], header)).created == 1
    case = Case.objects.get()
    assert case.channel == "petition" and case.compound == personas.compound_c


def test_row_errors_name_the_column_as_the_file_does(personas) -> None:
    rows = [[1, "X-1", "昨天", *ROW[2:5], "光谷大道99号", *ROW[6:8], None]]
    with pytest.raises(ImportFailed) as failure:
        import_hotline(book(rows, EXPORT_HEADER))
    assert failure.value.errors == [
        "第 2 行「来电时间」：时间格式应为 2026-11-29 09:30",
        "第 2 行「事发地址」：未匹配到小区（地址中应包含小区名称）",
    ]


def test_only_the_required_columns_are_required(personas) -> None:
    assert import_hotline(book([ROW[:6]], REQUIRED)).created == 1
    case = Case.objects.get()
    assert case.requester_phone == "" and case.external_due_at is None


def test_a_header_missing_a_required_column_names_it_and_its_other_names(personas) -> None:
    header = [c for c in COLUMNS if c != "诉求地址"]
    with pytest.raises(ImportFailed) as failure:
        import_hotline(book([], header, above=[[TITLE]]))
    assert failure.value.errors == [
        "第 2 行（表头）缺少列：诉求地址",
        "「诉求地址」也可写作：事发地址、地址",
    ]


def test_without_a_header_the_expected_names_and_the_title_row_are_named(personas) -> None:
    above = [[TITLE], [], ["导出人：张三"], [], [], ["（表头在第 6 行）"]]
    with pytest.raises(ImportFailed) as failure:
        import_hotline(book([ROW], COLUMNS, above=above))
    errors = failure.value.errors
    assert errors[0] == (
        "未找到表头：前 5 行中没有包含必填列「工单编号」「受理时间」「来源渠道」「诉求类型」"
        "「诉求内容」「诉求地址」的一行（可选列：诉求人、联系电话、办理时限）"
    )
    assert "诉求地址（事发地址、地址）" in errors[1]
    assert errors[2] == f"第 1 行「{TITLE}」像是标题行：表头应在其下方，且在前 5 行之内"
    assert not Case.objects.exists()
    with pytest.raises(ImportFailed) as failure:
        import_hotline(book([ROW], None))  # no header at all, nothing like a title
    assert failure.value.errors[0].startswith("未找到表头")
    assert len(failure.value.errors) == 2


# --- 3. Dates written as text ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "received"),
    [
        ("2026年11月30日", dt.datetime(2026, 11, 30, 0, 0)),
        ("2026年11月30日 14时05分", dt.datetime(2026, 11, 30, 14, 5)),
        ("2026年11月30日14时05分", dt.datetime(2026, 11, 30, 14, 5)),
        ("2026年11月30日 14:05", dt.datetime(2026, 11, 30, 14, 5)),
        ("2026-11-30T14:05:00", dt.datetime(2026, 11, 30, 14, 5)),
        ("2026.11.30", dt.datetime(2026, 11, 30, 0, 0)),
        ("2026/11/30 14:05", dt.datetime(2026, 11, 30, 14, 5)),
        ("2026-11-30 14:05:30", dt.datetime(2026, 11, 30, 14, 5, 30)),
        ("2026-11-30", dt.datetime(2026, 11, 30, 0, 0)),
    ],
)
def test_the_receive_time_may_be_written_as_exports_write_it(personas, written, received) -> None:
    import_hotline(book([[ROW[0], written, *ROW[2:]]]))
    assert Case.objects.get().created_at == received.replace(tzinfo=SH)


@pytest.mark.parametrize(
    ("written", "due"),
    [
        ("2026年12月5日", dt.datetime(2026, 12, 5, 23, 59, 59)),
        ("2026.12.05", dt.datetime(2026, 12, 5, 23, 59, 59)),
        ("2026年12月5日 18时", dt.datetime(2026, 12, 5, 18, 0)),
        ("2026-12-05T18:00:00", dt.datetime(2026, 12, 5, 18, 0)),
    ],
)
def test_the_deadline_may_be_written_as_exports_write_it(personas, written, due) -> None:
    import_hotline(book([[*ROW[:8], written]]))
    assert Case.objects.get().external_due_at == due.replace(tzinfo=SH)


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("昨天", "时间格式应为 2026-11-29 09:30"),
        ("11/30/2026", "时间格式应为 2026-11-29 09:30"),
        ("2026年13月1日", "日期不存在：2026-13-01（月份应为 1 到 12）"),
        ("2026-11-30 25:00", "时间不存在：25:00（时应为 0 到 23，分、秒应为 0 到 59）"),
    ],
)
def test_other_dates_are_refused_with_an_example(personas, written, problem) -> None:
    with pytest.raises(ImportFailed) as failure:
        import_hotline(book([[ROW[0], written, *ROW[2:]]]))
    assert failure.value.errors == [f"第 2 行「受理时间」：{problem}"]


# --- 4. Compound names with a middle dot -----------------------------------------------------


def test_an_address_without_the_dot_finds_the_compound(personas) -> None:
    huajin, baoan = personas.compound_a.community, personas.compound_c.community
    yayuan = org_services.compound_create(community=huajin, name="中央花园·雅苑", address="")
    org_services.compound_create(community=baoan, name="山水龙城", address="")
    longcheng = org_services.compound_create(community=baoan, name="宝安·山水龙城", address="")
    rows = [
        ["P-1", *ROW[1:5], "洪山区南湖街道中央花园雅苑5栋", *ROW[6:]],
        ["P-2", *ROW[1:5], "中央花园 雅苑东门", *ROW[6:]],
        ["P-3", *ROW[1:5], "宝安山水龙城1栋", *ROW[6:]],  # the longer name wins
    ]
    assert import_hotline(book(rows)).created == 3
    found = dict(Case.objects.values_list("external_order_no", "compound"))
    assert found == {"P-1": yayuan.pk, "P-2": yayuan.pk, "P-3": longcheng.pk}


# --- 5. A deadline already past at import ----------------------------------------------------


def test_a_deadline_past_at_import_is_kept_and_reported(personas, tmp_path) -> None:
    future = _in_a_year()
    rows = [
        [*ROW[:8], "2026-11-25 18:00"],
        ["XF-2", *ROW[1:2], "阳光信访", *ROW[3:8], "2026-11-26"],
        ["12345-0103", *ROW[1:8], future.isoformat()],
    ]
    path = tmp_path / "orders.xlsx"
    path.write_bytes(book(rows).getvalue())
    out = io.StringIO()
    call_command("import_cases", str(path), stdout=out)
    printed = out.getvalue()
    assert "新增 3 条，已存在 0 条" in printed
    assert "第 2 行：热线办理时限 2026-11-25 18:00 导入时已过，交办后按时限类别重新计时" in printed
    assert "第 3 行：信访办理时限 2026-11-26 23:59 导入时已过，交办后按时限类别重新计时" in printed
    assert "第 4 行" not in printed
    hotline = Case.objects.get(external_order_no="12345-0101")
    assert hotline.external_due_at == dt.datetime(2026, 11, 25, 18, 0, tzinfo=SH)
    again = import_hotline(book(rows))  # nothing imported again, nothing to warn of
    assert again.warnings == []


def test_the_case_page_names_whose_deadline_it_is_and_that_it_passed(personas) -> None:
    future = _in_a_year()
    rows = [
        [*ROW[:8], "2026-11-25 18:00"],
        ["XF-2", *ROW[1:2], "阳光信访", *ROW[3:8], future.isoformat()],
    ]
    import_hotline(book(rows))
    client = Client()
    assert client.login(username=personas.community_worker.username, password=PASSWORD)
    hotline = Case.objects.get(external_order_no="12345-0101")
    page = client.get(f"/cases/{hotline.pk}/").content.decode()
    assert "热线要求办结时间" in page and "信访要求办结时间" not in page
    assert 'data-testid="external-due">2026-11-25 18:00 <span' in page
    assert 'data-testid="external-due-past">已过<' in page
    petition = Case.objects.get(external_order_no="XF-2")
    page = client.get(f"/cases/{petition.pk}/").content.decode()
    assert "信访要求办结时间" in page and "热线要求办结时间" not in page
    assert f'data-testid="external-due">{future.isoformat()} 23:59<' in page
    assert "external-due-past" not in page


# --- 6. The command's help -------------------------------------------------------------------


def test_the_command_explains_itself_in_chinese(personas, tmp_path) -> None:
    text = Command().create_parser("manage.py", "import_cases").format_help()
    assert "工单导出文件（.xlsx；不支持 .xls、.csv）" in text
    assert "--user 用户名, --actor 用户名" in text and "记为导入人的用户名" in text
    assert "必填列：\n  工单编号（也可写作 工单号、工单编码）\n" in text
    assert "可选列：\n  诉求人（也可写作 来电人、反映人、联系人）\n" in text
    path = tmp_path / "orders.xlsx"
    path.write_bytes(book([ROW]).getvalue())
    call_command("import_cases", str(path), "--actor", personas.community_worker.username,
                 stdout=io.StringIO())  # fmt: skip
    assert AuditRecord.objects.get(action="case.import").actor == personas.community_worker
