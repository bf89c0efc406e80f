"""The work queue's 仅看督办中, 受理日期 and 社区 filters, as staff use them: what each lists for
every persona, that the page, its count, the 仅看已超时 number and the pager agree with them,
and that a wrong value is dropped (a foreign community shows nothing of it).

The street below (华锦: A小区, B小区; 宝安: C小区) is filed around local midnight of 20/21
November 2026 and looked at on the 21st at 09:50:

    20th 10:00  A: a_supervised (in progress, 督办) · a_dispatched (unsigned: late at 10:15)
    20th 23:59  A: a_late_evening (received)
    21st 00:01  A: a_early (received, 督办 after resolving: finished supervision is not 督办中)
                B: b_supervised (accepted, 督办)
    21st 09:00  C: c_supervised (dispatched by the street, 督办) · c_received
"""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from gongzhi.cases import selectors, services
from gongzhi.cases.choices import Level
from gongzhi.cases.models import Case
from gongzhi.cases.querysets import ACTIVE_STATUSES
from gongzhi.cases.workflow import Status
from gongzhi.org import services as org_services
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
LOOKED = dt.datetime(2026, 11, 21, 9, 50, tzinfo=SH)
PERSONAS = ("street_officer", "community_worker", "grid_worker", "party_a", "property_a")


@pytest.fixture
def street(make, personas) -> dict[str, Case]:
    p = personas

    def at(when: str, step: str, **kw) -> Case:
        with time_machine.travel(dt.datetime.fromisoformat(when).replace(tzinfo=SH), tick=False):
            return getattr(make, step)(**kw)

    def supervise(case: Case, actor, when: str) -> Case:
        with time_machine.travel(dt.datetime.fromisoformat(when).replace(tzinfo=SH), tick=False):
            return services.case_supervise(case=case, actor=actor, reason="请加快处理")

    cases = {
        "a_supervised": at("2026-11-20 10:00", "in_progress", title="电梯停运"),
        "a_dispatched": at("2026-11-20 10:00", "dispatched", title="门禁坏了"),
        "a_late_evening": at("2026-11-20 23:59", "received", title="楼道灯不亮"),
        "a_early": at("2026-11-21 00:01", "in_progress", title="水管漏水"),
        "b_supervised": at(
            "2026-11-21 00:01", "accepted", compound=p.compound_b, requester=p.resident_b
        ),
        "c_supervised": at("2026-11-21 09:00", "assessed", compound=p.compound_c, requester=None),
        "c_received": at("2026-11-21 09:00", "received", compound=p.compound_c, requester=None),
    }
    with time_machine.travel(dt.datetime(2026, 11, 21, 9, 0, tzinfo=SH), tick=False):
        services.case_dispatch(
            case=cases["c_supervised"],
            actor=p.street_officer,
            level=Level.COMPOUND,
            company=p.company_x,
        )
    supervise(cases["a_supervised"], p.community_worker, "2026-11-20 12:00")
    supervise(cases["b_supervised"], p.community_worker, "2026-11-21 08:00")
    supervise(cases["c_supervised"], p.street_officer, "2026-11-21 09:30")
    supervise(cases["a_early"], p.community_worker, "2026-11-21 08:00")
    Case.objects.filter(pk=cases["a_early"].pk).update(status=Status.CLOSED)  # supervision over
    return {name: Case.objects.get(pk=case.pk) for name, case in cases.items()}


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _get(user, params: dict):
    with time_machine.travel(LOOKED, tick=False):
        response = _client(user).get("/cases/", params)
    assert response.status_code == 200
    return response


def _listed(user, params: dict) -> set[str]:
    """The titles' keys of every case the queue lists with `params`, over all its pages."""
    response = _get(user, params)
    paginator = response.context["page"].paginator
    pks = {case.pk for n in paginator.page_range for case in paginator.page(n).object_list}
    assert paginator.count == len(pks)
    return pks


def _names(cases: dict[str, Case], pks: set[int]) -> set[str]:
    return {name for name, case in cases.items() if case.pk in pks}


def test_supervised_lists_what_each_persona_has_under_supervision(street, personas) -> None:
    expected = {
        "street_officer": {"a_supervised", "b_supervised", "c_supervised"},
        "community_worker": {"a_supervised", "b_supervised"},
        "grid_worker": {"a_supervised", "b_supervised"},
        "party_a": {"a_supervised"},
        "property_a": {"a_supervised", "c_supervised"},  # its company's, in A and C
    }
    for who, names in expected.items():
        user = getattr(personas, who)
        assert _names(street, _listed(user, {"supervised": "on"})) == names, who
        # 全部 too: a finished case is no longer 督办中 (a_early); 已结束 has none.
        assert _names(street, _listed(user, {"supervised": "on", "bucket": "all"})) == names
        assert _listed(user, {"supervised": "on", "bucket": "closed"}) == set(), who


def test_supervised_with_other_filters_and_the_overdue_number(street, personas) -> None:
    officer = personas.street_officer
    assert _names(street, _listed(officer, {"supervised": "on", "status": "accepted"})) == {
        "b_supervised"
    }
    assert _names(street, _listed(officer, {"supervised": "on", "overdue": "on"})) == {
        "c_supervised"  # dispatched at 09:00, not signed for within 15 minutes
    }
    response = _get(officer, {"supervised": "on"})
    page = response.content.decode()
    assert re.search(r'data-testid="overdue-count">\s*\(1\)', page)
    assert re.search(
        r'<input type="checkbox" name="supervised"[^>]*aria-label="仅看督办中"[^>]*checked', page
    )
    # The tabs keep counting the whole queue, as they do for 小区 and 仅看已超时.
    assert response.context["counts"] == _get(officer, {}).context["counts"]


def test_filed_is_one_local_day_from_midnight_to_midnight(street, personas) -> None:
    officer = personas.street_officer
    on_20th = {"a_supervised", "a_dispatched", "a_late_evening"}
    on_21st = {"a_early", "b_supervised", "c_supervised", "c_received"}
    every = {"bucket": "all"}
    assert _names(street, _listed(officer, {**every, "filed": "2026-11-20"})) == on_20th
    assert _names(street, _listed(officer, {**every, "filed": "2026-11-21"})) == on_21st
    assert _names(street, _listed(officer, {**every, "filed": "today"})) == on_21st
    assert _listed(officer, {**every, "filed": "2026-11-19"}) == set()
    # In the 未办结 tab: only the unfinished ones of that day.
    assert _names(street, _listed(officer, {"filed": "2026-11-21"})) == on_21st - {"a_early"}
    # A community worker sees only 华锦's.
    assert _names(street, _listed(personas.community_worker, {**every, "filed": "2026-11-21"})) == {
        "a_early",
        "b_supervised",
    }


def test_filed_today_shows_the_date_it_stands_for(street, personas) -> None:
    page = _get(personas.street_officer, {"bucket": "all", "filed": "today"}).content.decode()
    assert re.search(r'<input type="date" name="filed" value="2026-11-21"', page)
    assert 'aria-label="受理日期"' in page


@pytest.mark.parametrize("bad", ["2026-13-45", "昨天", "0202-11-21", "20261121x"])
def test_a_wrong_date_is_dropped_with_a_message_and_the_other_filters_kept(
    street, personas, bad
) -> None:
    officer = personas.street_officer
    response = _get(officer, {"filed": bad, "supervised": "on"})
    assert _names(street, _listed(officer, {"filed": bad, "supervised": "on"})) == {
        "a_supervised",
        "b_supervised",
        "c_supervised",
    }
    page = response.content.decode()
    assert 'data-testid="filed-error"' in page
    assert "受理日期无效" in page or "日期须在2000年1月1日至2099年12月31日之间" in page


def test_community_lists_its_compounds_only(street, personas) -> None:
    p = personas
    officer = p.street_officer
    huajin = {"community": p.community1.pk, "bucket": "all"}
    baoan = {"community": p.community2.pk, "bucket": "all"}
    assert _names(street, _listed(officer, huajin)) == {
        "a_supervised", "a_dispatched", "a_late_evening", "a_early", "b_supervised",
    }  # fmt: skip
    assert _names(street, _listed(officer, baoan)) == {"c_supervised", "c_received"}
    assert _names(street, _listed(officer, {**baoan, "supervised": "on"})) == {"c_supervised"}
    assert _names(street, _listed(officer, {**huajin, "filed": "2026-11-21"})) == {
        "a_early",
        "b_supervised",
    }
    # Company X serves A (华锦) and C (宝安): it may choose between them too.
    assert _names(street, _listed(p.property_a, {"community": p.community2.pk})) == {"c_supervised"}


def test_the_community_choice_is_only_for_those_who_see_several(street, personas) -> None:
    p = personas
    for who, shown in (
        ("street_officer", True),
        ("property_a", True),
        ("community_worker", False),
        ("party_a", False),
    ):
        page = _get(getattr(p, who), {}).content.decode()
        assert ('name="community"' in page) is shown, who
        if shown:
            assert 'aria-label="社区"' in page
            assert ">华锦社区</option>" in page and ">宝安社区</option>" in page


def test_a_community_not_theirs_lists_nothing_of_it(street, personas) -> None:
    p = personas
    other = org_services.street_create(name="另一街道", code="420106-Y")
    far = org_services.community_create(street=other, name="远方")
    far_compound = org_services.compound_create(community=far, name="远方小区", address="远路1号")
    moved = street["a_late_evening"]  # filed by the grid worker, now in the other street
    Case.objects.filter(pk=moved.pk).update(compound=far_compound)
    worker = p.community_worker
    everything_of_theirs = _listed(worker, {"bucket": "all"})
    for community in (p.community2.pk, far.pk, 999999, "abc"):
        listed = _listed(worker, {"bucket": "all", "community": community})
        assert listed == everything_of_theirs, community  # dropped like a wrong choice
        assert not Case.objects.filter(
            pk__in=listed, compound__community_id__in=[p.community2.pk, far.pk]
        ).exists()
    officer = p.street_officer
    officer_listed = _listed(officer, {"bucket": "all", "community": far.pk})
    assert officer_listed == _listed(officer, {"bucket": "all"})
    assert moved.pk not in officer_listed


def test_every_persona_count_page_and_overdue_number_agree(street, personas) -> None:
    """The list, the paginator's count and the 仅看已超时 number under every combination."""
    p = personas
    combos = [
        {"supervised": "on"},
        {"supervised": "on", "bucket": "all"},
        {"supervised": "on", "bucket": "todo"},
        {"supervised": "on", "bucket": "warning"},
        {"supervised": "on", "q": "电梯"},
        {"filed": "2026-11-20"},
        {"filed": "2026-11-21", "bucket": "all"},
        {"filed": "2026-11-21", "overdue": "on"},
        {"filed": "2026-11-21", "bucket": "resolved"},
        {"community": p.community1.pk},
        {"community": p.community2.pk, "bucket": "all"},
        {"community": p.community1.pk, "supervised": "on", "filed": "2026-11-20"},
        {"community": p.community2.pk, "channel": "hotline_12345"},
    ]
    from gongzhi.cases.forms import QueueFilterForm
    from gongzhi.org import selectors as org_selectors

    for who in PERSONAS:
        user = getattr(p, who)
        for params in combos:
            with time_machine.travel(LOOKED, tick=False):
                form = QueueFilterForm(params, compounds=list(org_selectors.compounds_for(user)))
                filters = form.queue_filters()
                expected = set(selectors.case_queue(user, **filters).values_list("pk", flat=True))
                late = set(
                    selectors.case_queue(user, **{**filters, "overdue": True}).values_list(
                        "pk", flat=True
                    )
                )
            response = _get(user, params)
            assert _listed(user, params) == expected, (who, params)
            for case in Case.objects.filter(pk__in=expected).select_related("compound"):
                assert _as_filtered(case, params, who), (who, params, case.title)
            label = re.search(r'data-testid="overdue-count">([^<]*)<', response.content.decode())
            assert label.group(1).strip(" ()") == str(len(late)), (who, params)


def _as_filtered(case: Case, params: dict, who: str) -> bool:
    """Whether `case` is what the new filters in `params` ask for (a community: of those who
    may choose one; for the others it is dropped)."""
    if params.get("supervised") and not (case.supervised and case.status in ACTIVE_STATUSES):
        return False
    if "filed" in params and str(timezone.localdate(case.created_at, SH)) != params["filed"]:
        return False
    if "community" not in params or who not in ("street_officer", "property_a"):
        return True
    return case.compound.community_id == params["community"]


def test_the_pager_keeps_the_new_filters(make, personas) -> None:
    p = personas
    with time_machine.travel(LOOKED - dt.timedelta(hours=1), tick=False):
        for i in range(21):
            case = make.received(title=f"路灯不亮{i}")
            Case.objects.filter(pk=case.pk).update(supervised=True)
    params = {"supervised": "on", "filed": "2026-11-21", "community": p.community1.pk}
    response = _get(p.street_officer, params)
    page = response.content.decode().replace("&amp;", "&")
    assert response.context["page"].paginator.count == 21
    nxt = re.search(r'href="\?([^"]*page=2)"', page).group(1)
    for part in ("supervised=on", "filed=2026-11-21", f"community={p.community1.pk}"):
        assert part in nxt, part
    second = _get(p.street_officer, dict(pair.split("=") for pair in nxt.split("&")))
    assert len(second.context["page"].object_list) == 1
    # The tabs are part of the same form: switching keeps every filter as it is shown.
    assert re.search(r'name="supervised"[^>]*checked', page)
    assert 'name="filed" value="2026-11-21"' in page
    assert f'<option value="{p.community1.pk}" selected>' in page
