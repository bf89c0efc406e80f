"""八、研判要点: a few plain sentences read off the report's own figures, for the meeting to
discuss (系统根据数据生成，供会议研判参考).

Each sentence states only what the figures in the sections above show, and only when there is
enough behind it: no sentence at all in a month with fewer than MIN_CASES cases, none about a
rate with fewer than MIN_BASE cases behind it, none about a change smaller than the thresholds
below. No advice, no cause: the meeting decides what the numbers mean."""

from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from gongzhi.insights.monthly import MonthlyReport

MIN_CASES = 20  # cases filed in the month, for any finding
MIN_BASE = 10  # cases behind each of two rates compared, or last month's count for a change
MIN_VISITS = 5  # return visits of a place, for its satisfaction to be compared
MIN_GROWTH = Decimal(20)  # %, a change of the month's volume worth a sentence
MIN_POINTS = Decimal(5)  # percentage points, a change of a rate worth a sentence
MIN_RISE = 3  # cases, the rise of a category worth a sentence
MIN_RETURNS = 3  # 退单 of a party worth a sentence


def findings(report: "MonthlyReport") -> list[str]:
    if report.overview.filed.current < MIN_CASES:
        return []
    out: list[str] = []
    for finding in (_volume, _category, _rates, _place, _topics, _returns, _overdue):
        out.extend(finding(report))
    return out


def _volume(report: "MonthlyReport") -> list[str]:
    filed = report.overview.filed
    growth = filed.growth.percent
    if filed.previous < MIN_BASE or growth is None or abs(growth) < MIN_GROWTH:
        return []
    values = {"this": filed.current, "last": filed.previous, "growth": abs(growth)}
    if growth > 0:
        return [_("本月受理诉求 %(this)d 件，比上月（%(last)d 件）增加 %(growth)s%%。") % values]
    return [_("本月受理诉求 %(this)d 件，比上月（%(last)d 件）减少 %(growth)s%%。") % values]


def _category(report: "MonthlyReport") -> list[str]:
    out = []
    if report.risers and report.risers[0].change.delta >= MIN_RISE and report.risers[0].key:
        row = report.risers[0]
        out.append(
            _("「%(category)s」类诉求增加最多：本月 %(this)d 件，上月 %(last)d 件。")
            % {"category": row.label, "this": row.change.current, "last": row.change.previous}
        )
    top = report.categories[0] if report.categories else None
    if top is not None and top.key and top.share.percent is not None and top.share.percent >= 20:
        out.append(
            _("「%(category)s」类诉求最多，占本月诉求的 %(share)s。")
            % {"category": top.label, "share": top.share}
        )
    return out


def _rates(report: "MonthlyReport") -> list[str]:
    out = []
    for rate in report.overview.rates:
        points = rate.points
        if points is None or abs(points) < MIN_POINTS:
            continue
        if min(rate.current.den, rate.previous.den) < MIN_BASE:
            continue
        values = {
            "rate": rate.column.title,
            "points": abs(points),
            "this": rate.current,
            "last": rate.previous,
        }
        if points > 0:
            text = _("%(rate)s %(this)s，比上月（%(last)s）上升 %(points)s 个百分点。")
        else:
            text = _("%(rate)s %(this)s，比上月（%(last)s）下降 %(points)s 个百分点。")
        out.append(text % values)
    return out


def _place(report: "MonthlyReport") -> list[str]:
    """The place with the lowest satisfaction, among those with enough visits, when it is below
    the area's own."""
    rated = [row for row in report.places if row.metrics.satisfaction_rate.den >= MIN_VISITS]
    overall = report.overview.current.satisfaction_rate
    if len(rated) < 2 or overall.percent is None:
        return []
    lowest = min(rated, key=lambda row: row.metrics.satisfaction_rate.value)
    rate = lowest.metrics.satisfaction_rate
    if rate.percent is None or rate.percent >= overall.percent:
        return []
    return [
        _("%(place)s满意率最低：%(rate)s（回访 %(visits)d 件），全区域为 %(overall)s。")
        % {"place": lowest.name, "rate": rate, "visits": rate.den, "overall": overall}
    ]


def _topics(report: "MonthlyReport") -> list[str]:
    """Topics that grew clearly in the second half of the month (at most two)."""
    if not report.topics.has_trend:
        return []
    out = []
    for topic in report.topics.rows:
        if topic.second_half >= 3 and topic.second_half >= 2 * max(topic.first_half, 1):
            place = topic.place_counts[0][0] if topic.place_counts else ""
            out.append(
                _(
                    "热点「%(topic)s」明显增多：%(before)s %(first)d 件，%(after)s %(second)d 件，"
                    "最多的是%(place)s。"
                )
                % {
                    "topic": topic.name,
                    "before": report.topics.first_label,
                    "first": topic.first_half,
                    "after": report.topics.second_label,
                    "second": topic.second_half,
                    "place": place,
                }
            )
        if len(out) == 2:
            break
    return out


def _returns(report: "MonthlyReport") -> list[str]:
    parties = [row for row in report.parties if row.metrics.return_rate.num >= MIN_RETURNS]
    if not parties:
        return []
    most = max(parties, key=lambda row: row.metrics.return_rate.num)
    rate = most.metrics.return_rate
    return [
        _("%(party)s被退单最多：%(n)d 次，退单率 %(rate)s。")
        % {"party": most.name, "n": rate.num, "rate": rate}
    ]


def _overdue(report: "MonthlyReport") -> list[str]:
    supervision = report.supervision
    if not supervision.overdue_total or not supervision.overdue:
        return []
    return [
        _("目前仍有 %(n)d 件诉求超期未办结，超期最久的已 %(days)s 天。")
        % {"n": supervision.overdue_total, "days": supervision.overdue[0].days}
    ]
