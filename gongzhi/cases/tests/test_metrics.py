"""S8 formulas pinned with hand-computed numbers on a small, fully known set of cases."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
import time_machine

from gongzhi.cases import metrics, services, sweeps
from gongzhi.cases.choices import CaseType, Channel, RatingLevel
from gongzhi.cases.models import Case
from gongzhi.cases.tests.conftest import png


def _rate(case, actor, resolved, level):
    return services.case_visit(case=case, actor=actor, resolved=resolved, level=level, via="phone")


@pytest.mark.django_db
def test_the_six_rates_on_a_known_street(make, personas) -> None:
    p = personas
    # Compound A: 6 cases filed + 1 repeat = 7 cases.
    c1 = make.resolved()  # rated 满意, resolved
    _rate(c1, p.grid_worker, True, RatingLevel.SATISFIED)
    c2 = make.resolved()  # rated 基本满意, resolved; breached once
    Case.objects.filter(pk=c2.pk).update(breach_count=1)
    c2.refresh_from_db()
    _rate(c2, p.grid_worker, True, RatingLevel.BASIC)
    c3 = make.resolved()  # rated 不满意, unresolved → reopened (visited, not closed)
    _rate(c3, p.grid_worker, False, RatingLevel.DISSATISFIED)
    c4 = make.dispatched()  # responded late: beyond respond_due_at
    with time_machine.travel(c4.respond_due_at + dt.timedelta(minutes=1), tick=False):
        services.case_accept(case=c4, actor=p.property_a)
    c5 = make.dispatched()  # never responded; then returned by company X
    services.case_return(case=c5, actor=p.property_a, reason="属于市政道路，非物业职责")
    c6 = make.received()  # not dispatched
    services.case_file(
        actor=p.grid_worker, compound=p.compound_a, channel=Channel.HOTLINE_12345,
        type=CaseType.HELP, title="重复", content="同上", duplicate_of=c4,
    )  # fmt: skip
    assert c6.dispatched_at is None
    m = metrics.case_metrics(p.street_officer, compound=p.compound_a)
    assert m.total == 7
    # 响应率: c1, c2, c3 signed in time; c4 late; c5 never → 3 / 5
    assert (m.response_rate.num, m.response_rate.den) == (3, 5)
    assert m.response_rate.value == Fraction(3, 5) and m.response_rate.percent == Decimal("60.0")
    # 解决率: 2 of 3 visits resolved; 满意率: 满意 + 基本满意 of 3 visits
    assert (m.resolution_rate.num, m.resolution_rate.den) == (2, 3)
    assert m.resolution_rate.percent == Decimal("66.7")
    assert (m.satisfaction_rate.num, m.satisfaction_rate.den) == (2, 3)
    # 按时办结率: closed c1 (on time) and c2 (breached once) → 1 / 2
    assert (m.on_time_rate.num, m.on_time_rate.den) == (1, 2)
    # 退单率: c5 of the 5 dispatched; 重复诉求率: 1 repeat of 7 cases
    assert (m.return_rate.num, m.return_rate.den) == (1, 5)
    assert (m.repeat_rate.num, m.repeat_rate.den) == (1, 7)
    assert str(m.repeat_rate) == "14.3%"


@pytest.mark.django_db
def test_rates_follow_scope_period_and_party(make, personas) -> None:
    p = personas
    make.dispatched()  # A, company X
    make.dispatched(compound=p.compound_b, requester=p.resident_b)  # B, company Y
    assert metrics.case_metrics(p.street_officer).total == 2
    assert metrics.case_metrics(p.property_b).total == 1  # only what company Y may see
    by_party = metrics.metrics_by(p.street_officer, group=metrics.Grouping.PARTY)
    assert {g.key: m.total for g, m in by_party}[("company", p.company_y.pk)] == 1
    assert metrics.case_metrics(p.street_officer, community=p.community2).total == 0
    future = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
    empty = metrics.case_metrics(p.street_officer, start=future)
    assert empty.total == 0 and empty.response_rate.value is None
    assert str(empty.satisfaction_rate) == "—"
    rows = metrics.metrics_by(p.street_officer)  # by 小区; both inside their 签收 window
    assert [(c.name, m.total, m.response_rate.den) for c, m in rows] == [
        ("A小区", 1, 0), ("B小区", 1, 0),
    ]  # fmt: skip


@pytest.mark.django_db
def test_metrics_cost_a_fixed_number_of_queries(make, personas, django_assert_num_queries):
    for _ in range(3):
        make.resolved()
    user = personas.street_officer
    metrics.case_metrics(user)  # warm the scope cache
    with django_assert_num_queries(3):
        metrics.case_metrics(user)
    with django_assert_num_queries(4):
        metrics.metrics_by(user)


@pytest.mark.django_db
def test_a_case_resolved_late_before_any_sweep_is_not_closed_on_time(make, personas) -> None:
    """The queue shows a case red from its deadline, whether or not the scheduler has flagged it
    yet: resolving it then is a breach for 按时办结率 too, counted once however a sweep races."""
    p = personas
    case = make.in_progress()
    late = case.due_at + dt.timedelta(minutes=5)
    with time_machine.travel(late, tick=False):
        case = services.case_resolve(
            case=case, actor=p.property_a, public_reply="已修复。", evidence=[png()]
        )
        sweeps.run_all(late)  # too late to flag it: it is resolved
    assert case.breach_count == 1
    _rate(case, p.grid_worker, True, RatingLevel.SATISFIED)
    on_time = make.resolved()
    _rate(on_time, p.grid_worker, True, RatingLevel.SATISFIED)
    m = metrics.case_metrics(p.street_officer, compound=p.compound_a)
    assert (m.on_time_rate.num, m.on_time_rate.den) == (1, 2)
    assert Case.objects.get(pk=case.pk).breach_count == 1


def test_a_rate_shows_100_or_0_percent_only_when_it_is_all_or_none() -> None:
    """Rounded to 0.1, 1999 of 2000 would read 100.0 % and 1 of 2000 0.0 %; a meeting reads
    those as "every one" and "none"."""
    assert str(metrics.Ratio(1999, 2000)) == "99.9%" and str(metrics.Ratio(1, 2000)) == "0.1%"
    assert str(metrics.Ratio(2000, 2000)) == "100.0%" and str(metrics.Ratio(0, 2000)) == "0.0%"
    assert str(metrics.Ratio(2, 3)) == "66.7%" and str(metrics.Ratio(0, 0)) == "—"
