"""已超时 in the work queue is what the clock shows red: past the case's deadline, or 交办 and not
signed for (签收) past the response deadline (S3), whether or not the response sweep has run yet.
The count beside 仅看已超时 is the list's length, for every persona."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from gongzhi.api.services import token_issue
from gongzhi.cases import selectors, services, sweeps
from gongzhi.cases.choices import SlaClass
from gongzhi.cases.models import Case
from gongzhi.cases.workflow import CLOCK_STATUSES, Status
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


NOW = at(2026, 11, 2, 8, 20)  # a Monday; property class: 签收 within 15 min, resolve in 24 h


@pytest.fixture
def street(make, personas) -> dict[str, Case]:
    """Property-class cases of company X in compound A, seen at NOW (08:20)."""

    def dispatched(when: dt.datetime, title: str) -> Case:
        with time_machine.travel(when, tick=False):
            return make.dispatched(sla_class=SlaClass.PROPERTY, title=title)

    def accepted(case: Case, when: dt.datetime) -> Case:
        with time_machine.travel(when, tick=False):
            return services.case_accept(case=case, actor=personas.property_a)

    cases = {
        # 签收 by 08:15, missed; due tomorrow 08:00: only the response deadline is past.
        "unsigned": dispatched(at(2026, 11, 2, 8, 0), "门禁坏了"),
        # 签收 by 08:25: not yet late.
        "fresh": dispatched(at(2026, 11, 2, 8, 10), "楼道灯不亮"),
        # Signed for in time, and late (08:18): signed is signed, the case is not overdue.
        "signed": accepted(dispatched(at(2026, 11, 2, 8, 0), "水管漏水"), at(2026, 11, 2, 8, 5)),
        "signed_late": accepted(
            dispatched(at(2026, 11, 2, 8, 0), "电梯异响"), at(2026, 11, 2, 8, 18)
        ),
        # Past the case's own deadline (yesterday 08:00 + 24 h), signed for: overdue as before.
        "past_due": accepted(dispatched(at(2026, 11, 1, 8, 0), "垃圾清运"), at(2026, 11, 1, 8, 5)),
        # Past both deadlines, never signed for: overdue once, not twice.
        "never_signed": dispatched(at(2026, 11, 1, 8, 0), "路灯不亮"),
    }
    assert cases["unsigned"].respond_due_at < NOW < cases["unsigned"].due_at
    assert cases["unsigned"].respond_breached_at is None  # the sweep has not run
    return cases


def _overdue(street: dict[str, Case], user) -> set[str]:
    titles = {case.pk: name for name, case in street.items()}
    return {titles[c.pk] for c in selectors.case_queue(user, now=NOW, bucket="overdue")}


def test_a_case_not_signed_for_by_its_respond_deadline_is_overdue(street, personas) -> None:
    officer = personas.street_officer
    assert _overdue(street, officer) == {"unsigned", "past_due", "never_signed"}
    assert selectors.queue_counts(officer, now=NOW)["overdue"] == 3
    # The 仅看已超时 filter of the 未办结 tab lists the same cases, counted the same.
    listed = selectors.case_queue(officer, now=NOW, bucket="open", overdue=True, order="urgency")
    overdue = {street[name].pk for name in ("unsigned", "past_due", "never_signed")}
    assert {c.pk for c in listed} == overdue
    assert selectors.queue_count(officer, now=NOW, bucket="open", overdue=True) == 3


def test_the_sweep_flag_changes_nothing_and_signing_for_it_ends_it(street, personas) -> None:
    officer = personas.street_officer
    assert sweeps.sweep_respond_breaches(NOW) == 2  # the 响应超时 flags
    assert _overdue(street, officer) == {"unsigned", "past_due", "never_signed"}
    with time_machine.travel(NOW, tick=False):
        services.case_accept(case=street["unsigned"], actor=personas.property_a)
    assert _overdue(street, officer) == {"past_due", "never_signed"}
    assert selectors.queue_counts(officer, now=NOW)["overdue"] == 2


def test_every_persona_counts_what_it_lists(street, personas) -> None:
    for name, user in personas.all_users().items():
        visible = Case.objects.visible_to(user)
        expected = {
            c.pk
            for c in visible
            if c.status in CLOCK_STATUSES
            and (c.due_at < NOW or (c.status == Status.DISPATCHED and c.respond_due_at < NOW))
        }
        listed = [c.pk for c in selectors.case_queue(user, now=NOW, bucket="overdue")]
        assert set(listed) == expected, name
        assert selectors.queue_counts(user, now=NOW)["overdue"] == len(listed), name
        pages = selectors.queue_paginator(user, 20, now=NOW, bucket="open", overdue=True)
        assert pages.count == len(listed), name
        if name in ("street_officer", "community_worker", "property_a"):
            assert street["unsigned"].pk in expected, name


def test_the_queue_page_lists_it_red_with_the_count(street, personas) -> None:
    client = Client()
    assert client.login(username=personas.community_worker.username, password=PASSWORD)
    with time_machine.travel(NOW, tick=False):
        page = client.get("/cases/", {"overdue": "on"}).content.decode()
    assert '仅看已超时<span id="overdue-count" data-testid="overdue-count"> (3)</span>' in page
    assert street["unsigned"].number in page and street["past_due"].number in page
    assert street["never_signed"].number in page
    assert street["fresh"].number not in page and street["signed_late"].number not in page
    assert "签收已超时 5 分钟" in page


def test_the_api_overdue_bucket_lists_it(street, personas) -> None:
    token = token_issue(actor=personas.property_a).secret
    client = Client(headers={"Authorization": f"Bearer {token}"})
    with time_machine.travel(NOW, tick=False):
        response = client.get("/api/v1/cases", {"bucket": "overdue"})
    assert response.status_code == 200
    listed = {item["id"] for item in response.json()["items"]}
    assert listed == {street[name].pk for name in ("unsigned", "past_due", "never_signed")}


def test_the_case_page_calls_overdue_what_the_queue_does(street, personas) -> None:
    """The case detail (the API's `overdue`) agrees with 已超时: a case not signed for by its
    签收 deadline is overdue before its own deadline; a fresh one and a signed one are not."""
    officer = personas.street_officer
    with time_machine.travel(NOW, tick=False):
        late = {
            name: selectors.case_detail(officer, case.pk).overdue for name, case in street.items()
        }
    assert late == {
        "unsigned": True,
        "fresh": False,
        "signed": False,
        "signed_late": False,
        "past_due": True,
        "never_signed": True,
    }
