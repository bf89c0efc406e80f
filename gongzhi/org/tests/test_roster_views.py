"""The 楼盘表 pages and commands as a roster manager (and everyone else) meets them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.core.models import AuditRecord
from gongzhi.org import roster, services
from gongzhi.org.models import Unit
from gongzhi.org.testing import PASSWORD
from gongzhi.org.tests.roster_files import BAD_ROW, GOOD_ROWS, workbook_bytes


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _post(client: Client, compound, data: bytes, name: str = "roster.xlsx"):
    url = reverse("org:roster_import", kwargs={"pk": compound.pk})
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


@pytest.fixture
def compound(personas):
    return services.compound_create(community=personas.community1, name="测试花园")


@pytest.mark.django_db
def test_a_community_worker_imports_and_exports_the_roster(personas, compound) -> None:
    client = _client(personas.community_worker)
    page = client.get(reverse("org:compound", kwargs={"pk": compound.pk})).content.decode()
    assert "导入楼盘表" in page and "导出楼盘表" in page

    response = _post(client, compound, workbook_bytes(GOOD_ROWS))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "楼盘表导入完成：新增 5，更新 0，未变 0" in page

    response = client.get(reverse("org:roster_export", kwargs={"pk": compound.pk}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(roster.COLUMNS)
    assert rows[1][8:11] == ("张伟", "19900000001", "420199198001010019")  # full contacts
    export = AuditRecord.objects.get(action="pii.export")
    assert export.actor == personas.community_worker and export.object_id == str(compound.pk)

    response = _post(client, compound, response.content, "export.xlsx")
    assert "新增 0，更新 0，未变 5" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_a_bad_upload_shows_every_problem_and_writes_nothing(personas, compound) -> None:
    client = _client(personas.community_worker)

    response = _post(client, compound, workbook_bytes([*GOOD_ROWS, BAD_ROW]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "未写入任何数据" in page
    assert "第 7 行「专有面积」：最多保留两位小数" in page
    assert not Unit.objects.filter(building__compound=compound).exists()

    page = _post(client, compound, b"not a workbook", "roster.xls").content.decode()
    assert "请上传 Excel 文件（.xlsx 格式）" in page


@pytest.mark.django_db
def test_only_roster_managers_of_the_compound_reach_the_roster(personas) -> None:
    export = reverse("org:roster_export", kwargs={"pk": personas.compound_a.pk})
    imports = reverse("org:roster_import", kwargs={"pk": personas.compound_a.pk})
    # property_b's company does not serve compound A; property_a's does, but staff of a
    # property company do not manage the roster: both are told the page does not exist.
    for user in (personas.property_b, personas.property_a, personas.resident_a):
        client = _client(user)
        assert client.get(export).status_code == 404, user
        assert client.get(imports).status_code == 404, user
        assert _post(client, personas.compound_a, workbook_bytes(GOOD_ROWS)).status_code == 404
    assert not AuditRecord.objects.filter(action="pii.export").exists()
    assert Unit.objects.filter(building__compound=personas.compound_a).count() == 2
    assert _client(personas.street_officer).get(export).status_code == 200


@pytest.mark.django_db
def test_the_commands_round_trip(compound, tmp_path) -> None:
    source = tmp_path / "source.xlsx"
    source.write_bytes(workbook_bytes(GOOD_ROWS))
    out = io.StringIO()
    call_command("import_roster", compound.pk, source, stdout=out)
    assert "新增 5，更新 0，未变 0" in out.getvalue()

    exported = tmp_path / "exported.xlsx"
    call_command("export_roster", compound.pk, exported, stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_roster", compound.pk, exported, stdout=out)
    assert "新增 0，更新 0，未变 5" in out.getvalue()

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook_bytes([BAD_ROW]))
    with pytest.raises(CommandError, match="第 2 行「专有面积」：最多保留两位小数"):
        call_command("import_roster", compound.pk, bad)
