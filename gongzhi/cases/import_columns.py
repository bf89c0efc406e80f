"""The columns of a 12345 / 阳光信访 export and how their cells are read (`gongzhi.cases.imports`).

Real exports name their columns their own way (工单号, 来电时间, 事发地址 …) and often put a title
row above the header ("南湖街道12345工单导出（2026年11月）", merged across the columns): the header
is the first of the first rows that holds every required column under one of its names.
"""

import calendar
import datetime as dt
import re
import unicodedata
from typing import Any

from gongzhi.core.calendar import local_zone

# Each column, as this platform names it, and the other names real exports give it, preferred
# first: a file with both 受理时间 and 派单时间 is read by its 受理时间.
ALIASES: dict[str, tuple[str, ...]] = {
    "工单编号": ("工单号", "工单编码"),
    "受理时间": ("来电时间", "登记时间", "派单时间"),
    "来源渠道": ("渠道", "来源"),
    "诉求类型": ("类型", "工单类型"),
    "诉求内容": ("内容", "问题描述", "来电内容"),
    "诉求地址": ("事发地址", "地址"),
    "诉求人": ("来电人", "反映人", "联系人"),
    "联系电话": ("来电号码", "电话"),
    "办理时限": ("截止时间", "办结时限", "要求办结时间"),
}
COLUMNS = tuple(ALIASES)
REQUIRED = ("工单编号", "受理时间", "来源渠道", "诉求类型", "诉求内容", "诉求地址")
OPTIONAL = tuple(c for c in COLUMNS if c not in REQUIRED)
HEADER_ROWS = 5  # the header is looked for among the first rows of the sheet

_NAME_OF = {
    name: (column, rank)
    for column, aliases in ALIASES.items()
    for rank, name in enumerate((column, *aliases))
}
# "*工单编号", "工单编号（必填）", "办理 时限": what a template adds around a column's name.
_MARKS = re.compile(r"[\s*＊]+|[（(](?:必填|选填|可选)[)）]")


class NoSuchMoment(ValueError):
    """A cell written as a date (and time) that does not exist (2026-02-30, 25:00): the message
    (Chinese) says what is wrong, where "时间格式应为…" would send the user to fix a format."""


class HeaderNotFound(ValueError):
    """No header among the first rows; `errors` are Chinese lines for the user."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number or order number typed as a number: 13700001111.0
    return str(value).strip()


def _column(value: Any) -> tuple[str, int] | None:
    """(the column, how preferred the name is) a header cell names, if any."""
    return _NAME_OF.get(_MARKS.sub("", cell_text(value)))


def header_index(cells: tuple[Any, ...]) -> tuple[dict[str, int], dict[str, str]]:
    """column → its position and column → the name the file gives it, for a header row."""
    best: dict[str, tuple[int, int]] = {}  # column → (rank of its name, position)
    for position, value in enumerate(cells):
        found = _column(value)
        if found is None:
            continue
        column, rank = found
        if column not in best or rank < best[column][0]:
            best[column] = (rank, position)
    index = {column: position for column, (_, position) in best.items()}
    names = {column: cell_text(cells[position]) for column, position in index.items()}
    return index, names


def _joined(columns: tuple[str, ...] | list[str]) -> str:
    return "".join(f"「{c}」" for c in columns)


def alias_line(column: str) -> str:
    return f"{column}（{'、'.join(ALIASES[column])}）"


def find_header(head: list[tuple[Any, ...]]) -> tuple[int, dict[str, int], dict[str, str]]:
    """(its row number, column → position, column → name in the file) of the header among
    `head`, the first rows of the sheet; `HeaderNotFound` names what is missing."""
    candidates = []
    for line, cells in enumerate(head, start=1):
        index, names = header_index(cells)
        if all(column in index for column in REQUIRED):
            return line, index, names
        candidates.append((len(index), -line, index))
    found, minus_line, index = max(candidates, default=(0, 0, {}))
    if found >= 2:  # a header with some columns missing (or misspelt)
        missing = [column for column in REQUIRED if column not in index]
        errors = [f"第 {-minus_line} 行（表头）缺少列：{'、'.join(missing)}"]
        errors += [f"「{c}」也可写作：{'、'.join(ALIASES[c])}" for c in missing]
        raise HeaderNotFound(errors)
    errors = [
        f"未找到表头：前 {HEADER_ROWS} 行中没有包含必填列{_joined(REQUIRED)}的一行"
        f"（可选列：{'、'.join(OPTIONAL)}）",
        "列名也可用常见别名：" + "；".join(alias_line(c) for c in COLUMNS),
    ]
    title = _title(head[0]) if head else ""
    if title:
        errors.append(f"第 1 行「{title}」像是标题行：表头应在其下方，且在前 {HEADER_ROWS} 行之内")
    raise HeaderNotFound(errors)


def _title(cells: tuple[Any, ...]) -> str:
    """The text of a row that looks like a title: one cell filled (a merged title row)."""
    filled = [cell_text(value) for value in cells if cell_text(value)]
    if len(filled) == 1 and _column(filled[0]) is None:
        return filled[0]
    return ""


def squashed(text: str) -> str:
    """A name compared without its punctuation and spaces: 中央花园·雅苑 is 中央花园雅苑."""
    return "".join(
        ch for ch in text.casefold() if not unicodedata.category(ch).startswith(("P", "Z", "C"))
    )


# 2026-11-30, 2026/11/30, 2026.11.30, 2026年11月30日; then, optionally, 14:05, 14:05:30,
# T14:05:00, 14时05分, 14时05分30秒 or 14点.
_DATE = r"(?P<y>\d{4})(?:(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})|\s*年\s*(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*日?)"  # noqa: E501
_TIME = (
    r"(?P<H>\d{1,2})(?:\s*[:：]\s*(?P<M>\d{1,2})(?:\s*[:：]\s*(?P<S>\d{1,2})(?:\.\d+)?)?"
    r"|\s*[时点]\s*(?:(?P<M2>\d{1,2})\s*分\s*(?:(?P<S2>\d{1,2})\s*秒)?)?)"
)
_MOMENT = re.compile(rf"{_DATE}(?:(?:\s*T\s*|\s+|(?<=日)){_TIME})?")


def parse_when(value: Any, *, deadline: bool = False) -> dt.datetime:
    """A datetime cell or text, read as local time. A bare date is the start of that day, or
    for a `deadline` its end (23:59:59): so is a date cell, which openpyxl reads as midnight.
    ValueError for anything else."""
    zone = local_zone()
    if isinstance(value, dt.datetime):
        if deadline and value.time() == dt.time(0, 0) and value.tzinfo is None:
            return dt.datetime.combine(value.date(), dt.time(23, 59, 59), tzinfo=zone)
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, dt.date):
        moment = dt.time(23, 59, 59) if deadline else dt.time(0, 0)
        return dt.datetime.combine(value, moment, tzinfo=zone)
    text = cell_text(value)
    match = _MOMENT.fullmatch(text)
    if match is None:
        if "T" in text:  # ISO 8601 with an offset: 2026-11-30T14:05:00+08:00
            moment = dt.datetime.fromisoformat(text)
            return moment if moment.tzinfo else moment.replace(tzinfo=zone)
        raise ValueError(text)
    parts = match.groupdict()
    day = _existing_day(
        int(parts["y"]), int(parts["m"] or parts["m2"]), int(parts["d"] or parts["d2"])
    )
    if parts["H"] is None:
        return parse_when(day, deadline=deadline)
    hour, minute = int(parts["H"]), int(parts["M"] or parts["M2"] or 0)
    second = int(parts["S"] or parts["S2"] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise NoSuchMoment(f"时间不存在：{hour}:{minute:02d}（时应为 0 到 23，分、秒应为 0 到 59）")
    return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=zone)


def _existing_day(year: int, month: int, day: int) -> dt.date:
    written = f"{year:04d}-{month:02d}-{day:02d}"
    if not 1 <= month <= 12:
        raise NoSuchMoment(f"日期不存在：{written}（月份应为 1 到 12）")
    if year < dt.MINYEAR:
        raise NoSuchMoment(f"日期不存在：{written}")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise NoSuchMoment(f"日期不存在：{written}（{year} 年 {month} 月只有 {days} 天）")
    return dt.date(year, month, day)
