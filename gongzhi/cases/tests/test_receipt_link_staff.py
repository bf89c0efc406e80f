"""A receipt's tracking link rates as the requester (actor None, S5): a member of staff who opens
it signed in (the company complained about, a community worker) sees the case but may not rate
it there; they record a return visit on the case's staff page. A resident signed in and an
anonymous holder of the link still rate."""

import pytest
from django.test import Client

from gongzhi.cases.models import CaseEvent, CaseRating, EventKind
from gongzhi.cases.tests.test_tracking import WalkIn, link, signed_in
from gongzhi.cases.tracking import RECEIPT_LINK
from gongzhi.cases.workflow import Status
from gongzhi.core.models import AuditRecord

pytestmark = pytest.mark.django_db

STAFF_NOTE = "工作人员的回访请在工作台的诉求页面记录（电话回访）"
RATING = {"resolved": "1", "level": "satisfied"}


@pytest.fixture
def walk_in(make) -> WalkIn:
    return WalkIn(make.p)


@pytest.mark.parametrize("who", ["property_a", "community_worker"])
def test_staff_signed_in_see_the_case_but_no_rating_form(walk_in, who) -> None:
    client = signed_in(getattr(walk_in.p, who))
    early = client.get(link(walk_in.in_progress())).content.decode()
    assert 'data-testid="staff-rate-note"' not in early  # no rating due yet: nothing to say
    case = walk_in.resolved()
    response = client.get(link(case))
    page = response.content.decode()
    assert response.status_code == 200
    assert case.number in page and "已更换楼道灯，恢复照明。" in page  # the case as the link shows
    assert 'data-testid="rate-form"' not in page and "提交评价" not in page
    assert 'data-testid="staff-rate-note"' in page and STAFF_NOTE in page


@pytest.mark.parametrize("rater", [None, "resident_b"])
def test_a_rating_by_staff_is_refused_and_the_resident_still_rates(walk_in, rater) -> None:
    case = walk_in.resolved()
    version = case.version
    company = signed_in(walk_in.p.property_a)  # the party complained about, holding the link
    response = company.post(link(case) + "rate", {**RATING, "version": version})
    assert response.status_code == 302 and response["Location"] == link(case)
    shown = company.get(response["Location"]).content.decode()
    assert "不能通过回执链接代诉求人评价" in shown and STAFF_NOTE in shown
    case.refresh_from_db()
    assert (case.status, case.version) == (Status.RESOLVED, version)
    assert not CaseRating.objects.filter(case=case).exists()
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.CLOSED).exists()
    assert not AuditRecord.objects.filter(action="case.visit").exists()

    # An anonymous holder of the link, or a resident signed in, rates as before.
    client = Client() if rater is None else signed_in(getattr(walk_in.p, rater))
    page = client.get(link(case)).content.decode()
    assert 'data-testid="rate-form"' in page and 'data-testid="staff-rate-note"' not in page
    response = client.post(link(case) + "rate", {**RATING, "version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    rating = CaseRating.objects.get(case=case)
    assert (rating.by, rating.level) == (None, "satisfied")
    event = CaseEvent.objects.get(case=case, kind=EventKind.CLOSED)
    assert event.actor is None and event.payload["source"] == RECEIPT_LINK
