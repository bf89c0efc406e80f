"""S2 approvals: 终止 always needs a second person (or the street's own decision), and a
company's 延期 is a request the community or the street approves; a petition's +30 days only
the street (信访工作条例 Art. 35). What the company, the desk and the requester each see."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from gongzhi.cases import selectors, services
from gongzhi.cases.choices import Channel, Level, SlaClass
from gongzhi.cases.models import Case, CaseEvent, EventKind
from gongzhi.cases.tests.conftest import png
from gongzhi.cases.workflow import Action, InvalidTransition, Status
from gongzhi.core.models import Notification
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _page(user, case) -> str:
    return _client(user).get(f"/cases/{case.pk}/").content.decode()


def _told(user, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind))


# --- 终止 -------------------------------------------------------------------------------------


def test_a_community_worker_cannot_terminate_a_just_filed_case_alone(make, personas) -> None:
    p = personas
    case = make.received()
    assert Action.TERMINATE not in selectors.allowed_actions(p.community_worker, case)
    assert Action.REQUEST_TERMINATION in selectors.allowed_actions(p.community_worker, case)
    with pytest.raises(PermissionDenied, match="终止须经审批：请先提交终止申请"):
        services.case_terminate(case=case, actor=p.community_worker, reason="诉求人电话撤回")
    response = _client(p.community_worker).post(
        f"/cases/{case.pk}/terminate", {"version": case.version, "reason": "诉求人电话撤回"}
    )
    assert response.status_code in (302, 403)
    case.refresh_from_db()
    assert case.status == Status.RECEIVED and not case.termination_requested


def test_a_termination_request_is_approved_by_another_and_the_requester_told_why(
    make, personas
) -> None:
    p = personas
    case = make.received()
    response = _client(p.community_worker).post(
        f"/cases/{case.pk}/request_termination",
        {"version": case.version, "reason": "诉求人来电撤回诉求"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.RECEIVED and case.termination_requested
    # Who asked is not offered to decide; the street is.
    mine = _page(p.community_worker, case)
    assert 'data-testid="action-terminate"' not in mine and "已申请终止，待审批" in mine
    assert 'data-testid="action-terminate"' in _page(p.street_officer, case)
    with pytest.raises(ValidationError, match="不能批准自己提出的申请"):
        services.case_terminate(case=case, actor=p.community_worker, reason="同意")
    response = _client(p.street_officer).post(
        f"/cases/{case.pk}/terminate", {"version": case.version, "reason": "经核实，诉求人已撤回。"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.TERMINATED and not case.termination_requested
    event = CaseEvent.objects.get(case=case, kind=EventKind.TERMINATED)
    assert event.payload.items() >= {"requested": True, "approved_by": "street"}.items()
    (notice,) = _told(p.resident_a, "case.terminated")
    assert "经核实，诉求人已撤回" in notice.body and "如有异议，可向街道反映" in notice.body
    assert "。。" not in notice.body
    page = _page(p.resident_a, case)
    assert "终止理由：经核实，诉求人已撤回。如有异议，可向街道反映。" in page


def test_the_company_asks_and_the_community_approves_a_termination(make, personas) -> None:
    p = personas
    case = make.in_progress()
    services.case_request_termination(case=case, actor=p.property_a, reason="诉求人已搬离")
    assert _told(p.community_worker, "case.termination_requested")
    with pytest.raises(ValidationError, match="已有待审批的终止申请"):
        services.case_request_termination(case=case, actor=p.community_worker, reason="再申请")
    services.case_terminate(case=case, actor=p.community_worker, reason="核实诉求人已搬离")
    assert case.status == Status.TERMINATED
    event = CaseEvent.objects.get(case=case, kind=EventKind.TERMINATED)
    assert event.payload.items() >= {"requested": True, "approved_by": "community"}.items()


def test_the_street_may_terminate_itself_recorded_as_its_approval(make, personas) -> None:
    p = personas
    case = make.dispatched()
    page = _page(p.street_officer, case)
    assert 'data-testid="action-terminate"' in page
    assert 'data-testid="action-request_termination"' not in page  # no request to itself
    assert "未经申请直接终止，记为街道批准" in page
    with pytest.raises(ValidationError, match="请填写终止理由"):
        services.case_terminate(case=case, actor=p.street_officer, reason=" ")
    services.case_terminate(case=case, actor=p.street_officer, reason="重复信访，已答复")
    event = CaseEvent.objects.get(case=case, kind=EventKind.TERMINATED)
    assert event.actor == p.street_officer
    assert event.payload.items() >= {"requested": False, "approved_by": "street"}.items()
    assert event.note == "终止理由：重复信访，已答复。如有异议，可向街道反映。"


# --- 延期 -------------------------------------------------------------------------------------


def test_the_company_may_not_extend_its_own_deadline(make, personas) -> None:
    p = personas
    case = make.accepted()
    due = case.due_at
    page = _page(p.property_a, case)
    assert 'data-testid="action-request_extension"' in page
    assert 'data-testid="action-extend"' not in page
    with pytest.raises(PermissionDenied, match="延期须经社区或街道批准，请提交延期申请"):
        services.case_extend(
            case=case, actor=p.property_a, reason="等待配件", until=due + dt.timedelta(days=1)
        )
    case.refresh_from_db()
    assert case.due_at == due and case.extension_count == 0


def test_the_company_asks_before_signing_for_nothing(make, personas) -> None:
    case = make.dispatched()
    assert Action.REQUEST_EXTENSION not in selectors.allowed_actions(personas.property_a, case)
    with pytest.raises(InvalidTransition):
        services.case_request_extension(
            case=case, actor=personas.property_a, reason="等待配件", days=1
        )


def test_a_requested_extension_moves_the_deadline_only_when_approved(make, personas) -> None:
    p = personas
    case = make.accepted(sla_class=SlaClass.GENERAL)  # 5 working days, up to 5 more
    due = case.due_at
    response = _client(p.property_a).post(
        f"/cases/{case.pk}/request_extension",
        {"version": case.version, "days": 2, "reason": "等待配件到货"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.due_at == due and case.extension_requested_days == 2
    assert not _told(p.resident_a, "case.extended")  # told only once approved
    assert "申请延期" not in _page(p.resident_a, case)
    (asked,) = _told(p.community_worker, "case.extension_requested")
    assert "申请延期 2 天" in asked.body and "等待配件到货" in asked.body
    desk = _page(p.community_worker, case)
    assert "已申请延期 2 天，待审批" in desk and "等待配件到货" in desk
    assert 'data-testid="action-approve_extension"' in desk
    assert 'data-testid="action-extend"' not in desk  # the request is decided first
    assert 'data-testid="action-request_extension"' not in _page(p.property_a, case)
    assert case in selectors.case_queue(p.community_worker, bucket="todo")  # 待我处理

    response = _client(p.community_worker).post(
        f"/cases/{case.pk}/approve_extension", {"version": case.version}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    until = due + dt.timedelta(days=2)
    assert case.due_at == until and case.extension_count == 1
    assert case.extension_requested_days == 0
    (notice,) = _told(p.resident_a, "case.extended")
    assert _local(until) in notice.body and "等待配件到货" in notice.body
    assert _told(p.property_a, "case.extended")  # the company hears it was approved
    event = CaseEvent.objects.get(case=case, kind=EventKind.EXTENDED)
    assert event.actor == p.community_worker and event.payload["requested_by"] == p.property_a.pk


def test_a_rejected_extension_leaves_the_deadline_and_tells_the_company_why(make, personas) -> None:
    p = personas
    case = make.in_progress()
    due = case.due_at
    services.case_request_extension(case=case, actor=p.property_a, reason="人手不足", days=1)
    with pytest.raises(ValidationError, match="请填写驳回理由"):
        services.case_reject_extension(case=case, actor=p.community_worker, reason="")
    with pytest.raises(PermissionDenied):
        services.case_approve_extension(case=case, actor=p.property_a)
    services.case_reject_extension(
        case=case, actor=p.community_worker, reason="配件本地可购，请按期办结"
    )
    case.refresh_from_db()
    assert case.due_at == due and case.extension_count == 0 and not case.extension_requested_days
    (notice,) = [n for n in _told(p.property_a, "case.supervised") if "延期" in n.title]
    assert "配件本地可购" in notice.body
    assert not _told(p.resident_a, "case.extended")
    assert "配件本地可购" not in _page(p.resident_a, case)  # between the company and the desk


def test_an_extension_request_is_checked_next_to_its_fields(make, personas) -> None:
    p = personas
    case = make.accepted()  # 物业类: at most 3 days
    response = _client(p.property_a).post(
        f"/cases/{case.pk}/request_extension",
        {"version": case.version, "days": 30, "reason": ""},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "请填写理由" in page and "延期天数须在 1 至 3 天之间" in page
    stale = _client(p.property_a).post(
        f"/cases/{case.pk}/request_extension",
        {"version": case.version - 1, "days": 1, "reason": "等待配件"},
        follow=True,
    )
    assert "该诉求已被他人处理（当前状态：已签收），请核对后重新提交" in stale.content.decode()
    case.refresh_from_db()
    assert not case.extension_requested_days


def test_no_extension_is_asked_for_once_the_deadline_has_passed(make, personas) -> None:
    case = make.accepted()
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - dt.timedelta(minutes=1))
    case.refresh_from_db()
    with pytest.raises(ValidationError, match="办理期限已过，不能再申请延期"):
        services.case_request_extension(
            case=case, actor=personas.property_a, reason="等待配件", days=1
        )


def test_a_request_not_decided_by_resolution_lapses(make, personas) -> None:
    p = personas
    case = make.in_progress()
    services.case_request_extension(case=case, actor=p.property_a, reason="等待配件", days=1)
    services.case_resolve(case=case, actor=p.property_a, public_reply="已修好", evidence=[png()])
    assert case.extension_requested_days == 0
    assert "已申请延期" not in _page(p.community_worker, case)


def test_a_petitions_extra_30_days_are_approved_by_the_street(make, personas) -> None:
    p = personas
    case = make.assessed(sla_class=SlaClass.PETITION, channel=Channel.PETITION)
    services.case_dispatch(case=case, actor=p.community_worker, level=Level.COMMUNITY)
    due = case.due_at
    assert Action.EXTEND not in selectors.allowed_actions(p.community_worker, case)
    assert Action.REQUEST_EXTENSION not in selectors.allowed_actions(p.community_worker, case)
    services.case_accept(case=case, actor=p.community_worker)
    with pytest.raises(PermissionDenied, match="信访事项延期须经街道批准"):
        services.case_extend(
            case=case, actor=p.community_worker, reason="需多部门会商",
            until=due + dt.timedelta(days=30),
        )  # fmt: skip
    services.case_request_extension(
        case=case, actor=p.community_worker, reason="需多部门会商", days=30
    )
    assert case.due_at == due
    assert Action.APPROVE_EXTENSION not in selectors.allowed_actions(p.community_worker, case)
    assert _told(p.street_officer, "case.extension_requested")
    assert not _told(p.community_worker, "case.extension_requested")
    services.case_approve_extension(case=case, actor=p.street_officer, note="同意延期30日")
    assert case.due_at == due + dt.timedelta(days=30)
    with pytest.raises(ValidationError, match="信访事项的延期次数已用完"):
        services.case_request_extension(
            case=case, actor=p.community_worker, reason="再延一次", days=1
        )
