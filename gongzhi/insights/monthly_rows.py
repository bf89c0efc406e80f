"""The rows of the monthly report (月度研判报告): plain values, no queries (monthly.py reads
them). A count is a `Change` (this month, last month, 环比); a rate is a `metrics.Ratio` from the
pinned formulas, and its change is the difference of the two percentages as shown."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from gongzhi.cases import metrics
from gongzhi.cases.forms.hot_topics import TopicWindow
from gongzhi.cases.metrics import RATES, CaseMetrics, Ratio
from gongzhi.cases.triage_topics import Halves
from gongzhi.insights.changes import Change, RateChange


@dataclass(frozen=True)
class Overview:
    filed: Change
    closed: Change
    open: Change
    awaiting_visit: Change  # 已处置待回访
    ended: Change  # 终止, 不予受理, 并入原诉求
    rates: list[RateChange]
    current: CaseMetrics
    previous: CaseMetrics

    @property
    def headline(self) -> list[tuple[str, Change]]:
        return [(_("受理诉求"), self.filed), (_("已办结"), self.closed), (_("仍在办理"), self.open)]


@dataclass(frozen=True)
class CountRow:
    """A channel or a category: this month, last month, and the share of this month."""

    key: str
    label: str
    change: Change
    share: Ratio


@dataclass(frozen=True)
class MetricsRow:
    name: str
    metrics: CaseMetrics

    @property
    def cells(self) -> list[tuple[metrics.RateColumn, Ratio]]:
        return [(rate, getattr(self.metrics, rate.attr)) for rate in RATES]


@dataclass(frozen=True)
class TopicRow(Halves):
    size: int
    place_counts: list[tuple[str, int]]
    first_half: int
    second_half: int
    terms: tuple[str, ...]
    representative: str
    title: str = ""  # the representative message's title: the topic's name

    @property
    def name(self) -> str:
        """What the report calls the topic: its title, else its keywords."""
        return self.title or "、".join(self.terms[:3])


@dataclass(frozen=True)
class Topics:
    rows: list[TopicRow]
    total: int  # cases of the month (not repeats)
    analysed: int  # the newest of them that were read
    window: TopicWindow
    first_label: str = ""  # the trend's two halves, short: 10月1日—15日
    second_label: str = ""

    @property
    def has_trend(self) -> bool:
        return self.window.middle is not None


@dataclass(frozen=True)
class OverdueRow:
    pk: int
    number: str
    category: str
    compound: str
    days: Decimal  # overdue, in days with one decimal
    party: str
    status: str
    supervised: bool


@dataclass(frozen=True)
class Supervision:
    breached: Change  # cases past a resolve deadline in the month
    respond_breached: Change  # cases not signed for (签收) in time
    escalated: Change  # cases handed a level up
    whistled: Change  # 吹哨: cases sent to a city department (escalated or dispatched)
    supervised: Change  # cases put under 督办 (by their latest 督办)
    overdue_total: int  # open cases overdue now
    overdue: list[OverdueRow]

    @property
    def lines(self) -> list[tuple[str, Change]]:
        return [
            (_("超过办理期限"), self.breached),
            (_("超过签收期限"), self.respond_breached),
            (_("超时升级"), self.escalated),
            (_("吹哨至职能部门"), self.whistled),
            (_("督办"), self.supervised),
        ]
