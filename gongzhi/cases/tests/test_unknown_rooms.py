"""Issue #3: an address naming a building of the compound and a flat it does not have is
refused with a Chinese message (staff intake, hotline import) and nothing is written; a
building alone, a flat that exists or a free place keeps working."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from gongzhi.cases.imports import ImportFailed, import_hotline
from gongzhi.cases.models import Case
from gongzhi.cases.tests.test_imports import GOOD, xlsx
from gongzhi.core.models import AuditRecord, Notification
from gongzhi.org import services as org_services
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

NO_3001 = "A小区 1栋 没有 1单元3001 这户，请核对门牌或只填写楼栋"
NO_301 = "A小区 1栋 没有 301室 这户，请核对门牌或只填写楼栋"


def _intake(personas, address: str):
    client = Client()
    client.login(username=personas.grid_worker.username, password=PASSWORD)
    data = {
        "channel": "visit",
        "type": "help",
        "compound": personas.compound_a.pk,
        "address": address,
        "content": "卫生间天花板一直滴水",
    }
    return client.post("/cases/intake/", data)


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("A小区1栋1单元3001", NO_3001),
        ("南湖路1号A小区 1号楼 1单元 3001室", NO_3001),
        ("A小区1栋301室", NO_301),
        ("1幢301", NO_301),
    ],
)
def test_intake_refuses_a_flat_the_building_does_not_have(personas, address, message) -> None:
    response = _intake(personas, address)
    assert response.status_code == 200  # the form again, with what was typed
    assert response.context["form"].errors["address"] == [message]
    assert message in response.content.decode()
    assert not Case.objects.exists()
    assert not AuditRecord.objects.filter(action="case.file").exists()
    assert not Notification.objects.filter(kind="case.created").exists()


@pytest.mark.parametrize(
    ("address", "building", "unit"),
    [
        ("A小区1栋", "1栋", None),  # the building alone
        ("A小区1栋1单元102室", "1栋", "1单元102"),  # a flat it has
        ("A小区1栋0102", "1栋", None),  # 102 with a leading zero: not refused
        ("A小区东门停车场", None, None),  # a free place
        ("A小区1栋1-3楼楼道灯不亮", "1栋", None),  # floors, not a flat
        ("A小区1栋1单元3楼", "1栋", None),
        ("A小区1栋2024年起外墙渗水", "1栋", None),  # a year, not a room
        ("A小区1栋120户停水", "1栋", None),  # a count
        ("A小区1栋1-2号车位", "1栋", None),  # parking spaces
        ("A小区2栋1单元3001", "2栋", None),  # 2栋's households were never registered
        ("A小区11栋1单元101", None, None),  # not 1栋's 1单元101, and no such building
    ],
)
def test_intake_keeps_filing_what_is_not_a_missing_flat(personas, address, building, unit) -> None:
    org_services.building_create(compound=personas.compound_a, name="2栋", floors=6)
    response = _intake(personas, address)
    assert response.status_code == 302, response.context["form"].errors
    case = Case.objects.get()
    assert (case.building.name if case.building else None) == building
    assert (case.unit.label if case.unit else None) == unit
    assert case.address == address


def test_a_flat_of_another_entrance_is_found_by_room_alone(personas) -> None:
    org_services.unit_create(
        building=personas.building_a, entrance="2", room="301", area=Decimal("80.00")
    )
    assert _intake(personas, "A小区1栋301室").status_code == 302
    assert _intake(personas, "A小区1栋1单元301").context["form"].errors["address"] == [
        "A小区 1栋 没有 1单元301 这户，请核对门牌或只填写楼栋"
    ]


ROOMLESS = [
    "12345-0009", dt.datetime(2026, 11, 22, 8, 0), "12345热线", "投诉", "楼上漏水到我家",
    "武汉市南湖路1号A小区1栋1单元3001", "赵女士", "13700002222", None,
]  # fmt: skip


def test_the_import_rejects_the_row_and_writes_nothing(personas) -> None:
    with pytest.raises(ImportFailed) as failure:
        import_hotline(xlsx([*GOOD, ROOMLESS]))
    assert failure.value.errors == [f"第 4 行「诉求地址」：{NO_3001}"]
    assert not Case.objects.exists()
    assert not AuditRecord.objects.filter(action="case.import").exists()


def test_the_command_names_the_row_and_imports_once_corrected(personas, tmp_path) -> None:
    path = tmp_path / "orders.xlsx"
    path.write_bytes(xlsx([*GOOD, ROOMLESS]).getvalue())
    with pytest.raises(CommandError, match=f"第 4 行「诉求地址」：{NO_3001}"):
        call_command("import_cases", str(path))
    assert not Case.objects.exists()
    fixed = [*ROOMLESS[:5], "武汉市南湖路1号A小区1栋1单元101", *ROOMLESS[6:]]
    path.write_bytes(xlsx([*GOOD, fixed]).getvalue())
    out = io.StringIO()
    call_command("import_cases", str(path), stdout=out)
    assert "新增 3 条" in out.getvalue()
    case = Case.objects.get(external_order_no="12345-0009")
    assert case.unit == personas.unit_a
