"""A staff member's to-do notices are read once the step they asked for is done, for everyone
of the desk who got them (not only who did it): 收到新的居民诉求 and 研判超时 once the case is
研判'd, 诉求被退单 and 交办超时 once it is handed over again, 重办 likewise. And a case coming
back to its company says so: 重办 (which round) or its 退单 not accepted, with the 交办说明."""

import datetime as dt

import pytest

from gongzhi.cases import services, sweeps
from gongzhi.cases.choices import Category, Level, RatingLevel, RatingVia, SlaClass, Urgency
from gongzhi.cases.models import Case
from gongzhi.core.models import Notification

pytestmark = pytest.mark.django_db

NOTE = "经核实，电梯日常维保由物业负责，请物业签收办理"


def _unread(user, case: Case, kind: str) -> list[Notification]:
    return list(
        Notification.objects.filter(
            recipient=user,
            kind=kind,
            read_at__isnull=True,
            dedupe_key__startswith=f"case:{case.pk}:",
        )
    )


def _late(case: Case) -> None:
    """The desk's deadline (研判, or 交办 of a case handed back) passes: 研判超时 or 交办超时."""
    case.refresh_from_db()
    assert sweeps.sweep_assess_breaches(case.assess_due_at + dt.timedelta(minutes=1)) == 1


def test_the_desk_notices_of_a_new_case_are_read_once_it_is_assessed(make, personas) -> None:
    p = personas
    case = make.received()
    _late(case)
    desk = (p.community_worker, p.street_officer)
    for user in desk:
        assert _unread(user, case, "case.created") and _unread(user, case, "case.assess_overdue")
    services.case_assess(
        case=case,
        actor=p.community_worker,
        category=Category.REPAIR,
        sla_class=SlaClass.PROPERTY,
        urgency=Urgency.NORMAL,
    )
    for user in desk:  # the street officer did nothing, but nothing awaits them either
        assert not _unread(user, case, "case.created")
        assert not _unread(user, case, "case.assess_overdue")


def test_a_return_is_answered_by_the_next_dispatch_and_the_company_hears_it_was_refused(
    make, personas
) -> None:
    p = personas
    case = make.accepted(title="电梯异响")
    services.case_return(case=case, actor=p.property_a, reason="电梯维保属维保单位，非物业职责")
    _late(case)
    assert _unread(p.community_worker, case, "case.returned")  # the dispatcher
    for user in (p.community_worker, p.street_officer):
        assert _unread(user, case, "case.dispatch_overdue")
    case.refresh_from_db()
    services.case_dispatch(
        case=case, actor=p.street_officer, level=Level.COMPOUND, company=p.company_x, note=NOTE
    )
    for user in (p.community_worker, p.street_officer):
        assert not _unread(user, case, "case.returned")
        assert not _unread(user, case, "case.dispatch_overdue")
    again = Notification.objects.filter(recipient=p.property_a, kind="case.assigned").latest("id")
    assert again.title == "退单未予采纳，诉求再次交办给您"
    assert "您单位的退单经核实未予采纳" in again.body
    assert f"交办说明：诉求 {case.number}：{NOTE}" in again.body
    assert again.read_at is None


def test_a_return_sent_to_another_party_is_new_to_it(make, personas) -> None:
    p = personas
    case = make.accepted()
    services.case_return(case=case, actor=p.property_a, reason="属市政路灯，非物业职责范围")
    case.refresh_from_db()
    services.case_dispatch(
        case=case, actor=p.street_officer, level=Level.COMMUNITY, note="请社区联系市政"
    )
    told = Notification.objects.filter(recipient=p.community_worker, kind="case.assigned").get()
    assert told.title == "新的诉求已交办给您" and "未予采纳" not in told.body
    assert "交办说明：" in told.body and "请社区联系市政" in told.body


def test_a_reopened_case_comes_back_to_the_company_as_a_redo(make, personas) -> None:
    p = personas
    case = make.resolved(title="电梯异响")
    services.case_visit(
        case=case,
        actor=p.resident_a,
        resolved=False,
        level=RatingLevel.DISSATISFIED,
        via=RatingVia.ONLINE,
    )
    for user in (p.community_worker, p.street_officer, p.property_a):
        assert _unread(user, case, "case.reopened")
    case.refresh_from_db()
    services.case_dispatch(
        case=case, actor=p.community_worker, level=Level.COMPOUND, company=p.company_x, note=NOTE
    )
    for user in (p.community_worker, p.street_officer, p.property_a):
        assert not _unread(user, case, "case.reopened")
    first, again = Notification.objects.filter(
        recipient=p.property_a, kind="case.assigned"
    ).order_by("id")
    assert first.title == "新的诉求已交办给您"
    assert again.title == "诉求重办，再次交办给您"
    assert "回访后重办（第 2 次办理）" in again.body
    assert f"交办说明：诉求 {case.number}：{NOTE}" in again.body
