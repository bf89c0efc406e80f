"""楼盘表 import: every row validated first, all or nothing, idempotent, V6 owners."""

import copy
import io
from decimal import Decimal

import pytest

from gongzhi.core.models import AuditRecord
from gongzhi.org import roster, services
from gongzhi.org.models import Building, Owner, Person, Residency, Unit
from gongzhi.org.roster_export import rows_for_compound
from gongzhi.org.tests.roster_files import GOOD_ROWS, ID_OTHER, ID_ZHANG, upload


@pytest.fixture
def compound(personas):
    return services.compound_create(community=personas.community1, name="测试花园")


def _import(compound, rows, actor=None) -> services.RosterReport:
    return services.roster_import(actor=actor, compound=compound, rows=roster.parse(upload(rows)))


def _snapshot(compound) -> list:
    return [
        list(Unit.objects.filter(building__compound=compound).order_by("id").values()),
        list(Building.objects.filter(compound=compound).order_by("id").values()),
        list(Owner.objects.filter(compound=compound).order_by("id").values()),
        list(Person.objects.order_by("id").values()),
        list(Residency.objects.order_by("id").values()),
    ]


@pytest.mark.django_db
def test_a_valid_file_creates_the_compound_roster(compound) -> None:
    report = _import(compound, GOOD_ROWS)

    assert str(report) == "新增 5，更新 0，未变 0"
    units = {u.room: u for u in Unit.objects.filter(building__compound=compound)}
    assert units["101"].area == Decimal("89.50") and units["101"].path.startswith(compound.path)
    assert units["102"].area_source == "surveyed"
    assert units["601"].ownership_status == "possession"
    # One buyer with two units is one owner (one head, rule V6).
    assert units["101"].owner == units["601"].owner
    # A co-owned unit votes through the first-named owner.
    co_owned = units["102"].owner
    assert co_owned.kind == Owner.Kind.CO_OWNED
    voters = co_owned.members.filter(is_designated_voter=True)
    assert [m.person.name for m in voters] == ["王芳"]
    assert co_owned.members.count() == 2
    # All unsold units belong to the one developer owner.
    developer = units["1801"].owner
    assert developer.kind == Owner.Kind.DEVELOPER and developer == units["1802"].owner
    assert developer.developer_name == "武汉南湖置业有限公司"
    assert Building.objects.get(compound=compound, name="2栋").floors == 18
    kinds = {(r.person.name, r.kind) for r in Residency.objects.filter(unit=units["101"])}
    assert kinds == {("张伟", "owner"), ("张小明", "family")}
    assert Residency.objects.get(unit=units["601"]).person.phone == "19900000004"
    assert AuditRecord.objects.filter(action="org.unit_create").count() == 5
    assert AuditRecord.objects.filter(action="org.roster_import").exists()
    # Each building the file introduces is audited on its own.
    buildings = [
        str(pk) for pk in Building.objects.filter(compound=compound).values_list("pk", flat=True)
    ]
    created = AuditRecord.objects.filter(action="org.building_create", object_id__in=buildings)
    assert sorted(r.detail["name"] for r in created) == ["1栋", "2栋"]


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing(compound) -> None:
    _import(compound, GOOD_ROWS)
    before = _snapshot(compound)
    audit_rows = AuditRecord.objects.exclude(action="org.roster_import").count()

    report = _import(compound, GOOD_ROWS)

    assert str(report) == "新增 0，更新 0，未变 5"
    assert _snapshot(compound) == before
    assert AuditRecord.objects.exclude(action="org.roster_import").count() == audit_rows


@pytest.mark.django_db
def test_export_then_import_is_a_no_op(compound) -> None:
    _import(compound, GOOD_ROWS)
    before = _snapshot(compound)
    exported = services.roster_export(actor=None, compound=compound)

    rows = roster.parse(io.BytesIO(exported), "export.xlsx")
    report = services.roster_import(actor=None, compound=compound, rows=rows)

    assert str(report) == "新增 0，更新 0，未变 5"
    assert _snapshot(compound) == before
    assert [r.key for r in rows] == [r.key for r in rows_for_compound(compound)]
    assert AuditRecord.objects.filter(action="pii.export").count() == 1


@pytest.mark.django_db
def test_changes_are_counted_and_audited(compound) -> None:
    _import(compound, GOOD_ROWS)
    rows = copy.deepcopy(GOOD_ROWS)
    rows[0][5] = "90.10"  # area corrected
    rows[2][11] = ""  # the tenant moved out
    rows.append(["2栋", 18, "1", "1701", 17, 98, "登记", "已登记", "钱七", "19900000005", "", ""])

    report = _import(compound, rows)

    assert str(report) == "新增 1，更新 2，未变 3"
    assert Unit.objects.get(building__compound=compound, room="101").area == Decimal("90.10")
    tenant = Residency.objects.get(unit__room="601", person__name="赵六")
    assert tenant.moved_out is not None
    update = AuditRecord.objects.filter(action="org.unit_update").order_by("seq").first()
    assert "专有面积" in update.detail["changes"]


@pytest.mark.django_db
def test_people_are_matched_by_id_number_else_by_name_and_phone(compound) -> None:
    _import(compound, GOOD_ROWS)
    people = Person.objects.count()
    rows = copy.deepcopy(GOOD_ROWS)
    rows[0][9] = rows[2][9] = "19900000099"  # 张伟 has a new phone: the same person by ID
    # The tenant of 601 also rents 1701: the same person by name and phone.
    rows.append(["2栋", 18, "1", "1701", 17, 98, "登记", "已登记", "钱七", "19900000005", "",
                 "赵六（租户）19900000004"])  # fmt: skip

    report = _import(compound, rows)

    # The phone change is one update (counted on the first row naming 张伟).
    assert str(report) == "新增 1，更新 1，未变 4"
    assert Person.objects.count() == people + 1  # only 钱七 is new
    assert Person.objects.get(id_number=ID_ZHANG).phone == "19900000099"
    assert Residency.objects.filter(person__name="赵六").count() == 2


@pytest.mark.django_db
def test_the_same_person_in_another_compound_is_another_owner(personas, compound) -> None:
    other = services.compound_create(community=personas.community1, name="另一花园")
    _import(compound, GOOD_ROWS[:1])
    _import(other, [["A座", 6, "1", "201", 2, 70, "登记", "已登记", "张伟", "19900000001",
                     ID_ZHANG, ""]])  # fmt: skip
    zhang = Person.objects.get(id_number=ID_ZHANG)
    assert Owner.objects.filter(members__person=zhang).count() == 2
    assert Person.objects.filter(name="张伟").count() == 1


BAD_ROWS = [
    ["1栋", 6, "1", "101", 1, "89.555", "登记", "已登记", "张伟", "19900000001", ID_ZHANG, ""],
    ["1栋", 6, "1", "102", 1, 80, "估算", "已登记", "王芳", "1990000", "", ""],
    ["1栋", 6, "1", "103", 1, 80, "登记", "已出租", "李强", "19900000003",
     "420199197505050037", ""],
    ["1栋", 6, "1", "104", 9, -3, "登记", "已登记", "", "", "", ""],
    ["1栋", 6, "1", "105", 1, 80, "登记", "已登记", "王芳、李强", "19900000002", "", ""],
    ["1栋", 6, "1", "106", 1, 80, "登记", "未售", "开发商", "19900000002", "", ""],
    ["1栋", 6, "1", "107", 1, 80, "登记", "已登记", "钱七", "19900000005", "", "孙八（租户）"],
]  # fmt: skip


@pytest.mark.django_db
def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_written(compound) -> None:
    people = Person.objects.count()
    rows = [GOOD_ROWS[0], *BAD_ROWS]  # the first row is fine: still nothing is written

    with pytest.raises(roster.RosterError) as caught:
        roster.parse(upload(rows))

    messages = caught.value.messages
    expected = [
        "第 3 行「专有面积」：最多保留两位小数",
        "第 4 行「面积来源」：应为 登记/实测/合同 之一，而不是“估算”",
        "第 4 行「业主手机」：“1990000”不是 11 位手机号",
        "第 5 行「产权状态」：应为 已登记/已交付未登记/未售 之一，而不是“已出租”",
        "第 5 行「业主身份证号」：身份证号校验位不正确",
        "第 6 行「楼层」：超过楼栋层数 6",
        "第 6 行「专有面积」：应为正数",
        "第 7 行「业主手机」：每位业主须各填一个手机号（共 2 位业主，以“、”分隔，顺序与姓名一致）",
        "第 8 行「业主手机」：未售房屋归开发建设单位，不填个人信息",
        "第 9 行「住户」：“孙八”需填写 11 位手机号",
    ]
    for message in expected:
        assert message in messages
    assert len(messages) == len(expected)
    assert not Unit.objects.filter(building__compound=compound).exists()
    assert Person.objects.count() == people


@pytest.mark.django_db
def test_problems_across_rows_are_reported(compound) -> None:
    rows = copy.deepcopy(GOOD_ROWS)
    rows.append(["1栋", 7, "1", "101", 1, 70, "登记", "已登记", "张伟伟", "19900000007",
                 ID_ZHANG, ""])  # fmt: skip
    rows.append(["3栋", 6, "1", "101", 1, 70, "登记", "已登记", "周九", "19900000008",
                 ID_OTHER, "周九（业主自住）、周九（业主自住）"])  # fmt: skip

    with pytest.raises(roster.RosterError) as caught:
        roster.parse(upload(rows))

    assert caught.value.messages == [
        "第 8 行「住户」：同一住户重复填写",
    ]
    rows.pop()
    with pytest.raises(roster.RosterError) as caught:
        roster.parse(upload(rows))
    assert caught.value.messages == [
        "第 7 行「房号」：与第 2 行重复（1栋 1单元 101）",
        "第 7 行「层数(楼栋)」：与第 2 行同一楼栋的层数（6）不一致",
        "第 7 行「业主身份证号」：与第 2 行同一身份证号的姓名或手机号不一致",
    ]


@pytest.mark.django_db
def test_missing_columns_are_named() -> None:
    header = [c for c in roster.COLUMNS if c not in ("楼层", "住户")]
    with pytest.raises(roster.RosterError) as caught:
        roster.parse(upload([], header))
    assert caught.value.messages == ["表头缺少「楼层」列"]


def test_files_that_are_not_a_valid_xlsx_are_refused() -> None:
    cases = [
        (io.BytesIO(b"name,room\n"), "roster.csv", "请上传 Excel 文件（.xlsx 格式）"),
        (
            io.BytesIO(b"PK\x03\x04 broken"),
            "roster.xlsx",
            "文件已损坏或不是有效的 Excel（.xlsx）文件",
        ),
        (io.BytesIO(b"0" * (roster.MAX_BYTES + 1)), "big.xlsx", "文件超过 5 MB，请拆分后再导入"),
    ]
    for data, name, message in cases:
        with pytest.raises(roster.RosterError) as caught:
            roster.parse(data, name)
        assert caught.value.messages == [message], name


def test_id_numbers_are_checked_digit_by_digit() -> None:
    assert roster.id_number_problem(ID_ZHANG) == ""
    assert roster.id_number_problem("42010619850202567X") == ""
    assert roster.id_number_problem("420199198001010010") == "身份证号校验位不正确"
    assert roster.id_number_problem("420199198002300019") == "身份证号中的出生日期无效"
    assert "18 位" in roster.id_number_problem("4201991980010100")
