"""/api/v1/me/notifications gives no link (null) to a case taken from the reader since (改派,
退单), as the inbox page shows no 查看 for it (notifications.links); the notices of cases still
theirs keep their link, and marking one read answers the same way."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from gongzhi.api.tests.conftest import bearer
from gongzhi.cases import services, sweeps
from gongzhi.cases.choices import Level
from gongzhi.cases.models import Case
from gongzhi.core.models import Notification
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
DISPATCHED_AT = dt.datetime(2026, 11, 2, 8, 0, tzinfo=SH)  # property class: due 3 Nov 08:00
ESCALATED_AT = dt.datetime(2026, 11, 3, 8, 1, tzinfo=SH)


def _links(user) -> dict[int, str | None]:
    response = bearer(user).get("/api/v1/me/notifications")
    assert response.status_code == 200
    return {row["id"]: row["link"] for row in response.json()}


def _notices(user, case: Case) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, link=f"/cases/{case.pk}/"))


def test_a_reassigned_case_has_no_link_for_the_old_company(make, personas) -> None:
    p = personas
    kept = make.accepted(title="垃圾清运不及时")
    taken = make.accepted(title="电梯异响")
    services.case_reassign(
        case=taken, actor=p.street_officer, level=Level.COMMUNITY, reason="物业无力处理此事"
    )
    links = _links(p.property_a)
    old = _notices(p.property_a, taken)
    assert old and all(links[n.pk] is None for n in old)
    still = _notices(p.property_a, kept)
    assert still and all(links[n.pk] == f"/cases/{kept.pk}/" for n in still)
    # The desk that took it over still follows the link.
    desk = _links(p.community_worker)
    assert f"/cases/{taken.pk}/" in desk.values()
    # Marking an old notice read answers with no link either.
    response = bearer(p.property_a).post(f"/api/v1/me/notifications/{old[0].pk}/read")
    assert response.status_code == 200 and response.json()["link"] is None


def test_after_an_escalation_the_link_follows_whether_the_company_still_opens_the_case(
    make, personas
) -> None:
    """An escalation hands the case one level up but leaves it with the late company (it may
    still finish the work, S4): the API gives the link exactly when the case page opens."""
    p = personas
    with time_machine.travel(DISPATCHED_AT, tick=False):
        case = make.dispatched(title="电梯异响")
    with time_machine.travel(ESCALATED_AT, tick=False):
        assert sweeps.sweep_breaches(ESCALATED_AT) == 1
    case.refresh_from_db()
    assert case.assigned_level == Level.COMMUNITY
    opens = _page(p.property_a, case) == 200
    links = _links(p.property_a)
    old = _notices(p.property_a, case)
    assert old and all(links[n.pk] == (f"/cases/{case.pk}/" if opens else None) for n in old)
    # Reassigned to the community from there: the company no longer opens it, nor the link.
    services.case_reassign(
        case=case, actor=p.street_officer, level=Level.COMMUNITY, reason="物业无力处理此事"
    )
    assert _page(p.property_a, case) == 404
    links = _links(p.property_a)
    assert all(links[n.pk] is None for n in _notices(p.property_a, case))


def _page(user, case: Case) -> int:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client.get(f"/cases/{case.pk}/").status_code
