"""A 楼盘表 goes into the compound it belongs to: the export names its compound and the import
(command and page) refuses it for another; the commands take a compound by number or name,
and say in Chinese what went wrong."""

import io

import pytest
from django.core.management import CommandError, call_command, load_command_class
from django.urls import reverse
from openpyxl import Workbook

from gongzhi.core.models import AuditRecord
from gongzhi.org import services
from gongzhi.org.models import Unit
from gongzhi.org.roster import COLUMNS
from gongzhi.org.roster_export import rows_for_compound, write_workbook
from gongzhi.org.tests.roster_files import GOOD_ROWS, workbook_bytes
from gongzhi.org.tests.test_roster_import import _snapshot
from gongzhi.org.tests.test_roster_views import _client, _post

REFUSED = "该文件是「锦华花园」的楼盘表，与目标小区「锦华苑」不符，未导入任何数据"


@pytest.fixture
def garden(personas):
    """锦华花园 with its roster, and its neighbour 锦华苑 with a roster of its own."""
    garden = services.compound_create(community=personas.community1, name="锦华花园")
    services.roster_import(actor=None, compound=garden, rows=_rows(GOOD_ROWS))
    return garden


@pytest.fixture
def court(personas):
    court = services.compound_create(community=personas.community1, name="锦华苑")
    own = [[*row[:8], "", "", "", ""] for row in GOOD_ROWS if row[7] == "未售"]
    services.roster_import(actor=None, compound=court, rows=_rows(own))
    return court


def _rows(rows):
    from gongzhi.org import roster

    return roster.parse(io.BytesIO(workbook_bytes(rows)))


def _sheet_titled(title: str, rows: list[list]) -> bytes:
    """A workbook as made by hand or by an older export: a sheet title, no document title."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_another_compounds_export_is_refused_by_the_command(garden, court, tmp_path) -> None:
    exported = tmp_path / "锦华花园.xlsx"
    call_command("export_roster", str(garden.pk), exported, stdout=io.StringIO())
    before, audited = _snapshot(court), AuditRecord.objects.count()

    with pytest.raises(CommandError, match=REFUSED):
        call_command("import_roster", str(court.pk), exported, stdout=io.StringIO())

    assert _snapshot(court) == before
    assert AuditRecord.objects.count() == audited
    # Into its own compound the same file imports (and changes nothing).
    out = io.StringIO()
    call_command("import_roster", str(garden.pk), exported, stdout=out)
    assert "锦华花园：新增 0，更新 0，未变 5" in out.getvalue()


@pytest.mark.django_db
def test_an_older_export_is_known_by_its_sheet_title(garden, court, tmp_path) -> None:
    older = tmp_path / "old.xlsx"
    older.write_bytes(_sheet_titled("锦华花园", GOOD_ROWS))
    before = _snapshot(court)

    with pytest.raises(CommandError, match=REFUSED):
        call_command("import_roster", "锦华苑", older, stdout=io.StringIO())

    assert _snapshot(court) == before


@pytest.mark.django_db
def test_a_hand_made_sheet_imports_into_the_compound_named(garden, court, tmp_path) -> None:
    for title in ("Sheet1", "1栋"):
        made = tmp_path / f"{title}.xlsx"
        made.write_bytes(_sheet_titled(title, GOOD_ROWS))
        out = io.StringIO()
        call_command("import_roster", "锦华苑", made, stdout=out)
        assert "锦华苑：" in out.getvalue()
    assert Unit.objects.filter(building__compound=court).count() == 5


@pytest.mark.django_db
def test_another_compounds_export_is_refused_on_the_page(personas, garden, court) -> None:
    client = _client(personas.community_worker)
    exported = client.get(reverse("org:roster_export", kwargs={"pk": garden.pk})).content
    before = _snapshot(court)

    response = _post(client, court, exported, "锦华花园楼盘表.xlsx")

    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert _snapshot(court) == before


@pytest.mark.django_db
def test_the_commands_take_a_compound_by_name_and_list_namesakes(personas, garden, tmp_path):
    exported = tmp_path / "x.xlsx"
    out = io.StringIO()
    call_command("export_roster", "锦华花园", exported, stdout=out)
    assert f"锦华花园：楼盘表已导出到 {exported}" in out.getvalue()

    namesake = services.compound_create(community=personas.community2, name="锦华花园")
    listed = (
        f"有 2 个小区名为「锦华花园」，请改用编号："
        f"{garden.pk} 锦华花园（{personas.community1.name}）、"
        f"{namesake.pk} 锦华花园（{personas.community2.name}）"
    )
    with pytest.raises(CommandError, match=listed):
        call_command("export_roster", "锦华花园", exported)
    with pytest.raises(CommandError, match="没有名为「无此小区」的小区"):
        call_command("import_roster", "无此小区", exported)
    with pytest.raises(CommandError, match=f"名称相近的有：{garden.pk} 锦华花园"):
        call_command("import_roster", "锦华花", exported)
    with pytest.raises(CommandError, match="没有编号为 999999 的小区"):
        call_command("import_roster", "999999", exported)
    for name in ("import_roster", "export_roster"):
        usage = load_command_class("gongzhi.org", name).create_parser("manage.py", name)
        assert "小区编号或名称" in usage.format_help()


@pytest.mark.django_db
def test_an_export_to_a_missing_directory_says_so_and_audits_nothing(garden, tmp_path) -> None:
    target = tmp_path / "nonexistent" / "x.xlsx"

    with pytest.raises(CommandError, match=f"无法写入 {target}：目录不存在"):
        call_command("export_roster", str(garden.pk), target)
    with pytest.raises(CommandError, match=f"无法写入 {tmp_path}：这是一个目录"):
        call_command("export_roster", str(garden.pk), tmp_path)

    assert not AuditRecord.objects.filter(action="pii.export").exists()


def _export(compound, path):
    call_command("export_roster", str(compound.pk), path, stdout=io.StringIO())
    return path


@pytest.mark.django_db
def test_a_namesakes_export_is_refused_by_its_number(personas, garden, tmp_path) -> None:
    namesake = services.compound_create(community=personas.community2, name="锦华花园")
    exported = _export(garden, tmp_path / "锦华花园.xlsx")

    refused = (
        f"该文件是另一个同名小区「锦华花园」（编号 {garden.pk}）的楼盘表，"
        f"与目标小区（编号 {namesake.pk}）不符，未导入任何数据"
    )
    with pytest.raises(CommandError, match=refused):
        call_command("import_roster", str(namesake.pk), exported, stdout=io.StringIO())

    assert not Unit.objects.filter(building__compound=namesake).exists()


@pytest.mark.django_db
def test_a_renamed_compound_imports_its_own_export(personas, garden, court, tmp_path) -> None:
    exported = _export(garden, tmp_path / "锦华花园.xlsx")
    garden.name = "锦华花园一期"
    garden.save(update_fields=["name"])

    out = io.StringIO()
    call_command("import_roster", str(garden.pk), exported, stdout=out)

    assert "锦华花园一期：新增 0，更新 0，未变 5" in out.getvalue()
    with pytest.raises(CommandError, match=REFUSED):  # still not the neighbour's
        call_command("import_roster", str(court.pk), exported, stdout=io.StringIO())
    page = _post(_client(personas.community_worker), garden, exported.read_bytes(), "x.xlsx")
    assert "未导入任何数据" not in page.content.decode()


@pytest.mark.django_db
def test_an_export_without_a_number_is_still_checked_by_name(garden, court, tmp_path) -> None:
    """Exports written before the number was: document title only, checked as before."""
    older = tmp_path / "older.xlsx"
    older.write_bytes(write_workbook(rows_for_compound(garden), title="锦华花园"))
    before = _snapshot(court)

    with pytest.raises(CommandError, match=REFUSED):
        call_command("import_roster", str(court.pk), older, stdout=io.StringIO())

    assert _snapshot(court) == before
    out = io.StringIO()
    call_command("import_roster", str(garden.pk), older, stdout=out)
    assert "锦华花园：新增 0，更新 0，未变 5" in out.getvalue()
