"""This month against last month, as both analysis pages show it: a count's 环比 (the change
over last month's count) and a rate's change in percentage points (of the two percentages as
shown, from the pinned formulas of `cases.metrics`)."""

from dataclasses import dataclass
from decimal import Decimal

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


@dataclass(frozen=True)
class Change:
    """A count this month and last month; 环比 is the change over last month's count."""

    current: int
    previous: int

    @property
    def delta(self) -> int:
        return self.current - self.previous

    @property
    def growth(self) -> Ratio:
        """环比 as a ratio (undefined when last month had none)."""
        return Ratio(self.delta, self.previous)

    @property
    def delta_text(self) -> str:
        return signed(self.delta)

    @property
    def growth_text(self) -> str:
        return signed(self.growth.percent, "%")


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


__all__ = ["Change", "RateChange", "signed"]
