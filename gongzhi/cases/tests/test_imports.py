"""Hotline import: every row validated, all or nothing, idempotent on 工单编号, audited."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from gongzhi.cases.imports import COLUMNS, ImportFailed, import_hotline
from gongzhi.cases.models import Case
from gongzhi.core.models import AuditRecord

GOOD = [
    ["12345-0001", dt.datetime(2026, 11, 20, 9, 30), "12345热线", "投诉", "楼下餐馆油烟扰民",
     "武汉市南湖路1号A小区3栋", "王先生", "13700001111", "2026-11-27"],
    ["12345-0002", "2026-11-21 10:00", "12345热线", "求助", "小区门口路灯不亮",
     "宝安路3号C小区东门", "", "", None],
]  # fmt: skip


def xlsx(rows, header=COLUMNS) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    stream.seek(0)
    return stream


@pytest.mark.django_db
def test_rows_become_cases_once(personas) -> None:
    result = import_hotline(xlsx(GOOD))
    assert (result.created, result.existing) == (2, 0)
    first = Case.objects.get(external_order_no="12345-0001")
    assert first.compound == personas.compound_a and first.channel == "hotline_12345"
    assert first.type == "complaint" and first.requester_phone == "13700001111"
    sh = ZoneInfo("Asia/Shanghai")
    assert first.created_at == dt.datetime(2026, 11, 20, 9, 30, tzinfo=sh)
    assert first.number == "NH202611200001"
    assert first.external_due_at == dt.datetime(2026, 11, 27, 23, 59, 59, tzinfo=sh)
    assert Case.objects.get(external_order_no="12345-0002").compound == personas.compound_c
    again = import_hotline(xlsx(GOOD))
    assert (again.created, again.existing) == (0, 2)
    assert Case.objects.count() == 2
    assert AuditRecord.objects.filter(action="case.import").count() == 2


@pytest.mark.django_db
def test_one_bad_row_writes_nothing_and_every_problem_is_named(personas) -> None:
    bad = [
        *GOOD,
        ["12345-0003", "昨天", "传真", "求助", "", "光谷大道99号", "", "123", None],
        ["12345-0001", "2026-11-22 08:00", "12345热线", "咨询", "重复编号", "A小区", "", "", None],
    ]
    with pytest.raises(ImportFailed) as failure:
        import_hotline(xlsx(bad))
    assert failure.value.errors == [
        "第 4 行「诉求内容」：不能为空",
        "第 4 行「受理时间」：时间格式应为 2026-11-29 09:30",
        "第 4 行「来源渠道」：无法识别的渠道「传真」",
        "第 4 行「联系电话」：格式不正确：应为一个电话号码，7 到 20 位，只含数字、空格、“-”或“+”，"
        "例如 13812345678 或 027-87654321",
        "第 4 行「诉求地址」：未匹配到小区（地址中应包含小区名称）",
        "第 5 行「工单编号」：与第 2 行重复",
    ]
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_file_without_a_required_column_is_refused(personas) -> None:
    with pytest.raises(ImportFailed, match="第 1 行（表头）缺少列：诉求地址"):
        import_hotline(xlsx([], header=COLUMNS[:5]))
    with pytest.raises(ImportFailed, match="xlsx"):
        import_hotline(io.BytesIO(b"not a workbook"))


@pytest.mark.django_db
def test_the_command_reports_in_chinese(personas, tmp_path) -> None:
    path = tmp_path / "orders.xlsx"
    path.write_bytes(xlsx(GOOD).getvalue())
    out = io.StringIO()
    call_command("import_cases", str(path), stdout=out)
    assert "新增 2 条，已存在 0 条" in out.getvalue()
    call_command("import_cases", str(path), stdout=out)
    assert "新增 0 条，已存在 2 条" in out.getvalue()
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(xlsx([["X-1", "2026-11-01 08:00", "12345热线", "求助", "内容", "无此地址",
                              "", "", None]]).getvalue())  # fmt: skip
    with pytest.raises(CommandError, match="第 2 行「诉求地址」"):
        call_command("import_cases", str(broken))


@pytest.mark.django_db
def test_rows_are_held_to_what_filing_on_the_web_allows(personas) -> None:
    """Each problem named on its row, nothing written: before, an overlong address or name was
    a raw database error on PostgreSQL and a future time filed NH2099…"""
    row = GOOD[0]
    bad = [
        ["A-1", *row[1:4], "长" * 5001, *row[5:]],
        ["A-2", *row[1:5], "A小区" + "号" * 200, *row[6:]],
        ["A-3", *row[1:6], "名" * 51, *row[7:]],
        ["A-4", "2099-01-01 09:00", *row[2:8], "2099-01-05"],
        ["A-5", "2026-11-20 09:30", *row[2:8], "2026-11-19"],
        ["A-6", *row[1:4], "😡😡", *row[5:]],
        ["A-7", *row[1:4], "\u200b", *row[5:]],
    ]
    with pytest.raises(ImportFailed) as failure:
        import_hotline(xlsx([*GOOD, *bad]))
    assert failure.value.errors == [
        "第 4 行「诉求内容」：诉求内容不能超过 5000 字",
        "第 5 行「诉求地址」：地址不能超过 200 字",
        "第 6 行「诉求人」：诉求人姓名不能超过 50 字",
        "第 7 行「受理时间」：受理时间不能晚于当前时间",
        "第 8 行「办理时限」：办理时限须晚于受理时间",
        "第 9 行「诉求内容」：反映内容没有文字（只有表情或符号），请核对原工单后补充文字",
        "第 10 行「诉求内容」：反映内容没有文字（只有表情或符号），请核对原工单后补充文字",
    ]
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_repeated_order_number_is_reported_beside_the_rows_other_problems(personas) -> None:
    repeat = ["12345-0001", "昨天", *GOOD[1][2:]]
    repeat_of_a_bad_row = ["12345-0009", "2026-11-22 08:00", "传真", *GOOD[1][3:]]
    with pytest.raises(ImportFailed) as failure:
        import_hotline(xlsx([*GOOD, repeat, repeat_of_a_bad_row, repeat_of_a_bad_row]))
    assert failure.value.errors == [
        "第 4 行「受理时间」：时间格式应为 2026-11-29 09:30",
        "第 4 行「工单编号」：与第 2 行重复",
        "第 5 行「来源渠道」：无法识别的渠道「传真」",
        "第 6 行「来源渠道」：无法识别的渠道「传真」",
        "第 6 行「工单编号」：与第 5 行重复",
    ]
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_the_title_is_the_contents_first_line_in_words(personas) -> None:
    row = ["T-1", *GOOD[0][1:4], "😡😡😡\n楼下餐馆油烟扰民，晚上十点还在营业", *GOOD[0][5:]]
    import_hotline(xlsx([row]))
    assert Case.objects.get().title == "楼下餐馆油烟扰民，晚上十点还在营业"


@pytest.mark.django_db
def test_the_command_names_an_empty_looking_row(personas, tmp_path) -> None:
    path = tmp_path / "orders.xlsx"
    path.write_bytes(xlsx([["X-2", *GOOD[0][1:4], "？？？", *GOOD[0][5:]]]).getvalue())
    with pytest.raises(
        CommandError, match="第 2 行「诉求内容」：反映内容没有文字（只有表情或符号）"
    ):
        call_command("import_cases", str(path))
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_each_desk_hears_once_how_many_orders_wait_in_its_area(personas) -> None:
    from gongzhi.core.models import Notification

    import_hotline(xlsx(GOOD))  # one order in 华锦's compound A, one in 宝安's compound C
    titles = {
        user: list(
            Notification.objects.filter(recipient=user, kind="case.created").values_list(
                "title", flat=True
            )
        )
        for user in (personas.community_worker, personas.street_officer, personas.grid_worker)
    }
    assert titles[personas.community_worker] == ["导入热线工单 1 件，待研判"]
    assert titles[personas.street_officer] == ["导入热线工单 2 件，待研判"]
    assert titles[personas.grid_worker] == []
    import_hotline(xlsx(GOOD))  # nothing new: nobody is told again
    assert Notification.objects.filter(kind="case.created").count() == 2
