"""督办 (and 超时升级) badges mark work under way: a finished case (closed, terminated, not
accepted, merged) shows its final status alone, to the resident and to staff. The record stays:
the case keeps `supervised` and `supervised_at`, which the statistics count."""

import pytest
from django.test import Client

from gongzhi.cases import services
from gongzhi.cases.models import Case
from gongzhi.cases.tests.conftest import png
from gongzhi.cases.workflow import Status
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

BADGE = '<span class="badge text-bg-danger" data-testid="supervised">督办</span>'
OLD_BADGE = '<span class="badge text-bg-danger">督办</span>'  # the badge before it had an id


def _no_badge(page: str) -> bool:
    return OLD_BADGE not in page and 'data-testid="supervised"' not in page


def _page(user, case) -> str:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client.get(f"/cases/{case.pk}/").content.decode()


def test_the_supervised_badge_goes_when_the_case_is_closed(make, personas) -> None:
    p = personas
    case = make.in_progress()
    services.case_supervise(case=case, actor=p.community_worker, reason="请加快办理")
    assert BADGE in _page(p.resident_a, case) and BADGE in _page(p.community_worker, case)
    services.case_resolve(case=case, actor=p.property_a, public_reply="已修复。", evidence=[png()])
    services.case_visit(
        case=case, actor=p.resident_a, resolved=True, level="satisfied", via="online"
    )
    assert case.status == Status.CLOSED
    for user in (p.resident_a, p.community_worker):
        page = _page(user, case)
        assert _no_badge(page), user.username
        assert "已办结" in page
    stored = Case.objects.get(pk=case.pk)
    assert stored.supervised and stored.supervised_at is not None  # still counted


def test_a_terminated_supervised_case_shows_no_badge(make, personas) -> None:
    p = personas
    case = make.dispatched()
    services.case_supervise(case=case, actor=p.community_worker, reason="请加快办理")
    Case.objects.filter(pk=case.pk).update(status=Status.TERMINATED)
    case.refresh_from_db()
    assert _no_badge(_page(p.community_worker, case))
