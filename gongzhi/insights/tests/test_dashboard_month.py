"""数据驾驶舱: this month so far against the same days of last month (环比), in local days.

Cases are filed a few minutes either side of local midnight, when the UTC date is still the
day before: each must count in the month of its local day."""

import re

import pytest
import time_machine
from django.test import Client

from gongzhi.cases import services
from gongzhi.cases.choices import RatingLevel
from gongzhi.cases.periods import Period
from gongzhi.insights.dashboard import month_periods

pytestmark = pytest.mark.django_db


def _at(moment: str, step):
    with time_machine.travel(moment, tick=False):
        return step()


def _month(user, moment: str) -> tuple[dict, str]:
    client = Client()
    with time_machine.travel(moment, tick=False):
        client.force_login(user)
        response = client.get("/insights/")
    assert response.status_code == 200
    rows = {row.label: row for row in response.context["month"].rows}
    return rows, response.content.decode()


def test_month_over_month_across_local_midnight(personas, make):
    p = personas
    _at("2026-10-31 23:50:00+08:00", make.dispatched)  # October: in neither month
    _at("2026-11-01 00:10:00+08:00", make.dispatched)  # last month, never signed for
    _at("2026-11-30 23:50:00+08:00", make.received)  # last month (local), 15:50 UTC
    closed = _at("2026-12-01 00:10:00+08:00", make.resolved)  # this month, though 30 Nov UTC
    _at(
        "2026-12-01 02:00:00+08:00",
        lambda: services.case_visit(
            case=closed,
            actor=p.grid_worker,
            resolved=True,
            level=RatingLevel.SATISFIED,
            via="phone",
        ),
    )
    _at("2026-12-15 12:00:00+08:00", make.received)
    _at("2026-12-31 09:00:00+08:00", make.received)

    rows, page = _month(p.street_officer, "2026-12-31 10:00:00+08:00")
    # Fewer than 10 last month: the change in cases, not "+50.0%" (nor "—" from none)
    assert (rows["受理"].this, rows["受理"].last, rows["受理"].change) == ("3", "2", "增减 +1")
    assert rows["受理"].direction == "up"
    assert (rows["办结"].this, rows["办结"].last, rows["办结"].change) == ("1", "0", "增减 +1")
    assert rows["办结"].direction == "up"
    response = rows["响应率"]
    assert (response.this, response.last) == ("100.0%", "0.0%")
    assert response.change == "+100.0 个百分点" and response.good is True
    assert (rows["满意率"].this, rows["满意率"].last, rows["满意率"].change) == ("100.0%", "—", "—")
    assert (rows["按时办结率"].this, rows["按时办结率"].last) == ("100.0%", "—")
    assert re.search(r"↑ \+100\.0</span>\s*<span[^>]*>个百分点", page)
    assert "2026年12月1日—12月31日" in page and "2026年11月1日—11月30日" in page


def test_last_month_is_cut_at_the_same_day(personas, make):
    _at("2026-11-10 23:50:00+08:00", make.received)  # the 10th: in 上月同期 of 10 December
    _at("2026-11-11 00:10:00+08:00", make.received)  # the 11th: not yet
    _at("2026-12-02 09:00:00+08:00", make.received)
    rows, _page = _month(personas.street_officer, "2026-12-10 10:00:00+08:00")
    assert (rows["受理"].this, rows["受理"].last, rows["受理"].change) == ("1", "1", "增减 0")
    assert rows["受理"].direction == ""


def test_a_falling_count_and_rate_read_as_such(personas, make):
    _at("2026-11-03 09:00:00+08:00", make.accepted)  # signed for on time
    _at("2026-11-04 09:00:00+08:00", make.accepted)
    _at("2026-12-03 09:00:00+08:00", make.dispatched)  # not signed for
    rows, page = _month(personas.street_officer, "2026-12-05 10:00:00+08:00")
    assert rows["受理"].change == "增减 -1" and rows["受理"].direction == "down"
    assert rows["响应率"].change == "-100.0 个百分点" and rows["响应率"].good is False
    assert "↓" in page


@pytest.mark.parametrize(
    ("today", "this", "last"),
    [
        ("2026-03-31", ("2026-03-01", "2026-03-31"), ("2026-02-01", "2026-02-28")),
        ("2026-01-15", ("2026-01-01", "2026-01-15"), ("2025-12-01", "2025-12-15")),
        ("2026-12-01", ("2026-12-01", "2026-12-01"), ("2026-11-01", "2026-11-01")),
    ],
)
def test_month_periods(today, this, last):
    import datetime as dt

    d = dt.date.fromisoformat
    assert month_periods(d(today)) == (
        Period(d(this[0]), d(this[1])),
        Period(d(last[0]), d(last[1])),
    )


def test_a_change_too_small_to_show_has_no_sign():
    """One fewer of 100,000 is -0.001 %: shown as 0.0 %, as on both pages, never "-0.0%"."""
    from gongzhi.insights.changes import Change

    assert Change(99_999, 100_000).growth_text == "0.0%"
    assert Change(12, 10).growth_text == "+20.0%" and Change(8, 0).growth_text == "—"


def test_a_small_base_gives_the_change_in_cases_and_a_stock_no_change():
    """1 → 7 is not "+600.0%" but 增减 +6; cases still open (a stock) get no 环比 at all."""
    from gongzhi.insights.changes import Change

    assert Change(7, 1).growth.percent is None and Change(7, 1).summary_text == "增减 +6"
    assert Change(15, 9).summary_text == "增减 +6"
    assert Change(12, 10).summary_text == "环比 +20.0%"
    assert Change(29, 3, stock=True).summary_text == ""
    assert Change(290, 30, stock=True).growth.percent is None
