"""import_cases (and the web import page, which shares the code): each refusal tells the
operator what is wrong with the file, and a re-import says which known orders now differ."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from gongzhi.cases.imports import COLUMNS, ImportFailed, import_hotline
from gongzhi.cases.models import Case

from .test_imports import GOOD, xlsx


def _row(**changes) -> list:
    row = dict(zip(COLUMNS, GOOD[1], strict=True))
    return list((row | changes).values())


def _errors(rows) -> list[str]:
    with pytest.raises(ImportFailed) as raised:
        import_hotline(xlsx(rows))
    return raised.value.errors


@pytest.mark.django_db
def test_a_day_that_does_not_exist_is_named_as_such(personas) -> None:
    errors = _errors([_row(受理时间="2026-02-30 10:00", 办理时限="2026-11-31")])
    assert "第 2 行「受理时间」：日期不存在：2026-02-30（2026 年 2 月只有 28 天）" in errors
    assert "第 2 行「办理时限」：日期不存在：2026-11-31（2026 年 11 月只有 30 天）" in errors
    assert not any("时间格式应为" in e for e in errors)


@pytest.mark.django_db
def test_a_bad_phone_says_what_a_phone_should_look_like(personas) -> None:
    (error,) = _errors([_row(联系电话="138-0000-1111 / 微信同号")])
    assert error.startswith("第 2 行「联系电话」：格式不正确：应为一个电话号码，7 到 20 位")
    assert "例如 13812345678 或 027-87654321" in error


@pytest.mark.django_db
def test_content_without_words_is_explained_to_the_operator(personas) -> None:
    (error,) = _errors([_row(诉求内容="😡😡👎")])
    assert error.startswith("第 2 行「诉求内容」：反映内容没有文字（只有表情或符号）")
    assert "请用文字描述您反映的问题" not in error  # the resident's wording on the web form


@pytest.mark.django_db
def test_orders_on_the_second_sheet_are_pointed_at(personas) -> None:
    book = Workbook()
    book.active.title = "说明"
    book.active.append(["本文件由12345平台导出"])
    orders = book.create_sheet("工单")
    orders.append(list(COLUMNS))
    orders.append(GOOD[1])
    stream = io.BytesIO()
    book.save(stream)
    stream.seek(0)
    with pytest.raises(ImportFailed) as raised:
        import_hotline(stream)
    assert raised.value.errors[-1] == (
        "只读取第一个工作表「说明」；工单似乎在工作表「工单」中，"
        "请把它移到第一个位置（或删去其他工作表）后再导入"
    )
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_a_csv_file_is_recognised(personas, tmp_path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(",".join(COLUMNS) + "\n12345-9,2026-11-21 10:00,12345热线\n", encoding="gbk")
    with pytest.raises(CommandError) as raised:
        call_command("import_cases", str(path))
    assert "这是 CSV 文件，请在 Excel 中另存为 .xlsx 后再导入" in str(raised.value)
    # The web page's upload (a CSV renamed .xlsx) gets the same sentence.
    with pytest.raises(ImportFailed) as raised:
        import_hotline(io.BytesIO(path.read_bytes()))
    assert raised.value.errors == ["这是 CSV 文件，请在 Excel 中另存为 .xlsx 后再导入"]


@pytest.mark.django_db
def test_a_changed_order_imported_again_is_noted_and_left_alone(personas, tmp_path) -> None:
    import_hotline(xlsx(GOOD))
    before = {c.external_order_no: (c.content, c.address) for c in Case.objects.all()}
    changed = [list(GOOD[0]), list(GOOD[1])]
    changed[0][4] = "楼下餐馆油烟扰民，晚上十点后仍在营业"
    changed[1][5] = "宝安路3号C小区西门"
    path = tmp_path / "again.xlsx"
    path.write_bytes(xlsx(changed).getvalue())
    out = io.StringIO()
    call_command("import_cases", str(path), stdout=out)
    text = out.getvalue()
    assert "新增 0 条，已存在 2 条" in text
    assert "第 2 行：工单 12345-0001 已存在，本次文件中的内容与系统中不同，未更新" in text
    assert "第 3 行：工单 12345-0002 已存在，本次文件中的地址与系统中不同，未更新" in text
    after = {c.external_order_no: (c.content, c.address) for c in Case.objects.all()}
    assert after == before  # idempotent: an import never edits a case
    call_command("import_cases", str(path), stdout=(same := io.StringIO()))
    assert same.getvalue() == text  # and says the same again


@pytest.mark.django_db
def test_the_same_file_again_has_no_note(personas) -> None:
    import_hotline(xlsx(GOOD))
    assert import_hotline(xlsx(GOOD)).warnings == []


@pytest.mark.django_db
def test_the_import_page_says_the_same(personas) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from gongzhi.org.testing import PASSWORD

    client = Client()
    assert client.login(username=personas.community_worker.username, password=PASSWORD)
    csv_named_xlsx = ",".join(COLUMNS).encode() + b"\n12345-9,2026-11-21 10:00\n"
    response = client.post(
        "/cases/import/", {"file": SimpleUploadedFile("工单.xlsx", csv_named_xlsx)}
    )
    assert "这是 CSV 文件，请在 Excel 中另存为 .xlsx 后再导入" in response.content.decode()

    import_hotline(xlsx(GOOD))
    changed = [list(GOOD[0]), list(GOOD[1])]
    changed[1][4] = "小区门口路灯不亮，已经一周了"
    upload = SimpleUploadedFile("工单.xlsx", xlsx(changed).getvalue())
    page = client.post("/cases/import/", {"file": upload}).content.decode()
    assert "第 3 行：工单 12345-0002 已存在，本次文件中的内容与系统中不同，未更新" in page
