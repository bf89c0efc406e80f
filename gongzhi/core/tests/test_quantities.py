from decimal import Decimal

from gongzhi.core import quantities


def test_float_noise_from_sqlite_sums_is_removed() -> None:
    assert quantities.area(32200.440000000002) == Decimal("32200.44")
    assert str(quantities.area(None)) == "0.00"
    assert quantities.money("10.005") == Decimal("10.01")
