"""Bad input a person (or a script) can send the case pages: refused with a reason, never a 500,
and nothing half done.

"²" is a digit to `str.isdigit()` and not to `int()`; a form without its hidden version cannot
be checked for staleness; a selection may hold a case the user cannot see.
"""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from gongzhi.cases.imports import COLUMNS, MAX_ERRORS, MAX_ROWS, ImportFailed, import_hotline
from gongzhi.cases.management.commands import import_cases
from gongzhi.cases.models import Case, CaseEvent
from gongzhi.cases.tests.test_imports import GOOD, xlsx
from gongzhi.cases.workflow import CaseChanged, Status
from gongzhi.core.models import AuditRecord, CalendarOverride
from gongzhi.core.parsing import parse_id, parse_int
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _stale() -> str:
    return str(CaseChanged())


def test_only_ascii_digits_within_bounds_are_numbers() -> None:
    assert [parse_id(v) for v in ("1", "42", "0042")] == [1, 42, 42]
    for bad in ("²", "³", "¹", "٣", "①", "+1", " 1", "1_0", "-1", "0", "", None, "9" * 17):
        assert parse_id(bad) is None, bad
    assert parse_int("0") == 0 and parse_int(str(2**53 + 1)) is None


@pytest.mark.parametrize("version", ["²", None, "-1", "abc"])
def test_an_action_without_a_readable_version_is_refused_as_a_stale_form(
    personas, make, version
) -> None:
    case = make.dispatched()
    data = {} if version is None else {"version": version}
    response = _client(personas.property_a).post(f"/cases/{case.pk}/accept", data, follow=True)
    assert response.status_code == 400  # the form again, against the case as it is now
    assert "该诉求已被他人处理（当前状态：已交办），请核对后重新提交" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED
    assert not CaseEvent.objects.filter(case=case, new_status=Status.ACCEPTED).exists()


def test_the_same_action_with_its_version_goes_through(personas, make) -> None:
    case = make.dispatched()
    _client(personas.property_a).post(f"/cases/{case.pk}/accept", {"version": case.version})
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED


@pytest.mark.parametrize("value", ["{pk}:²", "²:{version}", "{pk}:-1"])
def test_a_bulk_selection_with_a_bad_number_is_refused(personas, make, value) -> None:
    case = make.assessed()
    posted = value.format(pk=case.pk, version=case.version)
    response = _client(personas.community_worker).post(
        "/cases/bulk-dispatch", {"cases": [posted], "target": "community"}, follow=True
    )
    assert response.status_code == 200
    assert "所选诉求无效，请刷新后重试" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == Status.ASSESSED


def test_a_bulk_selection_with_a_case_out_of_sight_dispatches_the_rest_and_says_so(
    personas, make
) -> None:
    mine = make.assessed()
    theirs = make.assessed(compound=personas.compound_c)  # 宝安: not the 华锦 worker's
    response = _client(personas.community_worker).post(
        "/cases/bulk-dispatch",
        {
            "cases": [f"{mine.pk}:{mine.version}", f"{theirs.pk}:{theirs.version}"],
            "target": "community",
        },
        follow=True,
    )
    assert response.status_code == 200  # the queue with the summary, not a bare 404
    page = response.content.decode()
    assert f"已交办 1 件：{mine.number}" in page
    assert "未能交办：1 件未找到或无权处理" in page
    assert theirs.number not in page
    assert Case.objects.get(pk=mine.pk).status == Status.DISPATCHED
    assert Case.objects.get(pk=theirs.pk).status == Status.ASSESSED


def test_the_routing_rules_page_ignores_a_compound_that_is_not_a_number(personas) -> None:
    client = _client(personas.street_officer)
    for value in ("²", "1²", "99999999999999999999"):
        response = client.get("/cases/settings/routing/", {"compound": value})
        assert response.status_code == 200, value
    assert client.get("/cases/settings/routing/", {"compound": "999999"}).status_code == 404


@pytest.mark.parametrize("day", ["0001-01-01", "1900-01-01", "1999-12-31", "9999-12-31"])
def test_a_calendar_override_far_from_now_is_refused(personas, day) -> None:
    response = _client(personas.street_officer).post(
        "/cases/settings/calendar/", {"date": day, "is_workday": "0", "note": "测试"}
    )
    assert response.status_code == 400
    last = timezone.localdate().year + 2
    assert f"日期须在 2000 年至 {last} 年之间" in response.content.decode()
    assert not CalendarOverride.objects.exists()


# --- Hotline import ------------------------------------------------------------------------------


def _row(i: int, **change) -> list:
    row = dict(zip(COLUMNS, GOOD[1], strict=True))
    row["工单编号"] = f"12345-{i:05d}"
    row.update(change)
    return [row[c] for c in COLUMNS]


def test_a_file_of_more_rows_than_allowed_is_refused_before_any_check(personas) -> None:
    with pytest.raises(ImportFailed) as failure:
        import_hotline(xlsx([_row(i, 诉求地址="不存在") for i in range(MAX_ROWS + 1)]))
    assert failure.value.errors == [
        f"文件中的工单超过 {MAX_ROWS} 行，请分成多个文件导入（每个最多 {MAX_ROWS} 行）"
    ]
    assert not Case.objects.exists()


def test_only_the_first_problems_are_listed_and_the_rest_counted(personas) -> None:
    rows = [_row(i, 诉求地址="不存在") for i in range(MAX_ERRORS + 30)]
    with pytest.raises(ImportFailed) as failure:
        import_hotline(xlsx(rows))
    errors = failure.value.errors
    assert len(errors) == MAX_ERRORS + 1
    assert errors[0] == "第 2 行「诉求地址」：未匹配到小区（地址中应包含小区名称）"
    assert errors[-1] == "另有 30 处问题未列出"


def test_a_file_with_only_a_header_imports_nothing_and_says_so(personas) -> None:
    with pytest.raises(ImportFailed) as failure:
        import_hotline(xlsx([]))
    assert failure.value.errors == ["文件中没有工单：表头下方没有任何数据行"]
    assert not AuditRecord.objects.filter(action="case.import").exists()


def test_a_formula_without_a_stored_result_is_named_as_a_formula(personas) -> None:
    row = _row(1, 工单编号="=1+1", 诉求内容='=CONCATENATE("路灯","坏了")')
    with pytest.raises(ImportFailed) as failure:
        import_hotline(xlsx([row, _row(2, 诉求内容=None)]))
    problem = "不支持公式，请将该列复制后“选择性粘贴”为数值再导入"
    assert failure.value.errors == [
        f"第 2 行「工单编号」：{problem}",
        f"第 2 行「诉求内容」：{problem}",
        "第 3 行「诉求内容」：不能为空",  # an empty cell is still just empty
    ]


def test_an_order_received_before_2000_is_refused(personas) -> None:
    with pytest.raises(ImportFailed) as failure:
        import_hotline(xlsx([_row(1, 受理时间="1900-01-01 00:00", 办理时限="1900-01-02")]))
    assert failure.value.errors == ["第 2 行「受理时间」：受理时间不能早于 2000-01-01"]
    assert not Case.objects.exists()


def test_the_import_command_names_a_directory_or_an_unreadable_file(
    personas, tmp_path, monkeypatch
) -> None:
    with pytest.raises(CommandError, match="这是一个目录，请指定工单导出文件"):
        call_command("import_cases", str(tmp_path))

    def unreadable(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    # As root every file is readable: the command's own `open` is the one refused here.
    monkeypatch.setattr(import_cases, "open", unreadable, raising=False)
    with pytest.raises(CommandError, match="没有读取该文件的权限"):
        call_command("import_cases", str(tmp_path / "locked.xlsx"))


def test_the_import_command_lists_the_first_problems_too(personas, tmp_path) -> None:
    path = tmp_path / "many.xlsx"
    path.write_bytes(xlsx([_row(i, 诉求地址="不存在") for i in range(MAX_ERRORS + 5)]).getvalue())
    with pytest.raises(CommandError) as failure:
        call_command("import_cases", str(path), stdout=io.StringIO())
    message = str(failure.value)
    assert message.count("未匹配到小区") == MAX_ERRORS and message.endswith("另有 5 处问题未列出")
