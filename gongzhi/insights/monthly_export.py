"""The monthly report as an .xlsx file, one sheet per section, in the house style of
`cases.metrics_export`: a heading line, bold column titles, counts as numbers, rates as numbers
in a percentage format beside the two counts they are made of, and an empty cell where a rate
or a 环比 is undefined (never text a sum would trip on). No requester's name or phone: the rows
are the report's, which holds none (S9)."""

import io
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gongzhi.cases.metrics import RATES, Ratio
from gongzhi.cases.metrics_export import metrics_header, percent_cell, print_setup, sheet_name
from gongzhi.insights.changes import Change
from gongzhi.insights.monthly import MonthlyReport
from gongzhi.insights.monthly_rows import MetricsRow
from gongzhi.insights.monthly_text import (
    FINDINGS_LABEL,
    PARTY_NOTE,
    PERIOD_NOTE,
    SUPERVISION_NOTE,
    section_titles,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERCENT = "0.0%"
SIGNED_PERCENT = "+0.0%;-0.0%;0.0%"
SIGNED = "+0;-0;0"
POINTS = "+0.0;-0.0;0.0"


def _growth_header() -> str:
    """环比 beside 增减: both are "Change" in English, so this one says "Change %"."""
    return pgettext("change in percent", "环比")


def filename(report: MonthlyReport) -> str:
    return _("月度研判报告-%(month)s-%(area)s.xlsx") % {
        "month": report.month.label,
        "area": report.area.name,
    }


def download(report: MonthlyReport) -> HttpResponse:
    response = HttpResponse(write_report(report), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename(report))
    return response


def _rate(ratio: Ratio) -> float | None:
    """The percentage the page shows (1999/2000: 99.9 %, not 100.0 %), for a "0.0%" cell."""
    return percent_cell(ratio)


class _Sheet:
    """One section: its heading lines, then tables appended line by line."""

    def __init__(self, workbook: Any, title: str, report: MonthlyReport, first: bool) -> None:
        from openpyxl.styles import Font

        self.ws = workbook.active if first else workbook.create_sheet()
        self.ws.title = sheet_name(title)
        self.ws.append([title])
        self.ws.cell(row=1, column=1).font = Font(bold=True, size=13)
        self.ws.append(
            [
                _(
                    "月度研判报告：%(area)s · %(month)s（%(period)s受理的诉求，"
                    "环比对照%(previous)s）；生成时间 %(at)s"
                )
                % {
                    "area": report.area.name,
                    "month": report.month.label,
                    "period": report.period_label,
                    "previous": report.previous_label,
                    "at": report.generated_at.strftime("%Y-%m-%d %H:%M"),
                }
            ]
        )
        self.ws.append([])
        print_setup(self.ws, "1:2")
        self.titled = False

    def header(self, titles: list[str]) -> None:
        from openpyxl.styles import Alignment, Font

        self.ws.append(titles)
        if not self.titled:  # the first table's column titles repeat on every printed page
            self.ws.print_title_rows = f"1:{self.ws.max_row}"
            self.titled = True
        for cell in self.ws[self.ws.max_row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    def line(self, values: list[Any], formats: dict[int, str] | None = None) -> None:
        """A line; `formats` maps a column (1-based) to its number format."""
        self.ws.append(values)
        for column, number_format in (formats or {}).items():
            self.ws.cell(row=self.ws.max_row, column=column).number_format = number_format

    def bold_last(self) -> None:
        from openpyxl.styles import Font

        for cell in self.ws[self.ws.max_row]:
            cell.font = Font(bold=True)

    def note(self, text: str) -> None:
        self.ws.append([])
        self.ws.append([text])

    def widths(self, first: int, others: int = 11, columns: int = 20) -> None:
        from openpyxl.utils import get_column_letter

        self.ws.column_dimensions["A"].width = first
        for index in range(2, columns + 1):
            self.ws.column_dimensions[get_column_letter(index)].width = others


def _change_line(sheet: _Sheet, name: str, change: Change) -> None:
    sheet.line(
        [name, change.current, change.previous, change.delta, _rate(change.growth)],
        {4: SIGNED, 5: SIGNED_PERCENT},
    )


def _overview(sheet: _Sheet, report: MonthlyReport) -> None:
    o = report.overview
    sheet.header([_("项目"), _("本月"), report.previous_heading, _("增减"), _growth_header()])
    for name, change in (
        *o.headline,
        (_("已处置待回访"), o.awaiting_visit),
        (_("终止、不予受理或并入原诉求"), o.ended),
    ):
        _change_line(sheet, name, change)
    sheet.ws.append([])
    sheet.header(
        [
            _("指标"),
            _("本月"),
            report.previous_heading,
            _("变化（百分点）"),
            _("本月分子"),
            _("本月分母"),
            _("%(before)s分子") % {"before": report.previous_heading},
            _("%(before)s分母") % {"before": report.previous_heading},
        ]
    )
    for rate in o.rates:
        points = rate.points
        sheet.line(
            [
                str(rate.column.title),
                _rate(rate.current),
                _rate(rate.previous),
                None if points is None else float(points),
                rate.current.num,
                rate.current.den,
                rate.previous.num,
                rate.previous.den,
            ],
            {2: PERCENT, 3: PERCENT, 4: POINTS},
        )
    sheet.note(str(PERIOD_NOTE))
    sheet.widths(22)


def _counts(sheet: _Sheet, title: str, rows: list[Any], total: Change, before: str) -> None:
    sheet.header([title, _("本月"), _("占比"), before, _("增减"), _growth_header()])
    formats = {3: PERCENT, 5: SIGNED, 6: SIGNED_PERCENT}
    for row in rows:
        c = row.change
        sheet.line(
            [row.label, c.current, _rate(row.share), c.previous, c.delta, _rate(c.growth)],
            formats,
        )
    share = Ratio(total.current, total.current)
    sheet.line(
        [_("合计"), total.current, _rate(share), total.previous, total.delta, _rate(total.growth)],
        formats,
    )
    sheet.bold_last()
    sheet.widths(18)


def _metrics_table(sheet: _Sheet, title: str, rows: list[MetricsRow], total: Any) -> None:
    sheet.header(metrics_header(title))
    formats = {3 + 3 * i: PERCENT for i in range(len(RATES))}
    for row in [*rows, MetricsRow(_("合计"), total)] if total is not None else rows:
        line: list[Any] = [row.name, row.metrics.total]
        for rate in RATES:
            ratio = getattr(row.metrics, rate.attr)
            line += [_rate(ratio), ratio.num, ratio.den]
        sheet.line(line, formats)
    if total is not None:
        sheet.bold_last()
    sheet.widths(24)
    sheet.ws.freeze_panes = "B5"


def _topics(sheet: _Sheet, report: MonthlyReport) -> None:
    topics = report.topics
    before = topics.first_label or _("前半段")
    after = topics.second_label or _("后半段")
    sheet.header(
        [
            _("序号"),
            _("议题"),
            _("件数"),
            _("涉及小区（件数）"),
            before,
            after,
            _("升降"),
            _("关键词"),
            _("代表性诉求"),
        ]
    )
    # The report page's marks, so a reader of the file sees which topics grew.
    marks = {"rising": _("↑ 上升"), "falling": _("↓ 下降"), "steady": _("持平")}
    for index, topic in enumerate(topics.rows, start=1):
        places = "、".join(f"{name} {count}" for name, count in topic.place_counts)
        trend = [topic.first_half, topic.second_half, marks[topic.trend]]
        sheet.line(
            [
                index,
                topic.name,
                topic.size,
                places,
                *(trend if topics.has_trend else [None, None, None]),
                "、".join(topic.terms),
                topic.representative,
            ]
        )
    # As the page says it: "sampled" only when some cases were left out.
    if topics.analysed < topics.total:
        note = _(
            "共 %(total)d 件诉求，按时间均匀抽取 %(analysed)d 件分析（件数为抽取的件数）；"
            "至少两件内容相近才算一个热点。"
        )
    else:
        note = _(
            "共 %(total)d 件诉求，已全部分析（%(analysed)d 件）；至少两件内容相近才算一个热点。"
        )
    sheet.note(note % {"total": topics.total, "analysed": topics.analysed})
    sheet.widths(6, 10)
    widths = (("B", 24), ("D", 28), ("E", 16), ("F", 16), ("G", 10), ("H", 20), ("I", 60))
    for column, width in widths:
        sheet.ws.column_dimensions[column].width = width


def _supervision(sheet: _Sheet, report: MonthlyReport) -> None:
    s = report.supervision
    sheet.header([_("项目"), _("本月"), report.previous_heading, _("增减"), _growth_header()])
    for name, change in s.lines:
        _change_line(sheet, name, change)
    sheet.note(str(SUPERVISION_NOTE))
    sheet.ws.append([])
    sheet.ws.append([_("目前超期未办结 %(n)d 件，超期最久的：") % {"n": s.overdue_total}])
    sheet.header(
        [_("编号"), _("类别"), _("小区"), _("超期天数"), _("当前承办"), _("状态"), _("督办")]
    )
    for row in s.overdue:
        sheet.line(
            [
                row.number,
                row.category,
                row.compound,
                float(row.days),
                row.party,
                row.status,
                _("是") if row.supervised else "",
            ],
            {4: "0.0"},
        )
    sheet.widths(20, 12)
    sheet.ws.column_dimensions["C"].width = 18
    sheet.ws.column_dimensions["E"].width = 26


def write_report(report: MonthlyReport) -> bytes:
    from openpyxl import Workbook

    titles = section_titles()
    workbook = Workbook()
    o = report.overview
    sheets = [_Sheet(workbook, title, report, first=i == 0) for i, title in enumerate(titles)]
    _overview(sheets[0], report)
    before = report.previous_heading
    _counts(sheets[1], _("来源渠道"), report.channels, o.filed, before)
    _counts(sheets[2], _("类别"), report.categories, o.filed, before)
    if report.place_title:
        _metrics_table(sheets[3], report.place_title, report.places, o.current)
    else:
        sheets[3].ws.append([_("所选区域为单个小区，不再分区域统计，见“一、总体情况”。")])
    _metrics_table(sheets[4], _("承办单位"), report.parties, None)
    sheets[4].note(str(PARTY_NOTE))
    _topics(sheets[5], report)
    _supervision(sheets[6], report)
    sheets[7].ws.append([str(FINDINGS_LABEL)])
    for finding in report.findings:
        sheets[7].ws.append([finding])
    if not report.findings:
        sheets[7].ws.append([_("本月数据较少或变化不明显，未生成研判要点。")])
    sheets[7].widths(100)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
