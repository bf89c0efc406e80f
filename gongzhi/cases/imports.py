"""Work-order import (12345 hotline and 阳光信访 exports): validate every row, write all or nothing.

Columns: 工单编号, 受理时间, 来源渠道, 诉求类型, 诉求内容, 诉求地址 (required), 诉求人, 联系电话,
办理时限, each also under the names real exports give it (`import_columns.ALIASES`), the header
found among the first rows. The compound is the one whose name the address contains (punctuation
and spaces aside). Idempotent on 工单编号: an order already imported is never updated, with a
warning when the file now writes its content or address differently. A deadline already past
is imported with a warning.

A row is held to what filing on the web asks (`texts.text_errors`, `intake.time_errors`): content
in words and within the web form's limit, address and name within their columns, received in
the past and due after it was received. Every problem of every row is reported.
"""

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from gongzhi.cases.choices import CaseType, Channel, source_labels
from gongzhi.cases.deadlines import local_stamp
from gongzhi.cases.import_columns import (
    COLUMNS,
    HEADER_ROWS,
    REQUIRED,
    HeaderNotFound,
    NoSuchMoment,
    find_header,
    parse_when,
    squashed,
)
from gongzhi.cases.import_columns import cell_text as _text
from gongzhi.cases.models import Case
from gongzhi.cases.services import notices
from gongzhi.cases.services.intake import address_errors, create_case, phone_errors, time_errors
from gongzhi.cases.texts import has_words, text_errors, title_from
from gongzhi.core import audit
from gongzhi.core.notifications.texts import Text
from gongzhi.org.models import Compound

# A month of a busy street's hotline orders fits in one file; a bigger one is refused as soon as
# its row past the limit is read (a 300,000-row sheet took minutes and half a gigabyte).
MAX_ROWS = 5000
# The problems listed for a refused file; the rest are counted ("另有 N 处问题未列出").
MAX_ERRORS = 100


class _Formula:
    """A formula cell whose result the file does not hold (saved by a program that does not
    compute formulas): read as nothing, it would be reported as empty."""

    def __str__(self) -> str:
        return ""


FORMULA = _Formula()

# What 联系电话 must look like (`intake.phone_errors`), for the operator who fixes the file.
PHONE_EXPECTED = (
    "格式不正确：应为一个电话号码，7 到 20 位，只含数字、空格、“-”或“+”，"
    "例如 13812345678 或 027-87654321"
)

# The column of each field the filing checks name.
_COLUMN_OF = {
    "content": "诉求内容",
    "address": "诉求地址",
    "requester_name": "诉求人",
    "created_at": "受理时间",
    "external_due_at": "办理时限",
}


class ImportFailed(Exception):
    """Some rows are bad; nothing was written. `errors` are Chinese lines for the user."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class ImportResult:
    created: int = 0
    existing: int = 0
    numbers: list[str] = field(default_factory=list)
    # Imported anyway, worth a look: "第 5 行：热线办理时限 … 已过 …".
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Row:
    line: int
    order_no: str
    received_at: dt.datetime
    channel: str
    type: str
    content: str
    address: str
    name: str
    phone: str
    due_at: dt.datetime | None
    compound: Compound


# A 12345 export names its own way in: "12345", or "电话"/"来电" for a call to the hotline. Each
# is 12345热线 here; the platform's 来电 (a call to the community or street desk) is recorded on
# the intake page and never arrives in a hotline export.
HOTLINE_WORDS = frozenset({"12345", "电话", "来电"})


def _channel(text: str) -> str | None:
    if text in HOTLINE_WORDS:
        return Channel.HOTLINE_12345
    return _choice(text, Channel)


def _choice(text: str, choices: type) -> str | None:
    """Accept the Chinese label (as exported) or the stored value."""
    for value, label in source_labels(choices).items():
        if text in (label, value):
            return value
    return None


def _compound_for(address: str, compounds: list[Compound]) -> Compound | list[Compound] | None:
    """The compound whose name the address contains; the longest name wins (B小区 ⊂ 南B小区).
    Both are compared without punctuation and spaces: an address writes 中央花园·雅苑 as
    "中央花园雅苑" (or "中央花园 雅苑")."""
    written = squashed(address)
    names = {c.pk: squashed(c.name) for c in compounds}
    hits = [c for c in compounds if names[c.pk] and names[c.pk] in written]
    if not hits:
        return None
    longest = max(len(names[c.pk]) for c in hits)
    best = [c for c in hits if len(names[c.pk]) == longest]
    return best[0] if len(best) == 1 else best


def _parse_row(
    line: int, cells: dict[str, Any], compounds: list[Compound], names: dict[str, str]
) -> tuple[_Row | None, list[str]]:
    """`names`: each column as the file's header names it (事发地址 for 诉求地址)."""
    errors: list[str] = []

    def bad(column: str, problem: str) -> None:
        errors.append(f"第 {line} 行「{names.get(column, column)}」：{problem}")

    values = {column: _text(cells.get(column)) for column in COLUMNS}
    for column in REQUIRED:
        if cells.get(column) is FORMULA:
            bad(column, "不支持公式，请将该列复制后“选择性粘贴”为数值再导入")
        elif not values[column]:
            bad(column, "不能为空")
    received_at = due_at = None
    if values["受理时间"]:
        try:
            received_at = parse_when(cells["受理时间"])
        except NoSuchMoment as exc:
            bad("受理时间", str(exc))
        except ValueError:
            bad("受理时间", "时间格式应为 2026-11-29 09:30")
    if values["办理时限"]:
        try:
            due_at = parse_when(cells["办理时限"], deadline=True)
        except NoSuchMoment as exc:
            bad("办理时限", str(exc))
        except ValueError:
            bad("办理时限", "时间格式应为 2026-12-05 或 2026-12-05 18:00")
    channel = _channel(values["来源渠道"]) if values["来源渠道"] else None
    if values["来源渠道"] and channel is None:
        bad("来源渠道", f"无法识别的渠道「{values['来源渠道']}」")
    case_type = _choice(values["诉求类型"], CaseType) if values["诉求类型"] else None
    if values["诉求类型"] and case_type is None:
        bad("诉求类型", f"无法识别的类型「{values['诉求类型']}」")
    if phone_errors(values["联系电话"]):
        bad("联系电话", PHONE_EXPECTED)
    if len(values["工单编号"]) > 40:
        bad("工单编号", "长度不能超过 40")
    checked = text_errors(
        title=title_from(values["诉求内容"]),
        content=values["诉求内容"],
        requester_name=values["诉求人"],
        address=values["诉求地址"],
    )
    checked.pop("title", None)  # made from the content: the content's problem names it
    if not values["诉求内容"]:
        checked.pop("content", None)  # "不能为空" above
    if values["诉求内容"] and not has_words(values["诉求内容"]):
        # text_errors asks the resident to describe the problem; the operator fixes a file.
        checked["content"] = "反映内容没有文字（只有表情或符号），请核对原工单后补充文字"
    checked |= time_errors(received_at, due_at)
    for field_name, problem in checked.items():
        bad(_COLUMN_OF[field_name], problem)
    compound = _compound_for(values["诉求地址"], compounds) if values["诉求地址"] else None
    if values["诉求地址"] and compound is None:
        bad("诉求地址", "未匹配到小区（地址中应包含小区名称）")
    elif isinstance(compound, list):
        names = "、".join(c.name for c in compound)
        bad("诉求地址", f"匹配到多个小区：{names}")
    elif compound is not None and "address" not in checked:
        for problem in address_errors(compound, values["诉求地址"]).values():
            bad("诉求地址", problem)  # names a flat its building does not have
    if errors:
        return None, errors
    row = _Row(
        line=line,
        order_no=values["工单编号"],
        received_at=received_at,
        channel=channel,
        type=case_type,
        content=values["诉求内容"],
        address=values["诉求地址"],
        name=values["诉求人"],
        phone=values["联系电话"],
        due_at=due_at,
        compound=compound,
    )
    return row, []


def read_rows(stream: BinaryIO) -> tuple[list[tuple[int, dict[str, Any]]], dict[str, str]]:
    """The filled rows below the header, as (Excel row number, column → cell), and each column
    as the header names it. The header is found among the first rows (`find_header`). More than
    `MAX_ROWS` rows: refused, read no further. An empty required cell that holds a formula
    without a stored result reads as `FORMULA`."""
    workbook = _open(stream, data_only=True)
    try:
        try:
            rows, names, index = _filled_rows(workbook.worksheets[0])
        except ImportFailed as exc:
            raise ImportFailed(exc.errors + _other_sheets(workbook)) from exc
    finally:
        workbook.close()
    empty = {line: [c for c in REQUIRED if not _text(cells.get(c))] for line, cells in rows}
    if any(empty.values()):  # only then is the file read a second time, formulas as written
        _mark_formulas(stream, dict(rows), {line: cs for line, cs in empty.items() if cs}, index)
    return rows, names


def _open(stream: BinaryIO, *, data_only: bool) -> Any:
    from openpyxl import load_workbook

    try:
        return load_workbook(stream, read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl raises several unrelated types for a non-xlsx file
        raise ImportFailed([_not_a_workbook(stream)]) from exc


# An old .xls, or an .xlsx saved with a password (both OLE2 compound files).
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _not_a_workbook(stream: BinaryIO) -> str:
    """What the file is instead of an .xlsx, where its first bytes tell (the command and the
    web page both say this, so it names no button or path)."""
    stream.seek(0)
    head = stream.read(4096)
    if head.startswith(_OLE2):
        return (
            "这是旧版 Excel（.xls）或设有密码的文件，请在 Excel 中另存为 .xlsx（不设密码）后再导入"
        )
    if _is_text_table(head):
        return "这是 CSV 文件，请在 Excel 中另存为 .xlsx 后再导入"
    return "文件无法读取，请上传 .xlsx 格式的工单导出文件"


def _is_text_table(head: bytes) -> bool:
    """The start of a CSV (or tab-separated) export: text in UTF-8 or GBK with separators."""
    if b"\x00" in head:
        return False
    for encoding in ("utf-8-sig", "gbk"):
        for cut in range(4):  # the sample may end inside a character
            try:
                text = head[: len(head) - cut].decode(encoding)
            except UnicodeDecodeError:
                continue
            return any(separator in text for separator in ",\t;")
    return False


def _other_sheets(workbook: Any) -> list[str]:
    """Only the first sheet is read: said when it has no header, naming the sheet that has."""
    first, others = workbook.worksheets[0], workbook.worksheets[1:]
    if not others:
        return []
    holding = []
    for sheet in others:
        try:
            find_header(list(itertools.islice(sheet.iter_rows(values_only=True), HEADER_ROWS)))
        except HeaderNotFound:
            continue
        holding.append(f"「{sheet.title}」")
    if holding:
        return [
            f"只读取第一个工作表「{first.title}」；工单似乎在工作表{''.join(holding)}中，"
            "请把它移到第一个位置（或删去其他工作表）后再导入"
        ]
    return [f"只读取第一个工作表「{first.title}」，其他工作表不会导入"]


def _filled_rows(
    sheet: Any,
) -> tuple[list[tuple[int, dict[str, Any]]], dict[str, str], dict[str, int]]:
    rows = sheet.iter_rows(values_only=True)
    head = list(itertools.islice(rows, HEADER_ROWS))
    try:
        header_line, index, names = find_header(head)
    except HeaderNotFound as exc:
        raise ImportFailed(exc.errors) from exc
    result = []
    below = itertools.chain(head[header_line:], rows)
    for line, values in enumerate(below, start=header_line + 1):
        if not any(_text(v) for v in values):
            continue  # blank lines at the end of an export
        if len(result) == MAX_ROWS:
            too_many = (
                f"文件中的工单超过 {MAX_ROWS} 行，请分成多个文件导入（每个最多 {MAX_ROWS} 行）"
            )
            raise ImportFailed([too_many])
        cells = {c: values[i] if i < len(values) else None for c, i in index.items()}
        result.append((line, cells))
    return result, names, index


def _mark_formulas(
    stream: BinaryIO,
    rows: dict[int, dict[str, Any]],
    empty: dict[int, list[str]],
    index: dict[str, int],
) -> None:
    """Set `FORMULA` in the empty cells that hold a formula (a file saved by a program that does
    not compute formulas stores none of their results): "不能为空" would mislead."""
    workbook = _open(stream, data_only=False)
    try:
        written = workbook.worksheets[0].iter_rows(values_only=True, max_row=max(empty))
        for line, values in enumerate(written, start=1):
            for column in empty.get(line, ()):
                at = index[column]
                if at < len(values) and _is_formula(values[at]):
                    rows[line][column] = FORMULA
    finally:
        workbook.close()


def _is_formula(written: Any) -> bool:
    """A cell as written (read with `data_only=False`): "=…", an array or a data-table formula."""
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    if isinstance(written, str):
        return written.startswith("=")
    return isinstance(written, ArrayFormula | DataTableFormula)


def import_hotline(stream: BinaryIO, *, actor: Any = None) -> ImportResult:
    """Validate every row, then create the new cases in one transaction."""
    compounds = list(Compound.objects.all())
    parsed: list[_Row] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    rows, names = read_rows(stream)
    if not rows:
        raise ImportFailed(["文件中没有工单：表头下方没有任何数据行"])
    for line, cells in rows:
        row, row_errors = _parse_row(line, cells, compounds, names)
        errors += row_errors
        order_no = _text(cells.get("工单编号"))
        if order_no in seen:  # reported whatever else is wrong with either row
            column = names["工单编号"]
            errors.append(f"第 {line} 行「{column}」：与第 {seen[order_no]} 行重复")
            continue
        if order_no:
            seen[order_no] = line
        if row is not None:
            parsed.append(row)
    if errors:
        raise ImportFailed(_listed(errors))
    existing = {
        number: (content, address)
        for number, content, address in Case.objects.filter(
            external_order_no__in=list(seen)
        ).values_list("external_order_no", "content", "address")
    }
    result = ImportResult(existing=len(existing))
    now = timezone.now()
    created: list[Case] = []
    try:
        with transaction.atomic():
            for row in parsed:
                if row.order_no in existing:
                    result.warnings += _changed(row, *existing[row.order_no])
                    continue
                case = create_case(
                    notify_desk=False,
                    actor=actor,
                    compound=row.compound,
                    channel=row.channel,
                    type=row.type,
                    title=title_from(row.content, [row.name]),
                    content=row.content,
                    requester_name=row.name,
                    requester_phone=row.phone,
                    address=row.address,
                    external_order_no=row.order_no,
                    external_due_at=row.due_at,
                    created_at=row.received_at,
                )
                result.created += 1
                result.numbers.append(case.number)
                result.warnings += _late(row, now)
                created.append(case)
            _tell_the_desks(created)
            audit.record(
                action="case.import",
                actor=actor,
                object_type="cases.case",
                detail={"created": result.created, "existing": result.existing},
            )
    except ValidationError as exc:  # e.g. a concurrent import took an order number
        raise ImportFailed([f"导入失败：{'；'.join(exc.messages)}"]) from exc
    return result


def _listed(errors: list[str]) -> list[str]:
    """The first `MAX_ERRORS` problems, and how many more there are: a page of 300,000 lines
    helps nobody, and the first ones show what to fix."""
    if len(errors) <= MAX_ERRORS:
        return errors
    return [*errors[:MAX_ERRORS], f"另有 {len(errors) - MAX_ERRORS} 处问题未列出"]


def _changed(row: _Row, content: str, address: str) -> list[str]:
    """An order imported before whose content or address the file now writes differently: it
    is left as it is (an import never edits a case), and the importer is told."""
    what = [
        name
        for name, differs in (("内容", row.content != content), ("地址", row.address != address))
        if differs
    ]
    if not what:
        return []
    return [
        f"第 {row.line} 行：工单 {row.order_no} 已存在，本次文件中的{'和'.join(what)}"
        "与系统中不同，未更新"
    ]


def _late(row: _Row, now: dt.datetime) -> list[str]:
    """A deadline the hotline (or 信访) set that passed before the import: the case keeps it on
    its page, but 交办 cannot hold the new party to a past moment and gives the class's window
    (`assignment.assignment_window`), so the importer is told which orders those are."""
    if row.due_at is None or row.due_at > now:
        return []
    whose = "信访" if row.channel == Channel.PETITION else "热线"
    when = local_stamp(row.due_at, year=True)
    return [f"第 {row.line} 行：{whose}办理时限 {when} 导入时已过，交办后按时限类别重新计时"]


def _tell_the_desks(created: list[Case]) -> None:
    """One notice per desk member for a whole import (not one per order: an import brings
    hundreds), naming how many orders in their area wait for 研判."""
    from gongzhi.core.notifications import notify_many

    desks: dict[int, list[Any]] = {}  # compound id → its community and street staff
    users: dict[int, Any] = {}
    theirs: dict[int, list[Case]] = {}
    for case in created:
        if case.compound_id not in desks:
            desks[case.compound_id] = notices.supervisors(case)
        for user in desks[case.compound_id]:
            users[user.pk] = user
            theirs.setdefault(user.pk, []).append(case)
    for pk, cases in theirs.items():
        notify_many(
            recipients=[users[pk]],
            kind="case.created",
            title=Text(gettext_noop("导入热线工单 %(count)s 件，待研判"), count=len(cases)),
            body=_numbers(cases),
            link="/cases/?bucket=todo",
            dedupe_key=f"import:{cases[0].pk}",
        )


def _numbers(cases: list[Case]) -> str | Text:
    """The imported orders' numbers for the desk's notice: the first ten, "等" after them."""
    numbers = "、".join(c.number for c in cases[:10])
    return Text(gettext_noop("%(numbers)s等"), numbers=numbers) if len(cases) > 10 else numbers
