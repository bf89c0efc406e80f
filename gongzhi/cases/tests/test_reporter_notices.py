"""A grid worker who records what they found on a round (巡查, 网格员, 民情前哨) hears when it
has been dealt with, as a requester would; staff who merely typed in someone else's call do
not get every outcome of it."""

import pytest

from gongzhi.cases import services
from gongzhi.cases.choices import CaseType, Category, Channel, Level, SlaClass, Urgency
from gongzhi.cases.tests.conftest import png
from gongzhi.core.models import Notification

pytestmark = pytest.mark.django_db


def _through_the_loop(personas, case):
    p = personas
    case = services.case_assess(
        case=case, actor=p.community_worker, category=Category.FIRE_SAFETY,
        sla_class=SlaClass.PROPERTY, urgency=Urgency.NORMAL,
    )  # fmt: skip
    case = services.case_dispatch(
        case=case, actor=p.community_worker, level=Level.COMPOUND, company=p.company_x
    )
    case = services.case_accept(case=case, actor=p.property_a)
    case = services.case_start(case=case, actor=p.property_a)
    return services.case_resolve(
        case=case, actor=p.property_a, public_reply="已清理消防通道杂物。", evidence=[png()]
    )


def _told(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind="case.resolved"))


def test_the_grid_worker_who_found_it_hears_it_was_resolved(make, personas) -> None:
    found = services.case_file(
        actor=personas.grid_worker, compound=personas.compound_a, channel=Channel.PATROL,
        type=CaseType.OTHER, title="消防通道堵塞", content="5栋前消防通道被杂物堵塞",
    )  # fmt: skip
    _through_the_loop(personas, found)
    [notice] = _told(personas.grid_worker)
    assert notice.title == "您登记的诉求已处置"
    assert found.number in notice.body and "已清理消防通道杂物" in notice.body


def test_a_call_typed_in_by_staff_tells_its_caller_not_the_typist(make, personas) -> None:
    call = make.received(channel=Channel.HOTLINE_12345)  # recorded by the grid worker
    _through_the_loop(personas, call)
    assert _told(personas.grid_worker) == []
    assert Notification.objects.filter(
        recipient=personas.resident_a, kind="case.rate_request"
    ).exists()
