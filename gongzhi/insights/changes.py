"""This month against last month, as both analysis pages show it: a count's 环比 (the change
over last month's count) and a rate's change in percentage points (of the two percentages as
shown, from the pinned formulas of `cases.metrics`)."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from gongzhi.cases import metrics
from gongzhi.cases.metrics import Ratio


def signed(value: Decimal | int | None, suffix: str = "") -> str:
    """+3.5 / -2 / 0 (no sign for nothing, nor for a change that rounds to -0.0); "—" when
    undefined."""
    if value is None:
        return "—"
    if value == 0:
        return f"{abs(value)}{suffix}"
    return f"{'+' if value > 0 else ''}{value}{suffix}"


# Below this many last month, a percentage misleads (1 → 7 is "+600%"): the change is given
# in cases (增减 +6) instead.
SMALL_BASE = 10


@dataclass(frozen=True)
class Change:
    """A count this month and last month; 环比 is the change over last month's count, given
    only from SMALL_BASE cases last month, and never for a stock (cases still open now: this
    month's have had less time to close than last month's, so the two do not compare)."""

    current: int
    previous: int
    stock: bool = False

    @property
    def delta(self) -> int:
        return self.current - self.previous

    @property
    def growth(self) -> Ratio:
        """环比 as a ratio (undefined for a stock, or below SMALL_BASE cases last month)."""
        if self.stock or self.previous < SMALL_BASE:
            return Ratio(self.delta, 0)
        return Ratio(self.delta, self.previous)

    @property
    def delta_text(self) -> str:
        return signed(self.delta)

    @property
    def growth_text(self) -> str:
        return signed(self.growth.percent, "%")

    @property
    def summary_text(self) -> str:
        """环比 +12.5%, or 增减 +6 on a small base; nothing for a stock."""
        if self.stock:
            return ""
        if self.growth.percent is None:
            return _("增减 %(delta)s") % {"delta": self.delta_text}
        return _("环比 %(growth)s") % {"growth": self.growth_text}


@dataclass(frozen=True)
class RateChange:
    column: metrics.RateColumn
    current: Ratio
    previous: Ratio

    @property
    def points(self) -> Decimal | None:
        """The change in percentage points, of the two percentages as shown."""
        if self.current.percent is None or self.previous.percent is None:
            return None
        return self.current.percent - self.previous.percent

    @property
    def points_text(self) -> str:
        return signed(self.points)


__all__ = ["SMALL_BASE", "Change", "RateChange", "signed"]
