"""A 申请延期 or 申请终止 asks every approver (the community and the street); once one of them
decides, or the request lapses with a hand-over, nobody's inbox asks any more, nor an email or
text still held for the end of quiet hours."""

import pytest

from gongzhi.cases import services
from gongzhi.cases.choices import Level, SlaClass
from gongzhi.cases.models import Case
from gongzhi.core.models import Delivery, Notification, NotificationPreference

pytestmark = pytest.mark.django_db


def _unread(user, case: Case, kind: str) -> list[Notification]:
    return list(
        Notification.objects.filter(
            recipient=user,
            kind=kind,
            read_at__isnull=True,
            dedupe_key__startswith=f"case:{case.pk}:",
        )
    )


def _asked(make, personas) -> Case:
    case = make.accepted(sla_class=SlaClass.GENERAL)
    services.case_request_extension(case=case, actor=personas.property_a, reason="等待配件", days=2)
    for user in (personas.community_worker, personas.street_officer):
        assert _unread(user, case, "case.extension_requested")
    case.refresh_from_db()
    return case


def test_an_approved_extension_asks_nobody_any_more(make, personas) -> None:
    case = _asked(make, personas)
    services.case_approve_extension(case=case, actor=personas.community_worker)
    for user in (personas.community_worker, personas.street_officer):
        assert not _unread(user, case, "case.extension_requested")


def test_a_rejected_extension_asks_nobody_any_more(make, personas) -> None:
    case = _asked(make, personas)
    services.case_reject_extension(case=case, actor=personas.street_officer, reason="请按期办结")
    for user in (personas.community_worker, personas.street_officer):
        assert not _unread(user, case, "case.extension_requested")


def test_a_request_lapsed_by_a_reassignment_asks_nobody_any_more(make, personas) -> None:
    case = _asked(make, personas)
    services.case_reassign(
        case=case, actor=personas.street_officer, level=Level.COMMUNITY, reason="物业无力处理"
    )
    for user in (personas.community_worker, personas.street_officer):
        assert not _unread(user, case, "case.extension_requested")


def test_a_held_email_of_a_decided_request_is_not_sent(make, personas) -> None:
    officer = personas.street_officer
    officer.email = "officer@example.org"
    officer.save(update_fields=["email"])
    NotificationPreference.objects.update_or_create(user=officer, defaults={"email_enabled": True})
    case = _asked(make, personas)
    (asked,) = _unread(officer, case, "case.extension_requested")
    Delivery.objects.filter(notification=asked).update(status=Delivery.Status.PENDING)
    services.case_approve_extension(case=case, actor=personas.community_worker)
    assert set(Delivery.objects.filter(notification=asked).values_list("status", flat=True)) == {
        Delivery.Status.CANCELLED
    }


@pytest.mark.parametrize("decide", ["terminate", "reject"])
def test_a_decided_termination_request_asks_nobody_any_more(make, personas, decide) -> None:
    p = personas
    case = make.accepted()
    services.case_request_termination(case=case, actor=p.property_a, reason="诉求人已搬离")
    for user in (p.community_worker, p.street_officer):
        assert _unread(user, case, "case.termination_requested")
    case.refresh_from_db()
    if decide == "terminate":
        services.case_terminate(case=case, actor=p.community_worker, reason="核实诉求人已搬离")
    else:
        services.case_reject_termination(case=case, actor=p.community_worker, reason="请继续办理")
    for user in (p.community_worker, p.street_officer):
        assert not _unread(user, case, "case.termination_requested")
