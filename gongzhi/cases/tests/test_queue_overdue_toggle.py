"""The number beside 仅看已超时 is what ticking it would list under the other filters as they are
(status, SLA class, compound, channel, search text, tab), for every persona; where it cannot be
counted at a bounded cost (a text search past the count cap) the label shows no number rather
than a wrong one. With htmx the label is outside the swapped part: the response updates it too."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from gongzhi.cases import queue_selectors, selectors
from gongzhi.cases.choices import Channel, SlaClass
from gongzhi.cases.forms import QueueFilterForm
from gongzhi.cases.models import Case
from gongzhi.org import selectors as org_selectors
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 4, 10, 0, tzinfo=SH)  # a Wednesday
LABEL = re.compile(r'data-testid="overdue-count"( hx-swap-oob="true")?>([^<]*)</span>')


@pytest.fixture
def street(make, personas) -> dict[str, Case]:
    """Cases of several channels, classes and compounds, some overdue at NOW."""

    def at(when: dt.datetime, step: str, **kw) -> Case:
        with time_machine.travel(when, tick=False):
            return getattr(make, step)(**kw)

    two_days_ago, hotline, grid = (
        NOW - dt.timedelta(days=2),
        Channel.HOTLINE_12345,
        Channel.GRID_WORKER,
    )
    cases = {
        # Property class: due 24 h after dispatch, 签收 within 15 minutes.
        "late_hotline": at(two_days_ago, "accepted", title="楼道灯不亮", channel=hotline),
        "late_grid": at(two_days_ago, "accepted", title="电梯停运", channel=grid),
        "unsigned": at(
            NOW - dt.timedelta(minutes=30), "dispatched", title="门禁坏了", channel=grid
        ),
        "fresh_general": at(
            NOW - dt.timedelta(hours=1),
            "accepted",
            sla_class=SlaClass.GENERAL,
            title="电梯异响",
            channel=hotline,
        ),
        "late_b": at(
            two_days_ago,
            "accepted",
            compound=personas.compound_b,
            requester=personas.resident_b,
            title="电梯按钮失灵",
            channel=hotline,
        ),
        "received": at(NOW, "received", title="电梯广告太吵", channel=hotline),
        "resolved": at(two_days_ago, "resolved", title="水管漏水", channel=hotline),
    }
    late = {"late_hotline", "late_grid", "unsigned", "late_b"}
    assert {n for n, c in cases.items() if selectors.is_overdue(c, NOW)} == late
    return cases


FILTERS = [
    {},
    {"channel": Channel.GRID_WORKER},
    {"channel": Channel.HOTLINE_12345},
    {"sla_class": SlaClass.GENERAL},
    {"sla_class": SlaClass.PROPERTY},
    {"status": "accepted"},
    {"status": "dispatched"},
    {"status": "received"},
    {"compound": "b"},
    {"q": "电梯"},
    {"q": "电梯", "channel": Channel.HOTLINE_12345},
    {"bucket": "todo"},
    {"bucket": "warning"},
    {"bucket": "all", "channel": Channel.GRID_WORKER},
    {"bucket": "all", "q": "电梯"},
    {"bucket": "resolved"},
    {"bucket": "closed"},
]


def _params(personas, filters: dict) -> dict:
    params = dict(filters)
    if params.get("compound") == "b":
        params["compound"] = personas.compound_b.pk
    return params


def _page(user, params: dict, **headers) -> str:
    client = Client(headers=headers)
    assert client.login(username=user.username, password=PASSWORD)
    with time_machine.travel(NOW, tick=False):
        response = client.get("/cases/", params)
    assert response.status_code == 200
    return response.content.decode()


def _label(page: str) -> str:
    """The number beside 仅看已超时 ("" when none is shown)."""
    return LABEL.search(page).group(2).strip(" ()")


def _listed_when_ticked(user, params: dict) -> int:
    """What 仅看已超时 lists with these filters (the work queue's own selector)."""
    form = QueueFilterForm(
        {**params, "overdue": "on"}, compounds=list(org_selectors.compounds_for(user))
    )
    return len(list(selectors.case_queue(user, now=NOW, **form.queue_filters())))


@pytest.mark.parametrize(
    "filters", FILTERS, ids=lambda f: "&".join(f"{k}={v}" for k, v in f.items()) or "none"
)
def test_the_count_is_what_ticking_it_lists(street, personas, filters) -> None:
    for user in (personas.street_officer, personas.community_worker, personas.property_a):
        if "compound" in filters and user == personas.property_a:
            continue  # compound B is not one of its company's: not a choice it has
        params = _params(personas, filters)
        expected = str(_listed_when_ticked(user, params))
        assert _label(_page(user, params)) == expected, (user.username, filters)
        # Ticked, the label says how many are listed.
        assert _label(_page(user, {**params, "overdue": "on"})) == expected, (
            user.username,
            filters,
        )


def test_a_filter_that_leaves_fewer_late_cases_shows_fewer(street, personas) -> None:
    officer = personas.street_officer
    assert _label(_page(officer, {})) == "4"  # every late case: the tab's own count
    assert _label(_page(officer, {"channel": Channel.GRID_WORKER})) == "2"
    assert _label(_page(officer, {"sla_class": SlaClass.GENERAL})) == "0"
    assert _label(_page(officer, {"q": "电梯"})) == "2"
    assert _label(_page(personas.community_worker, {"compound": personas.compound_b.pk})) == "1"


def test_past_the_cap_a_count_says_so_and_a_text_search_shows_no_number(
    street, personas, monkeypatch
) -> None:
    monkeypatch.setattr(queue_selectors, "COUNT_CAP", 2)
    officer = personas.street_officer
    assert _label(_page(officer, {})) == "2+"
    # More matches than the cap: counted from the index, capped.
    assert _label(_page(officer, {"sla_class": SlaClass.PROPERTY})) == "2+"
    # Fewer: every match read for the page, counted from that read.
    assert _label(_page(officer, {"channel": Channel.GRID_WORKER})) == "2"
    # Four matches of "电梯" past a cap of two: counting the late ones would read the search
    # window again; no number rather than a wrong one.
    assert _label(_page(officer, {"q": "电梯"})) == ""
    # Ticked, the label is the list's own (capped) count.
    assert _label(_page(officer, {"q": "电梯", "overdue": "on"})) == "2"
    assert _label(_page(officer, {"q": "电梯", "bucket": "all", "overdue": "on"})) == "2"


def test_htmx_updates_the_label_outside_the_swapped_part(street, personas) -> None:
    page = _page(personas.street_officer, {"channel": Channel.GRID_WORKER}, HX_Request="true")
    assert page.lstrip().startswith('<div id="queue-results">')  # the partial
    found = LABEL.search(page)
    assert found.group(1) and found.group(2) == " (2)"  # out of band, the new count
    # A full page carries the label once, in the filter form, not out of band.
    full = _page(personas.street_officer, {"channel": Channel.GRID_WORKER})
    assert len(LABEL.findall(full)) == 1 and not LABEL.search(full).group(1)


def test_the_overdue_count_costs_at_most_one_query_more(street, personas) -> None:
    """Beside the page: nothing when the page read every match or the tab alone is asked,
    else one capped count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = personas.street_officer
    now = NOW
    for filters, extra in (
        ({"bucket": "open", "order": "urgency"}, 0),
        ({"bucket": "open", "channel": Channel.GRID_WORKER, "order": "urgency"}, 0),
        # 全部 with a filter: its page counts part by part, so does this (the parts' exists
        # check, then each of the three parts of 已超时 from the index).
        ({"bucket": None, "channel": Channel.GRID_WORKER, "order": "urgency"}, 4),
    ):
        counts = selectors.queue_counts(user, now=now)
        paginator = selectors.queue_paginator(user, 20, counts=counts, now=now, **filters)
        paginator.get_page(1)
        with CaptureQueriesContext(connection) as ctx:
            selectors.overdue_toggle_count(user, paginator, now=now, counts=counts, **filters)
        # The capped count: one query per half of 已超时 (the street officer's scope is one part).
        assert len(ctx.captured_queries) == extra, (filters, ctx.captured_queries)
