"""The 楼盘表 (roster) of a compound as an Excel sheet: one row per unit.

This module knows the file format only: it reads and validates a workbook into `RosterRow`s
(every row is checked before anything is written) and writes rows back into a workbook.
Applying rows to the database is `services.roster_import`; `roster_export` writes them back.

Columns (co-owners are separated by 、, the designated voter first; phones and ID numbers
follow the same order):
  楼栋 | 层数(楼栋) | 单元 | 房号 | 楼层 | 专有面积 | 面积来源 | 产权状态 | 业主姓名 | 业主手机 |
  业主身份证号 | 住户
住户 (optional) lists the current residents as 姓名（类型）手机, e.g. 张三（业主自住）、
王五（租户）19900001234; an owner-occupier needs no phone (it is the owner's).
"""

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.utils.translation import gettext as _

from gongzhi.org.models import AreaSource, Compound, Residency, Unit

COLUMNS = (
    "楼栋",
    "层数(楼栋)",
    "单元",
    "房号",
    "楼层",
    "专有面积",
    "面积来源",
    "产权状态",
    "业主姓名",
    "业主手机",
    "业主身份证号",
    "住户",
)
OPTIONAL_COLUMNS = frozenset({"住户"})
MAX_BYTES = 5 * 1024 * 1024
SEP = "、"
# The export marks its workbook as the roster of one compound: document subject and title.
ROSTER_SUBJECT = "楼盘表"
# …and its document identifier the compound's number: the name may change, the number not.
COMPOUND_IDENTIFIER = "gongzhi-compound:"

AREA_SOURCES = {
    "登记": AreaSource.REGISTERED,
    "实测": AreaSource.SURVEYED,
    "合同": AreaSource.CONTRACT,
}
STATUSES = {
    "已登记": Unit.Status.REGISTERED,
    "已交付未登记": Unit.Status.POSSESSION,
    "未售": Unit.Status.UNSOLD,
}
RESIDENT_KINDS = {
    "业主自住": Residency.Kind.OWNER_OCCUPIER,
    "租户": Residency.Kind.TENANT,
    "家庭成员": Residency.Kind.FAMILY,
}
AREA_SOURCE_LABELS = {v: k for k, v in AREA_SOURCES.items()}
STATUS_LABELS = {v: k for k, v in STATUSES.items()}
RESIDENT_KIND_LABELS = {v: k for k, v in RESIDENT_KINDS.items()}

_MOBILE = re.compile(r"1[3-9]\d{9}")
_ID = re.compile(r"\d{17}[\dX]")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT = re.compile(r"(?P<name>[^（(]+)[（(](?P<kind>[^）)]+)[）)](?P<phone>\S*)")


def id_check_digit(first17: str) -> str:
    """GB 11643 check character of an 18-character resident ID number."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def id_number_problem(value: str) -> str:
    """'' when `value` is a well-formed ID number, else what is wrong with it (in Chinese)."""
    if not _ID.fullmatch(value):
        return "身份证号应为 18 位（前 17 位数字，末位数字或 X）"
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "身份证号中的出生日期无效"
    if id_check_digit(value[:17]) != value[17]:
        return "身份证号校验位不正确"
    return ""


@dataclass(frozen=True)
class PersonEntry:
    name: str
    phone: str
    id_number: str = ""


@dataclass(frozen=True)
class ResidentEntry:
    name: str
    kind: str
    phone: str = ""


@dataclass(frozen=True)
class RosterRow:
    line: int  # the Excel row number, for messages
    building: str
    floors: int
    entrance: str
    room: str
    floor: int
    area: Decimal
    area_source: str
    status: str
    owners: tuple[PersonEntry, ...] = ()  # empty for the developer's unsold units
    developer_name: str = ""
    residents: tuple[ResidentEntry, ...] | None = None  # None: the file has no 住户 column

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.building, self.entrance, self.room)


class RosterError(Exception):
    """The file cannot be imported; `messages` says why, in Chinese, row by row."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


# --- Reading -----------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass(frozen=True)
class CompoundClaim:
    """The compound a workbook says it belongs to: its number (exports since the number was
    written) and its name ('' and None: a hand-made sheet, which names none)."""

    id: int | None = None
    name: str = ""


def read_table(
    upload: IO[bytes], filename: str = ""
) -> tuple[list[str], list[tuple[int, dict]], CompoundClaim]:
    """The header, the non-blank rows (Excel row number, {column: raw value}) of the first
    sheet, and the compound the file names (see `_compound_claim`). Raises
    RosterError for a file that is not a readable .xlsx of at most 5 MB."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if filename and not filename.lower().endswith(".xlsx"):
        raise RosterError(["请上传 Excel 文件（.xlsx 格式）"])
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise RosterError(["文件超过 5 MB，请拆分后再导入"])
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        raw_rows = list(sheet.iter_rows(values_only=True))
        claim = _compound_claim(workbook.properties, sheet.title)
        workbook.close()
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, IndexError, OSError):
        raise RosterError(["文件已损坏或不是有效的 Excel（.xlsx）文件"]) from None
    if not raw_rows:
        raise RosterError(["表格为空，请使用导出的楼盘表模板"])
    header = [_text(v) for v in raw_rows[0]]
    rows = []
    for number, values in enumerate(raw_rows[1:], start=2):
        if all(_text(v) == "" for v in values):
            continue
        rows.append((number, {h: v for h, v in zip(header, values, strict=False) if h}))
    return header, rows, claim


def _compound_claim(properties: Any, sheet_title: str) -> CompoundClaim:
    """The compound a workbook names: the export's identifier `gongzhi-compound:<id>` and
    document title; else (older exports) a first sheet titled with the name of a compound on
    the platform. A hand-made sheet called "Sheet1" or "1栋" names none, so it imports into
    whichever compound the operator picks."""
    exported = properties.subject == ROSTER_SUBJECT and properties.title
    name = str(properties.title).strip() if exported else ""
    found = re.fullmatch(rf"{COMPOUND_IDENTIFIER}(\d+)", (properties.identifier or "").strip())
    if found:  # the name only to say which compound; a sheet title if the title was cleared
        return CompoundClaim(int(found.group(1)), name or (sheet_title or "").strip())
    if name:
        return CompoundClaim(None, name)
    title = (sheet_title or "").strip()
    if title and Compound.objects.filter(name=title).exists():
        return CompoundClaim(None, title)
    return CompoundClaim()


def check_compound(claim: CompoundClaim, compound: Compound) -> None:
    """Refuse the roster of another compound: importing it would overwrite this one's units.
    The number decides (a renamed compound keeps it; a namesake has another); the name only
    for an older file without one."""
    if claim.id == compound.pk or not claim.name:
        return
    if claim.id is not None and claim.name == compound.name:
        raise RosterError(
            [
                _(
                    "该文件是另一个同名小区「%(file)s」（编号 %(file_id)s）的楼盘表，"
                    "与目标小区（编号 %(target_id)s）不符，未导入任何数据"
                )
                % {"file": claim.name, "file_id": claim.id, "target_id": compound.pk}
            ]
        )
    if claim.id is not None or claim.name != compound.name:
        raise RosterError(
            [
                _("该文件是「%(file)s」的楼盘表，与目标小区「%(target)s」不符，未导入任何数据")
                % {"file": claim.name, "target": compound.name}
            ]
        )


def parse(
    upload: IO[bytes], filename: str = "", *, compound: Compound | None = None
) -> list[RosterRow]:
    """Read and validate the whole file; raise RosterError listing every problem. With
    `compound`, a file that names another compound is refused before any row is read."""
    header, raw_rows, claim = read_table(upload, filename)
    if compound is not None:
        check_compound(claim, compound)
    missing = [c for c in COLUMNS if c not in header and c not in OPTIONAL_COLUMNS]
    if missing:
        raise RosterError([f"表头缺少「{c}」列" for c in missing])
    if not raw_rows:
        raise RosterError(["表格中没有房屋数据"])
    has_residents = "住户" in header
    errors: list[str] = []
    rows: list[RosterRow] = []
    for number, values in raw_rows:
        checker = _RowChecker(number, values, has_residents)
        row = checker.row()
        errors += checker.errors
        if row is not None:
            rows.append(row)
    if not errors:
        errors = _cross_row_problems(rows)
    if errors:
        raise RosterError(errors)
    return rows


class _RowChecker:
    """Validates one row, collecting every problem as 第 N 行「列名」：问题."""

    def __init__(self, line: int, values: dict, has_residents: bool) -> None:
        self.line = line
        self.values = values
        self.has_residents = has_residents
        self.errors: list[str] = []

    def error(self, column: str, problem: str) -> None:
        self.errors.append(f"第 {self.line} 行「{column}」：{problem}")

    def text(self, column: str, *, required: bool = True) -> str:
        value = _text(self.values.get(column))
        if required and not value:
            self.error(column, "不能为空")
        return value

    def integer(self, column: str, low: int, high: int) -> int | None:
        raw = self.text(column)
        if not raw:
            return None
        try:
            value = int(Decimal(raw))
            if Decimal(raw) != value:
                raise ValueError
        except (InvalidOperation, ValueError):
            self.error(column, f"应为整数，而不是“{raw}”")
            return None
        if not low <= value <= high:
            self.error(column, f"应在 {low} 到 {high} 之间")
            return None
        return value

    def area(self) -> Decimal:
        raw = self.text("专有面积")
        if not raw:
            return Decimal("0")
        try:
            value = Decimal(raw)
        except InvalidOperation:
            self.error("专有面积", f"应为数字，而不是“{raw}”")
            return Decimal("0")
        if not value.is_finite() or value <= 0:
            self.error("专有面积", "应为正数")
        elif value.as_tuple().exponent < -2:  # type: ignore[operator]
            self.error("专有面积", "最多保留两位小数")
        elif value >= Decimal("10000000"):
            self.error("专有面积", "数值过大")
        return value.quantize(Decimal("0.01")) if value.is_finite() else Decimal("0")

    def choice(self, column: str, choices: dict[str, str]) -> str:
        raw = self.text(column)
        if raw and raw not in choices:
            self.error(column, f"应为 {'/'.join(choices)} 之一，而不是“{raw}”")
        return choices.get(raw, "")

    def row(self) -> RosterRow | None:
        building = self.text("楼栋")
        floors = self.integer("层数(楼栋)", 1, 120)
        entrance = self.text("单元")
        entrance = entrance.removesuffix("单元") or entrance
        room = self.text("房号")
        floor = self.integer("楼层", -5, 120)
        if floor == 0:
            self.error("楼层", "不能为 0")
        if floors is not None and floor is not None and floor > floors:
            self.error("楼层", f"超过楼栋层数 {floors}")
        area = self.area()
        area_source = self.choice("面积来源", AREA_SOURCES)
        status = self.choice("产权状态", STATUSES)
        owners, developer = self.owners(status)
        residents = self.residents(owners) if self.has_residents else None
        for column, value, limit in (
            ("楼栋", building, 60),
            ("单元", entrance, 10),
            ("房号", room, 20),
        ):
            if len(value) > limit:
                self.error(column, f"不能超过 {limit} 个字")
        if self.errors or floors is None or floor is None:
            return None
        return RosterRow(
            self.line, building, floors, entrance, room, floor, area, area_source, status,
            owners, developer, residents,
        )  # fmt: skip

    def owners(self, status: str) -> tuple[tuple[PersonEntry, ...], str]:
        names = _split(self.text("业主姓名", required=False))
        # Phones and IDs keep their positions: a co-owner may have no ID number ("X、").
        phones = _positions(self.text("业主手机", required=False))
        ids = [i.upper() for i in _positions(self.text("业主身份证号", required=False))]
        if status == Unit.Status.UNSOLD:
            if phones or ids:
                column = "业主手机" if phones else "业主身份证号"
                self.error(column, "未售房屋归开发建设单位，不填个人信息")
            return (), (names[0] if len(names) == 1 else "")
        if not names:  # owner not yet recorded: allowed, but then nothing else about them
            if phones or ids:
                self.error("业主姓名", "填写了手机号或身份证号，但没有业主姓名")
            return (), ""
        count = f"共 {len(names)} 位业主，以“、”分隔，顺序与姓名一致"
        if len(phones) != len(names) or not all(phones):
            self.error("业主手机", f"每位业主须各填一个手机号（{count}）")
        if ids and len(ids) != len(names):
            self.error("业主身份证号", f"应为空，或每位业主各填一个（{count}）")
        if len(set(names)) != len(names):
            self.error("业主姓名", "同一房屋的共有人姓名重复")
        if any(len(name) > 50 for name in names):
            self.error("业主姓名", "姓名不能超过 50 个字")
        for position, phone in enumerate(phones, start=1):
            if phone and not _MOBILE.fullmatch(phone):
                self.error("业主手机", f"{_nth(position, names)}“{phone}”不是 11 位手机号")
        for position, id_number in enumerate(ids, start=1):
            problem = id_number and id_number_problem(id_number)
            if problem:
                self.error("业主身份证号", f"{_nth(position, names)}{problem}")
        ids = ids or [""] * len(names)
        entries = tuple(PersonEntry(n, p, i) for n, p, i in zip(names, phones, ids, strict=False))
        return entries, ""

    def residents(self, owners: tuple[PersonEntry, ...]) -> tuple[ResidentEntry, ...]:
        entries = []
        owner_names = {o.name for o in owners}
        for part in _split(self.text("住户", required=False)):
            match = _RESIDENT.fullmatch(part)
            if not match or match["kind"] not in RESIDENT_KINDS:
                self.error("住户", f"“{part}”应写作 姓名（业主自住/租户/家庭成员）手机")
                continue
            name, kind, phone = match["name"].strip(), RESIDENT_KINDS[match["kind"]], match["phone"]
            if kind == Residency.Kind.OWNER_OCCUPIER:
                if name not in owner_names:
                    self.error("住户", f"“{name}”不是本户业主，不能登记为业主自住")
                phone = ""
            elif not _MOBILE.fullmatch(phone):
                self.error("住户", f"“{name}”需填写 11 位手机号")
            entries.append(ResidentEntry(name, kind, phone))
        names = [(e.name, e.phone) for e in entries]
        if len(set(names)) != len(names):
            self.error("住户", "同一住户重复填写")
        return tuple(entries)


_SEPARATORS = re.compile(r"[、,，;；]")


def _split(value: str) -> list[str]:
    return [part.strip() for part in _SEPARATORS.split(value) if part.strip()]


def _positions(value: str) -> list[str]:
    """Like `_split`, but an empty part keeps its place (no parts at all for an empty cell)."""
    return [part.strip() for part in _SEPARATORS.split(value)] if value else []


def _nth(position: int, names: list[str]) -> str:
    return f"第 {position} 位业主的" if len(names) > 1 else ""


def _cross_row_problems(rows: list[RosterRow]) -> list[str]:
    """Problems visible only across rows: duplicate rooms, inconsistent buildings and people."""
    errors = []
    rooms: dict[tuple[str, str, str], int] = {}
    floors: dict[str, tuple[int, int]] = {}
    people: dict[str, tuple[int, PersonEntry]] = {}
    for row in rows:
        if row.key in rooms:
            errors.append(
                f"第 {row.line} 行「房号」：与第 {rooms[row.key]} 行重复"
                f"（{row.building} {row.entrance}单元 {row.room}）"
            )
        rooms.setdefault(row.key, row.line)
        first = floors.setdefault(row.building, (row.line, row.floors))
        if first[1] != row.floors:
            errors.append(
                f"第 {row.line} 行「层数(楼栋)」："
                f"与第 {first[0]} 行同一楼栋的层数（{first[1]}）不一致"
            )
        for owner in row.owners:
            if not owner.id_number:
                continue
            line, seen = people.setdefault(owner.id_number, (row.line, owner))
            if (seen.name, seen.phone) != (owner.name, owner.phone):
                errors.append(
                    f"第 {row.line} 行「业主身份证号」："
                    f"与第 {line} 行同一身份证号的姓名或手机号不一致"
                )
    return errors
