"""The staff case page after an action: where 退单 lands, what 延期 says, the hotline's deadline."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from gongzhi.cases.choices import Channel
from gongzhi.cases.workflow import Status
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _local(moment: dt.datetime, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return timezone.localtime(moment).strftime(fmt)


def test_a_company_that_returns_a_case_lands_on_its_queue_not_a_404(make, personas) -> None:
    case = make.dispatched()
    response = _client(personas.property_a).post(
        f"/cases/{case.pk}/return",
        {"version": case.version, "reason": "属于供电公司的线路"},
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/cases/"
    assert f"已退单：{case.number}" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.RETURNED


def test_an_action_that_keeps_the_case_in_sight_returns_to_it(make, personas) -> None:
    case = make.dispatched()
    response = _client(personas.property_a).post(
        f"/cases/{case.pk}/accept", {"version": case.version}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/cases/{case.pk}/#top"
    assert "已签收" in response.content.decode()


def test_the_extension_entry_names_the_new_deadline(make, personas) -> None:
    case = make.accepted()
    until = case.due_at + dt.timedelta(days=2)
    client = _client(personas.community_worker)
    response = client.post(
        f"/cases/{case.pk}/extend",
        {
            "version": case.version,
            "reason": "等待配件到货",
            "until": _local(until, "%Y-%m-%dT%H:%M"),
        },
        follow=True,
    )
    page = response.content.decode()
    assert "等待配件到货" in page and f"新期限 {_local(until)}" in page
    page = _client(personas.resident_a).get(f"/cases/{case.pk}/").content.decode()
    assert f"新期限 {_local(until)}" in page  # the requester is told until when, too


def test_the_hotline_deadline_is_on_the_staff_page(make, personas) -> None:
    due = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=3)
    case = make.received(channel=Channel.HOTLINE_12345, external_due_at=due)
    page = _client(personas.community_worker).get(f"/cases/{case.pk}/").content.decode()
    assert "热线要求办结时间" in page
    assert f'data-testid="external-due">{_local(due)}<' in page
    other = make.received()
    page = _client(personas.community_worker).get(f"/cases/{other.pk}/").content.decode()
    assert "热线要求办结时间" not in page


def test_only_actions_that_end_or_send_back_the_work_are_red(make, personas) -> None:
    case = make.dispatched()
    page = _client(personas.property_a).get(f"/cases/{case.pk}/").content.decode()
    assert 'class="btn btn-primary" data-testid="confirm-accept"' in page
    assert 'class="btn btn-danger" data-testid="confirm-return"' in page


def test_a_termination_request_can_be_refused_and_the_work_goes_on(make, personas) -> None:
    from django.core.exceptions import ValidationError

    from gongzhi.cases import services
    from gongzhi.cases.models import CaseEvent
    from gongzhi.core.models import Notification

    case = services.case_request_termination(
        case=make.accepted(), actor=personas.property_a, reason="诉求人说不用修了"
    )
    desk = _client(personas.community_worker)
    page = desk.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="action-reject_termination"' in page and "驳回终止申请" in page
    response = desk.post(
        f"/cases/{case.pk}/reject_termination",
        {"version": case.version, "reason": "诉求人电话确认仍需维修"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and not case.termination_requested
    assert CaseEvent.objects.filter(case=case, note="驳回终止申请：诉求人电话确认仍需维修").exists()
    told = Notification.objects.get(recipient=personas.property_a, title__startswith="终止申请未获")
    assert "诉求人电话确认仍需维修" in told.body
    # Nothing left to refuse: the action is gone, and a replayed refusal is refused.
    assert "action-reject_termination" not in desk.get(f"/cases/{case.pk}/").content.decode()
    with pytest.raises(ValidationError, match="没有待审批的终止申请"):
        services.case_reject_termination(
            case=case, actor=personas.community_worker, reason="再驳回"
        )
