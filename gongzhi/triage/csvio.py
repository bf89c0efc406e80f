"""Reading labelled message CSVs (`id,title,text,label`, extra columns ignored).

Spreadsheets exported on Chinese Windows are often GBK; everything else should be UTF-8 (with or
without a BOM). Anything else is refused with a message a person can act on, instead of being
decoded into mojibake that would silently train a bad model.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

REQUIRED_COLUMNS: tuple[str, ...] = ("id", "title", "text", "label")
# Python's csv refuses a field over 128 KiB (`_csv.Error`, a traceback for the user). Messages
# are cut to text.MAX_CHARS anyway; a field up to this size is read, a larger one is refused.
MAX_FIELD_CHARS = 16 * 1024 * 1024


# An .xlsx (a zip archive) or an old .xls (an OLE2 compound file) renamed .csv: its bytes are
# not text, and it used to be reported as containing a NUL character.
_EXCEL_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


class CsvFormatError(ValueError):
    """The file cannot be used; the message (Chinese) says why."""


@dataclass(frozen=True)
class LabelledRow:
    id: str
    title: str
    text: str
    label: str
    extra: dict[str, str] = field(default_factory=dict, compare=False)
    line: int = field(default=0, compare=False)  # the file line where the row starts (1 = header)


def decode(data: bytes) -> str:
    """UTF-8 (BOM or not) or GBK; anything else raises CsvFormatError."""
    if data.startswith(_EXCEL_SIGNATURES):
        raise CsvFormatError("这是 Excel 文件，请另存为 CSV（UTF-8 或 GBK）后重试。")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _wide_header(data):
        raise CsvFormatError("文件是 UTF-16 等不支持的编码，请另存为 UTF-8 或 GBK 编码的 CSV。")
    if (at := data.find(b"\x00")) >= 0:
        line = data.count(b"\n", 0, at) + 1
        raise CsvFormatError(
            f"文件第 {line} 行含有空字符（NUL），CSV 中不应出现，请删除该字符后重试。"
        )
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CsvFormatError(_undecodable(exc)) from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gbk")
    except UnicodeDecodeError as exc:
        raise CsvFormatError(_undecodable(exc)) from exc


def _wide_header(data: bytes) -> bool:
    """UTF-16 without a BOM: the header's column names are ASCII, so every other byte of its
    first line is NUL. A stray NUL further down a UTF-8 file is another problem."""
    first = data[:4096].split(b"\n", 1)[0]
    return first.count(b"\x00") * 4 >= len(first) > 0


def _undecodable(exc: UnicodeDecodeError) -> str:
    return (
        f"无法识别文件编码（第 {exc.start} 字节附近无法解码）。"
        "仅支持 UTF-8、带 BOM 的 UTF-8 和 GBK 编码，请另存为其中一种后重试。"
    )


def read_rows(
    source: str | Path | bytes, required: tuple[str, ...] = REQUIRED_COLUMNS
) -> list[LabelledRow]:
    """Rows of a labelled CSV. `source` is a path or the file's bytes.

    Header names are matched ignoring case and surrounding spaces. A row without a label, or
    without both title and text, is an error naming its line: a silently skipped row would make
    evaluation numbers lie.
    """
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    if csv.field_size_limit() < MAX_FIELD_CHARS:
        csv.field_size_limit(MAX_FIELD_CHARS)
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    position = _Position()
    try:
        return _rows(reader, required, position, _broken_quote_line(text))
    except csv.Error as exc:
        raise CsvFormatError(
            f"从第 {position.start} 行开始的记录无法按 CSV 读取：某一列超过 {MAX_FIELD_CHARS} 字，"
            "或引号不成对。请检查该行后重试。"
        ) from exc


class _Position:
    """The file line where the record being read starts (a quoted field may span lines)."""

    start = 1


def _broken_quote_line(text: str) -> int | None:
    """Where a record whose quotes break across lines starts (strict CSV rules), or None.

    The lenient reader used for the rows reads on after an unclosed `"` until the next quote or
    the end of the file, so the damage shows up rows later (a missing label, merged rows). The
    strict reader stops where the quoting breaks. A one-line oddity such as `"x" ,` is left to
    the lenient reader, which has always accepted it.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        for _ in reader:
            start = reader.line_num + 1
    except csv.Error as exc:
        if "field larger" in str(exc):  # reported by the lenient reader with its line
            return None
        if reader.line_num > start or "end of data" in str(exc):
            return start
    return None


def _quote_problem(
    values: list[str],
    header: list[str],
    index: dict[str, int],
    lines: tuple[int, int],
    broken_quote: bool,
) -> str | None:
    """Why this record looks like an unclosed quote swallowed the lines after it, or None.

    An unclosed `"` makes the csv module read on, across line breaks, until the next quote or
    the end of the file, as one field. A legitimately quoted multi-line text still leaves the
    row its columns; a swallowed one usually breaks the quoting (`broken_quote`), or leaves too
    few or too many columns, or puts a line break into the label or id.
    """
    start, end = lines
    spanning = [i for i, v in enumerate(values) if "\n" in v or "\r" in v]
    if not spanning and not broken_quote:
        return None
    broken = broken_quote or (
        len(values) != len(header) or any(index.get(name) in spanning for name in ("id", "label"))
    )
    if not broken:
        return None
    if not spanning:
        column = "某一"
    elif spanning[0] < len(header):
        column = f" {header[spanning[0]]} "
    else:
        column = f"第 {spanning[0] + 1} "
    swallowed = f"到第 {end} 行" if end > start else "到文件末尾"
    return (
        f"第 {start} 行{column}列的引号没有闭合（引号不成对）："
        f"从第 {start} 行起{swallowed}的内容都被读成了这一个字段。"
        '请在该列内容末尾补上引号，或把内容中的引号写成两个（""）后重试。'
    )


def _rows(
    reader, required: tuple[str, ...], position: _Position, broken_quote_line: int | None
) -> list[LabelledRow]:
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise CsvFormatError("文件为空：第一行应为列名 " + ",".join(required) + "。") from None
    missing = [name for name in required if name not in header]
    if missing:
        raise CsvFormatError(
            f"缺少必需的列：{'、'.join(missing)}。"
            f"文件第一行应包含列名 {','.join(required)}（现有列：{','.join(header) or '无'}）。"
        )
    index = {name: header.index(name) for name in header}
    rows = []
    position.start = reader.line_num + 1
    for values in reader:
        line_no, position.start = position.start, reader.line_num + 1
        if not any(v.strip() for v in values):
            continue
        problem = _quote_problem(
            values, header, index, (line_no, reader.line_num), line_no == broken_quote_line
        )
        if problem:
            raise CsvFormatError(problem)
        record = {name: (values[i] if i < len(values) else "") for name, i in index.items()}
        row = LabelledRow(
            id=record.get("id", "").strip(),
            title=record.get("title", "").strip(),
            text=record.get("text", "").strip(),
            label=record.get("label", "").strip(),
            extra={k: v for k, v in record.items() if k not in REQUIRED_COLUMNS},
            line=line_no,
        )
        if "label" in required and not row.label:
            raise CsvFormatError(f"第 {line_no} 行的 label 为空。")
        if not row.title and not row.text:
            raise CsvFormatError(f"第 {line_no} 行的 title 和 text 都为空。")
        rows.append(row)
    if not rows:
        raise CsvFormatError("文件中没有数据行。")
    return rows
