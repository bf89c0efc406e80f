"""The metrics table as an .xlsx file: counts as numbers, rates as percentages, each rate beside
the two counts it is made of, so that the figures can be checked and summed in Excel. Every
column has its own title (a count's names it with its rate: 回访数 is the denominator of two
rates), and a rate without a denominator is an empty cell, not text that a sum would trip on."""

import io
from typing import Any

from django.utils.translation import gettext as _

from gongzhi.cases.metrics import RATES, CaseMetrics, Ratio

# Excel refuses these in a sheet's name and allows at most 31 characters.
_NOT_IN_SHEET_NAMES = str.maketrans(dict.fromkeys("[]:*?/\\", "-"))


def sheet_name(text: str) -> str:
    return text.translate(_NOT_IN_SHEET_NAMES)[:31]


def print_setup(ws: Any, title_rows: str) -> None:
    """On paper: landscape, one page wide (as many pages down as it takes), the heading and
    column titles (`title_rows`, e.g. "1:2") repeated on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows


def metrics_header(group_title: str) -> list[str]:
    """The group's column, 诉求数, then each rate with its numerator and denominator."""
    header = [group_title, str(_("诉求数"))]
    for rate in RATES:
        names = {"rate": rate.title, "count": rate.num}
        header += [
            str(rate.title),
            _("%(rate)s分子：%(count)s") % names,
            _("%(rate)s分母：%(count)s") % {**names, "count": rate.den},
        ]
    return header


def write_metrics(
    *,
    title: str,
    sheet: str,
    group_title: str,
    rows: list[tuple[str, CaseMetrics]],
    total: CaseMetrics,
    note: str,
) -> bytes:
    """A heading line, the column titles, one line per group, the total, the formulas."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet_name(sheet)
    header = metrics_header(group_title)
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.cell(row=1, column=1).font = Font(bold=True, size=13)
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for name, metrics in rows:
        ws.append(_line(name, metrics))
    ws.append(_line(_("合计"), total))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.append([])
    ws.append([note])
    last = 3 + len(rows)  # the total's line
    for index in range(3, 3 + len(RATES) * 3, 3):  # the rate columns, empty cells included
        for (cell,) in ws.iter_rows(min_row=3, max_row=last, min_col=index, max_col=index):
            cell.number_format = "0.0%"
    ws.column_dimensions["A"].width = 24
    for index in range(2, len(header) + 1):
        ws.column_dimensions[get_column_letter(index)].width = 11
    ws.freeze_panes = "B3"
    print_setup(ws, "1:2")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def percent_cell(ratio: Ratio) -> float | None:
    """A rate as the page shows it (`Ratio.percent`: 1999/2000 is 99.9 %, not 100.0 %), as the
    fraction a "0.0%" cell displays; None (an empty cell) without a denominator."""
    return None if ratio.percent is None else float(ratio.percent / 100)


def _line(name: str, metrics: CaseMetrics) -> list[Any]:
    line: list[Any] = [name, metrics.total]
    for rate in RATES:
        ratio = getattr(metrics, rate.attr)
        line += [percent_cell(ratio), ratio.num, ratio.den]
    return line
