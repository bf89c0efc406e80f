"""S8 scenarios the other metrics tests leave out, each pinned with figures counted by hand from
its steps: a case reopened and handed over again a month later, a case still inside its 签收
window, an escalated case resolved by the level above, a terminated, a not-accepted and an
auto-closed case; and what the page, the Excel files and the monthly report show of them."""

import datetime as dt
import html
import io
import re

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db.models import Count, Q
from django.test import Client
from openpyxl import load_workbook

from gongzhi.cases import metrics, services, sweeps
from gongzhi.cases.choices import CaseType, Channel, Level, NotAcceptedReason, RatingLevel
from gongzhi.cases.metrics_export import percent_cell
from gongzhi.cases.models import Case, EventKind
from gongzhi.cases.periods import Period
from gongzhi.cases.sla import ensure_default_policies
from gongzhi.cases.tests.conftest import png
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db
NONE = None  # a rate without a denominator
X, COMMUNITY = "测试物业X有限公司", "社区承办"
NOVEMBER = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30)).bounds()
DECEMBER = Period(dt.date(2026, 12, 1), dt.date(2026, 12, 31)).bounds()


def _response(user, period=(None, None), **kw) -> tuple[int, int]:
    ratio = metrics.case_metrics(user, start=period[0], end=period[1], **kw).response_rate
    return ratio.num, ratio.den


def _figures(m: metrics.CaseMetrics) -> list:
    """诉求数, then (num, den) of each rate in the table's order (None: no denominator)."""
    out = [m.total]
    for rate in metrics.RATES:
        ratio = getattr(m, rate.attr)
        out.append((ratio.num, ratio.den) if ratio.den else NONE)
    return out


def _by_party(user, period=(None, None)) -> dict[str, list]:
    rows = metrics.metrics_by(user, group="party", start=period[0], end=period[1])
    return {group.name: _figures(m) for group, m in rows}


def test_a_case_reopened_and_handed_over_again_next_month_leaves_its_month_alone(
    make, personas
) -> None:
    p = personas
    with time_machine.travel("2026-11-10 09:00:00+08:00", tick=True):
        case = make.resolved()  # to X, signed for in time, resolved
    with time_machine.travel("2026-11-30 12:00:00+08:00", tick=True):
        assert _response(p.street_officer, NOVEMBER) == (1, 1)
        assert _by_party(p.street_officer, NOVEMBER)[X][1] == (1, 1)
    with time_machine.travel("2026-12-02 10:00:00+08:00", tick=True):
        services.case_visit(
            case=case, actor=p.grid_worker, resolved=False, level=RatingLevel.DISSATISFIED,
            via="phone",
        )  # fmt: skip
        services.case_dispatch(case=case, actor=p.community_worker, level=Level.COMPOUND,
                               company=p.company_x)  # fmt: skip
        case.refresh_from_db()
        # November keeps its 签收: the new hand-over is December's, still inside its window.
        assert _response(p.street_officer, NOVEMBER) == (1, 1)
        assert _by_party(p.street_officer, NOVEMBER)[X][1] == (1, 1)
        assert _response(p.street_officer, DECEMBER) == (0, 0)
    with time_machine.travel(case.respond_due_at + dt.timedelta(minutes=1), tick=False):
        assert _response(p.street_officer, NOVEMBER) == (1, 1)
        assert _response(p.street_officer, DECEMBER) == (0, 1)  # the second round, unsigned
        assert _by_party(p.street_officer, DECEMBER)[X][1] == (0, 1)
        assert _response(p.street_officer) == (1, 2)  # all time: two hand-overs


def test_a_case_inside_its_response_window_is_not_yet_counted(make, personas) -> None:
    p = personas
    with time_machine.travel("2026-11-20 04:00:00+08:00", tick=False):
        waiting = make.dispatched()
        signed = make.accepted()
        assert _response(p.street_officer) == (1, 1)  # `waiting` is pending, not late
        rows = metrics.metrics_by(p.street_officer)
        assert [(g.name, _figures(m)[1]) for g, m in rows] == [("A小区", (1, 1))]
        client = Client()
        assert client.login(username=p.street_officer.username, password=PASSWORD)
        page = _text(client.get("/cases/metrics/"))
        assert "合计 2 100.0% （1/1）" in page  # not 50.0% (1/2): nothing is late yet
    with time_machine.travel(waiting.respond_due_at - dt.timedelta(minutes=1), tick=False):
        assert _response(p.street_officer) == (1, 1)
    with time_machine.travel(waiting.respond_due_at + dt.timedelta(minutes=1), tick=False):
        assert _response(p.street_officer) == (1, 2)  # its deadline passed unsigned
        services.case_accept(case=waiting, actor=p.property_a)
        assert _response(p.street_officer) == (1, 2)  # signed late
    assert signed.responded_at <= signed.respond_due_at


def test_an_escalated_case_resolved_by_the_community_is_charged_to_the_community(
    make, personas
) -> None:
    p = personas
    with time_machine.travel("2026-11-02 08:00:00+08:00", tick=False):
        case = make.accepted()  # X signs for it in time, then lets its deadline pass
    assert sweeps.sweep_breaches(case.due_at + dt.timedelta(minutes=1)) == 1
    case.refresh_from_db()
    assert (case.assigned_level, case.assigned_company) == (Level.COMMUNITY, p.company_x)
    with time_machine.travel(case.due_at - dt.timedelta(hours=1), tick=False):
        services.case_start(case=case, actor=p.community_worker)
        services.case_resolve(
            case=case, actor=p.community_worker, public_reply="社区协调维修完毕。",
            evidence=[png()],
        )  # fmt: skip
        services.case_visit(
            case=case, actor=p.grid_worker, resolved=True, level=RatingLevel.SATISFIED,
            via="phone",
        )  # fmt: skip

    #                 诉求数  响应     解决     满意     按时办结  退单     重复
    assert _by_party(p.street_officer) == {
        X: [0, (1, 1), NONE, NONE, NONE, (0, 1), NONE],  # its 交办 and 签收 only
        COMMUNITY: [1, NONE, (1, 1), (1, 1), (0, 1), NONE, (0, 1)],  # late: breached once
    }


def test_terminated_not_accepted_and_auto_closed_cases(make, personas) -> None:
    p = personas
    with time_machine.travel("2026-11-05 09:00:00+08:00", tick=True):
        terminated = make.dispatched()  # handed to X, never signed for; then terminated
        services.case_request_termination(
            case=terminated, actor=p.property_a, reason="诉求人已撤回诉求"
        )
        services.case_terminate(
            case=terminated, actor=p.community_worker, reason="核实诉求人已撤回诉求"
        )
        refused = make.received()  # 不予受理: never dispatched
        services.case_not_accept(
            case=refused, actor=p.community_worker, reason=NotAcceptedReason.LITIGATION
        )
        auto = make.resolved()  # signed for in time, resolved; nobody visits
    assert sweeps.sweep_auto_close(auto.visit_due_at + dt.timedelta(minutes=1)) == 1
    assert Case.objects.get(pk=auto.pk).status == "closed"
    total = metrics.case_metrics(p.street_officer, start=NOVEMBER[0], end=NOVEMBER[1])
    #                      诉求数  响应     解决  满意  按时办结 退单     重复
    assert _figures(total) == [3, (1, 2), NONE, NONE, (1, 1), (0, 2), (0, 3)]
    assert _by_party(p.street_officer, NOVEMBER)[X] == [
        2, (1, 2), NONE, NONE, (1, 1), (0, 2), (0, 2),  # the terminated and the auto-closed
    ]  # fmt: skip


def _text(response) -> str:
    """A page's visible text, its tags and spacing collapsed to single spaces."""
    text = re.sub(r"<(script|select).*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text)))


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_party_branch_of_one_compound_sees_its_compound_named(make, personas) -> None:
    p = personas
    make.accepted()  # A小区 (华锦), seen by the branch
    make.accepted(compound=p.compound_b, requester=p.resident_b)  # B小区 (华锦), not seen
    query = "?group=community&period=custom&start=2026-01-01&end=2026-12-31"
    page = _text(_client(p.party_a).get(f"/cases/metrics/{query}"))
    assert "按社区 · A小区" in page and "按社区 · 华锦社区" not in page
    assert "A小区 1 " in page
    excel = _client(p.party_a).get(f"/cases/metrics/{query}&format=xlsx")
    sheet = load_workbook(io.BytesIO(excel.content)).active
    assert sheet["A1"].value.endswith("，A小区")
    assert [sheet.cell(row=r, column=1).value for r in (3, 4)] == ["A小区", "合计"]
    # The community worker reads the whole community: named as before.
    worker = _text(_client(p.community_worker).get(f"/cases/metrics/{query}"))
    assert "按社区 · 华锦社区" in worker


def test_the_excel_files_show_the_rates_as_the_page_rounds_them() -> None:
    from gongzhi.insights.monthly_export import _rate

    assert percent_cell(metrics.Ratio(1999, 2000)) == pytest.approx(0.999)  # 99.9 %, not 100 %
    assert percent_cell(metrics.Ratio(1, 2000)) == pytest.approx(0.001)
    assert percent_cell(metrics.Ratio(2, 3)) == pytest.approx(0.667)
    assert _rate(metrics.Ratio(1999, 2000)) == pytest.approx(0.999)
    assert percent_cell(metrics.Ratio(0, 0)) is None


def test_a_repeat_filed_refreshes_the_cached_monthly_report(make, personas) -> None:
    from gongzhi.insights.forms import Month, areas_for
    from gongzhi.insights.monthly import cached_report

    p = personas
    cache.clear()
    with time_machine.travel("2026-11-20 10:00:00+08:00", tick=True):
        original = make.dispatched()
        area = areas_for(p.street_officer)[0][0]
        before = cached_report(p.street_officer, month=Month(2026, 11), area=area)
        assert before.overview.filed.current == 1
        services.case_file(
            actor=p.grid_worker, compound=p.compound_a, channel=Channel.HOTLINE_12345,
            type=CaseType.HELP, title="重复", content="同上", duplicate_of=original,
        )  # fmt: skip
        after = cached_report(p.street_officer, month=Month(2026, 11), area=area)
    assert after.overview.filed.current == 2
    assert (after.overview.current.repeat_rate.num, after.overview.current.repeat_rate.den) == (
        1,
        2,
    )


def test_the_dashboard_warns_that_last_months_cases_had_longer_to_close(make, personas) -> None:
    with time_machine.travel("2026-11-20 10:00:00+08:00", tick=True):
        make.dispatched()
        page = html.unescape(_client(personas.street_officer).get("/insights/").content.decode())
    assert "上月同期的诉求已多办理一个月" in page


def test_seeded_late_closures_record_their_breach(personas) -> None:
    """Section 七 counts 超时 events, 按时办结率 the cases' breach_count: they must agree."""
    ensure_default_policies()
    call_command("seed_scale", "--cases", "300", "--seed", "7", stdout=io.StringIO())
    cases = Case.objects.annotate(
        breaches=Count("events", filter=Q(events__kind=EventKind.SLA_BREACHED))
    )
    late_closed = cases.filter(status="closed", breach_count__gt=0)
    assert late_closed.exists()
    assert not [c.number for c in cases if c.breaches != c.breach_count]
    assert re.fullmatch(r".+", late_closed.first().number)
