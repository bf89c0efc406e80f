"""The demo street opens with work in flight: every party has something in its 工作台."""

import io

import pytest
from django.core.management import call_command

from gongzhi.cases import selectors
from gongzhi.cases.models import Case
from gongzhi.cases.workflow import Status
from gongzhi.org.models import User


@pytest.mark.django_db
def test_the_demo_accounts_find_cases_in_flight_and_a_rerun_adds_none() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    queue = {
        name: list(selectors.case_queue(User.objects.get(username=name), bucket="open"))
        for name in ("huajin", "wuye_a")
    }
    assert {Status.RECEIVED, Status.DISPATCHED} <= {c.status for c in queue["huajin"]}
    company_work = {c.status for c in queue["wuye_a"]}
    assert {Status.DISPATCHED, Status.ACCEPTED, Status.IN_PROGRESS} <= company_work
    # The complaint about the company shows it no trace of who complained (S9).
    complaint = next(c for c in queue["wuye_a"] if c.type == "complaint")
    wuye_a = User.objects.get(username="wuye_a")
    assert selectors.case_detail(wuye_a, complaint.pk).requester.withheld

    before = Case.objects.count()
    call_command("seed_live", stdout=io.StringIO())
    assert Case.objects.count() == before
