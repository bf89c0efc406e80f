"""S8 by party (承办单位): each party is charged with what it did, not with what happened to a case
after it left. A 交办 or 改派 counts for the party it handed the case to, and its 签收 or 退单
with it; visits and closure for the party that resolved (已处置) the round. Every expected figure
is counted from the steps of each test. The formulas are in metrics.py's docstring.
"""

import datetime as dt
import html
import io

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from gongzhi.cases import metrics, services, sweeps
from gongzhi.cases.choices import Level, RatingLevel
from gongzhi.cases.models import Case, CaseEvent, CaseRating, EventKind
from gongzhi.cases.sla import ensure_default_policies
from gongzhi.cases.tests.conftest import png
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db
NONE = None  # a rate without a denominator
X, COMMUNITY, NO_PARTY = "测试物业X有限公司", "社区承办", "暂无承办单位"
PARTY_NOTE = "按承办单位分组时，各单位只计本单位所办"


def _by_party(user) -> dict[str, list]:
    """Each party's 诉求数, then (num, den) of each rate in the table's order."""
    out = {}
    for group, m in metrics.metrics_by(user, group="party"):
        figures = [m.total]
        for rate in metrics.RATES:
            ratio = getattr(m, rate.attr)
            figures.append((ratio.num, ratio.den) if ratio.den else NONE)
        out[group.name] = figures
    return out


def _late(case: Case):
    """A moment just after the case's current 签收 deadline."""
    return time_machine.travel(case.respond_due_at + dt.timedelta(minutes=1), tick=True)


def test_a_return_stays_with_the_company_and_the_next_party_answers_for_itself(
    make, personas
) -> None:
    p = personas
    case = make.dispatched()  # to company X
    services.case_return(case=case, actor=p.property_a, reason="属于市政道路，非物业职责")
    services.case_dispatch(case=case, actor=p.community_worker, level=Level.COMMUNITY)
    services.case_accept(case=case, actor=p.community_worker)  # in time

    #                 诉求数  响应     解决  满意  按时办结  退单     重复
    assert _by_party(p.street_officer) == {
        X: [0, (0, 1), NONE, NONE, NONE, (1, 1), NONE],  # its 退单, though the case moved on
        COMMUNITY: [1, (1, 1), NONE, NONE, NONE, (0, 1), (0, 1)],  # its own 签收, no 退单
    }
    total = metrics.case_metrics(p.street_officer)  # per case: one case, dispatched, returned
    assert (total.return_rate.num, total.return_rate.den) == (1, 1)


def test_a_reassigned_case_leaves_the_dispatch_with_the_party_it_was_taken_from(
    make, personas
) -> None:
    p = personas
    case = make.accepted()  # X signed for it in time
    services.case_reassign(
        case=case, actor=p.community_worker, level=Level.COMMUNITY, reason="物业无法协调，社区接办"
    )
    with _late(case):
        services.case_accept(case=case, actor=p.community_worker)

    assert _by_party(p.street_officer) == {
        X: [0, (1, 1), NONE, NONE, NONE, (0, 1), NONE],
        COMMUNITY: [1, (0, 1), NONE, NONE, NONE, (0, 1), (0, 1)],  # its own late 签收
    }
    # The total counts the same two hand-overs, each by its own 签收 deadline: the rows add up.
    total = metrics.case_metrics(p.street_officer)
    assert (total.response_rate.num, total.response_rate.den) == (1, 2)


def test_visits_and_closure_are_charged_to_the_party_that_resolved_the_round(
    make, personas
) -> None:
    p = personas
    case = make.resolved()  # round 1: X resolves; the requester finds it unresolved
    services.case_visit(
        case=case, actor=p.grid_worker, resolved=False, level=RatingLevel.DISSATISFIED, via="phone"
    )
    services.case_dispatch(case=case, actor=p.community_worker, level=Level.COMMUNITY)
    for step in (services.case_accept, services.case_start):
        step(case=case, actor=p.community_worker)
    services.case_resolve(
        case=case, actor=p.community_worker, public_reply="社区协调维修完毕。", evidence=[png()]
    )  # round 2: the community resolves; satisfied, closed
    services.case_visit(
        case=case, actor=p.grid_worker, resolved=True, level=RatingLevel.SATISFIED, via="phone"
    )

    assert _by_party(p.street_officer) == {
        X: [0, (1, 1), (0, 1), (0, 1), NONE, (0, 1), NONE],
        COMMUNITY: [1, (1, 1), (1, 1), (1, 1), (1, 1), (0, 1), (0, 1)],
    }
    total = metrics.case_metrics(p.street_officer)
    assert (total.resolution_rate.num, total.resolution_rate.den) == (1, 2)


def test_a_return_by_the_level_a_case_escalated_to_is_not_the_companys(make, personas) -> None:
    p = personas
    with time_machine.travel("2026-11-02 08:00:00+08:00", tick=False):
        case = make.dispatched()  # to X, property class: 24 hours
    assert sweeps.sweep_breaches(case.due_at + dt.timedelta(minutes=1)) == 1
    case.refresh_from_db()
    assert (case.assigned_level, case.assigned_company) == (Level.COMMUNITY, p.company_x)
    services.case_return(case=case, actor=p.community_worker, reason="经核实属市政道路管理范围")

    assert _by_party(p.street_officer) == {
        X: [0, (0, 1), NONE, NONE, NONE, (0, 1), NONE],  # X did not return it
        NO_PARTY: [1, NONE, NONE, NONE, NONE, NONE, (0, 1)],  # it waits for its next 交办
    }


def test_a_repeat_counts_with_the_party_holding_the_case_it_repeats(make, personas) -> None:
    p = personas
    original = make.accepted()  # X holds it
    services.case_file(
        actor=p.grid_worker, compound=p.compound_a, channel="hotline_12345", type="help",
        title="重复", content="同上", duplicate_of=original,
    )  # fmt: skip
    assert _by_party(p.street_officer) == {X: [2, (1, 1), NONE, NONE, NONE, (0, 1), (1, 2)]}


def test_each_party_is_seen_only_by_those_who_see_its_cases(make, personas) -> None:
    p = personas
    make.accepted()  # A小区 (华锦), X
    make.accepted(compound=p.compound_b, requester=p.resident_b)  # B小区 (华锦), Y
    make.dispatched(compound=p.compound_c, requester=None)  # C小区 (宝安), X
    moved = make.assessed()  # A小区: first to the community, then to X
    services.case_dispatch(case=moved, actor=p.community_worker, level=Level.COMMUNITY)
    services.case_reassign(
        case=moved, actor=p.community_worker, level=Level.COMPOUND, company=p.company_x,
        reason="经核实属物业维修范围",
    )  # fmt: skip

    street = _by_party(p.street_officer)
    assert {name: rows[0] for name, rows in street.items()} == {
        X: 3,
        "测试物业Y有限公司": 1,
        COMMUNITY: 0,
    }
    # X signed for one of its three in 华锦 and 宝安; the other two are still inside their 签收
    # window (pending), as is the one handed to X by 改派.
    assert street[X][1] == (1, 1) and street[COMMUNITY][1] == (0, 1)
    worker = _by_party(p.community_worker)  # 华锦 only: not X's case in 宝安
    assert worker[X][:2] == [2, (1, 1)] and set(worker) == set(street)
    branch = _by_party(p.party_a)  # A小区 only
    assert set(branch) == {X, COMMUNITY} and branch[X][:2] == [2, (1, 1)]
    # Were property staff given the figures, they would get their own company's row only,
    # not the community's 交办 of a case they now hold; the page itself refuses them.
    assert set(_by_party(p.property_a)) == {X}
    assert _by_party(p.property_b) == {
        "测试物业Y有限公司": [1, (1, 1), *[NONE] * 3, (0, 1), (0, 1)]
    }
    client = Client()
    assert client.login(username=p.property_a.username, password=PASSWORD)
    assert client.get("/cases/metrics/?group=party").status_code == 403


def test_the_party_figures_cost_three_queries_whatever_moved_where(
    make, personas, django_assert_num_queries
) -> None:
    p = personas
    user = p.street_officer
    make.accepted()
    metrics.case_metrics(user)  # warm the scope cache
    with django_assert_num_queries(4):
        metrics.metrics_by(user, group="party")
    for _ in range(3):
        case = make.resolved()
        services.case_visit(
            case=case, actor=p.grid_worker, resolved=False, level=RatingLevel.BASIC, via="phone"
        )
        services.case_dispatch(case=case, actor=p.community_worker, level=Level.COMMUNITY)
        services.case_reassign(
            case=case, actor=p.street_officer, level=Level.STREET, reason="街道直接协调处理"
        )
        returned = make.dispatched(compound=p.compound_b, requester=p.resident_b)
        services.case_return(case=returned, actor=p.property_b, reason="非本物业服务范围内")
    with django_assert_num_queries(4):
        rows = metrics.metrics_by(user, group="party")
    assert [g.name for g, _m in rows] == [X, "测试物业Y有限公司", COMMUNITY, "街道承办", NO_PARTY]


def test_the_page_explains_how_parties_are_charged(make, personas) -> None:
    make.accepted()
    client = Client()
    assert client.login(username=personas.street_officer.username, password=PASSWORD)
    by_party = html.unescape(client.get("/cases/metrics/?group=party").content.decode())
    assert PARTY_NOTE in by_party and "各行的分子、分母相加不一定等于合计" in by_party
    by_compound = html.unescape(client.get("/cases/metrics/").content.decode())
    assert PARTY_NOTE not in by_compound and "各行相加等于合计" in by_compound


def test_seeded_history_records_each_party(personas) -> None:
    """seed_scale's cases are dispatched once and never move: by party, every figure adds up
    to the street's, and no 交办 is left without its party."""
    ensure_default_policies()
    call_command("seed_scale", "--cases", "300", "--seed", "7", stdout=io.StringIO())
    officer = personas.street_officer
    rows = metrics.metrics_by(officer, group="party")
    total = metrics.case_metrics(officer)
    for rate in metrics.RATES:
        for part in ("num", "den"):
            parties = sum(getattr(getattr(m, rate.attr), part) for _g, m in rows)
            assert parties == getattr(getattr(total, rate.attr), part), (rate.attr, part)
    dispatched = CaseEvent.objects.filter(kind=EventKind.DISPATCHED).count()
    assert sum(m.response_rate.den for _g, m in rows) == dispatched > 0
    assert sum(m.resolution_rate.den for _g, m in rows) == CaseRating.objects.count() > 0
    no_party = {g.name: m for g, m in rows}.get(NO_PARTY)
    assert no_party is None or no_party.response_rate.den == 0
