"""The hotline import page: a count when every row is good, row errors and nothing otherwise."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from gongzhi.cases.imports import COLUMNS
from gongzhi.cases.models import Case
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

GOOD = [
    "12345-001",
    "2026-11-28 09:30",
    "12345热线",
    "投诉",
    "电梯经常停运",
    "A小区1栋",
    "赵六",
    "13600001111",
    "",
]


def _xlsx(*rows: list) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("orders.xlsx", buffer.getvalue())


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_good_file_imports_and_shows_the_count(personas) -> None:
    second = ["12345-002", *GOOD[1:4], "路灯不亮", "B小区门口", "", "", ""]
    response = _client(personas.community_worker).post(
        "/cases/import/", {"file": _xlsx(GOOD, second)}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "已导入 2 件工单，跳过已存在的 0 件。" in page
    assert Case.objects.filter(external_order_no__startswith="12345-").count() == 2


def test_any_bad_row_imports_nothing_and_lists_row_errors(personas) -> None:
    bad = ["12345-003", "昨天上午", "12345热线", "投诉", "", "不存在的小区", "", "abc", ""]
    response = _client(personas.community_worker).post("/cases/import/", {"file": _xlsx(GOOD, bad)})
    page = response.content.decode()
    assert response.status_code == 400
    assert "未导入任何工单" in page
    assert "第 3 行「受理时间」" in page and "第 3 行「诉求内容」：不能为空" in page
    assert "第 3 行「诉求地址」：未匹配到小区" in page
    assert not Case.objects.exists()


def test_a_file_that_is_not_excel_is_refused(personas) -> None:
    client = _client(personas.community_worker)
    fake = SimpleUploadedFile("orders.xlsx", b"not a spreadsheet")
    page = client.post("/cases/import/", {"file": fake}).content.decode()
    assert "文件无法读取" in page
    page = client.post("/cases/import/", {"file": SimpleUploadedFile("a.csv", b"x")})
    assert "这是 CSV 文件，请在 Excel 中另存为 .xlsx 后再导入" in page.content.decode()
    page = client.post("/cases/import/", {"file": SimpleUploadedFile("old.XLS", b"x")})
    assert "这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx" in page.content.decode()
    page = client.post("/cases/import/", {"file": SimpleUploadedFile("orders.txt", b"x")})
    assert "仅支持 .xlsx 格式的 Excel 文件" in page.content.decode()
    assert not Case.objects.exists()


def test_only_community_and_street_may_import(personas) -> None:
    response = _client(personas.property_a).post("/cases/import/", {"file": _xlsx(GOOD)})
    assert response.status_code == 403
    assert not Case.objects.exists()


def test_the_page_names_the_optional_columns_and_warns_of_a_passed_deadline(personas) -> None:
    client = _client(personas.community_worker)
    intro = client.get("/cases/import/").content.decode()
    assert "「工单编号」" in intro and "可选：「诉求人」「联系电话」「办理时限」" in intro
    late = [*GOOD[:8], "2026-11-28 18:00"]  # the hotline's deadline, long gone
    page = client.post("/cases/import/", {"file": _xlsx(late)}).content.decode()
    assert "已导入 1 件工单" in page
    assert 'data-testid="import-warnings"' in page
    assert "热线办理时限 2026-11-28 18:00 导入时已过" in page
    case = Case.objects.get(external_order_no="12345-001")
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="external-due-past"' in detail and "热线要求办结时间" in detail
