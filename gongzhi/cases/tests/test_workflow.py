"""S2: the transition table, stated a second time by hand, and every status × action through
the services: allowed actions pass the table, every other one raises InvalidTransition."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from gongzhi.cases import services
from gongzhi.cases.choices import (
    AttachmentKind,
    CaseType,
    Category,
    Channel,
    Level,
    NotAcceptedReason,
    RatingLevel,
    RatingVia,
    SlaClass,
    Urgency,
)
from gongzhi.cases.models import Case
from gongzhi.cases.tests.conftest import png
from gongzhi.cases.workflow import (
    ACTIONS,
    SYSTEM_ACTIONS,
    TRANSITIONS,
    Action,
    InvalidTransition,
    Status,
    actions_from,
    check_move,
)

S, A = Status, Action
# Every status in which the case is not finished (a termination may be decided in any of them).
UNFINISHED = {
    S.RECEIVED, S.ASSESSED, S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS, S.RETURNED, S.REOPENED,
}  # fmt: skip

# The S2 rules written out independently of workflow.py: action -> statuses it may start from.
EXPECTED_SOURCES = {
    A.ASSESS: {S.RECEIVED, S.RETURNED, S.REOPENED},
    A.MERGE: {S.RECEIVED, S.ASSESSED, S.RETURNED},  # S6, while the desk holds the case
    A.DISPATCH: {S.ASSESSED, S.RETURNED, S.REOPENED},
    A.REASSIGN: {S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS},  # from the party working on it
    A.ACCEPT: {S.DISPATCHED},
    A.START: {S.ACCEPTED},
    A.RESOLVE: {S.IN_PROGRESS},
    A.RETURN: {S.DISPATCHED, S.ACCEPTED},
    A.EXTEND: {S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS},
    A.REQUEST_EXTENSION: {S.ACCEPTED, S.IN_PROGRESS},  # asked by a party that signed for it
    A.APPROVE_EXTENSION: {S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS},
    A.REJECT_EXTENSION: {S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS},
    A.SUPERVISE: {S.ASSESSED, S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS, S.RETURNED, S.REOPENED},
    A.ANSWER: {S.RECEIVED, S.ASSESSED},
    A.NOT_ACCEPT: {S.RECEIVED, S.ASSESSED},
    A.VISIT: {S.RESOLVED},
    A.CLOSE_EXCEPTION: {S.REOPENED},
    A.REQUEST_TERMINATION: UNFINISHED,  # 终止 always needs approval: asked for first
    A.TERMINATE: UNFINISHED,
    A.REJECT_TERMINATION: UNFINISHED,  # a pending request may be refused in any of them
    A.ESCALATE: {S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS},
    A.AUTO_CLOSE: {S.RESOLVED},
}


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("action", Action.values)
def test_the_table_matches_the_rules(status, action) -> None:
    if status in EXPECTED_SOURCES[action]:
        check_move(status, action)
    else:
        with pytest.raises(InvalidTransition):
            check_move(status, action)


def test_final_statuses_lead_nowhere_and_nothing_skips_assessment() -> None:
    for final in (S.CLOSED, S.TERMINATED, S.NOT_ACCEPTED, S.MERGED):
        assert TRANSITIONS[final] == frozenset()
        assert actions_from(final) == []
    assert S.DISPATCHED not in TRANSITIONS[S.RECEIVED]  # cannot dispatch without 研判
    assert TRANSITIONS[S.RESOLVED] == {S.CLOSED, S.REOPENED}
    assert not SYSTEM_ACTIONS & set(actions_from(S.DISPATCHED))


def test_invalid_transition_speaks_chinese() -> None:
    with pytest.raises(InvalidTransition, match="当前状态「已办结」下不能执行「签收」"):
        check_move(S.CLOSED, A.ACCEPT)


class _Rollback(Exception):
    pass


def _universal_case(make, p, status: str) -> Case:
    """A 咨询 case that has everything any action needs, forced into `status`."""
    case = make.dispatched(type=CaseType.CONSULTATION)
    services.attachment_add(case=case, actor=p.property_a, file=png(), kind=AttachmentKind.EVIDENCE)
    Case.objects.filter(pk=case.pk).update(status=status)
    return Case.objects.select_related("compound").get(pk=case.pk)


def _open_case(p) -> Case:
    return services.case_file(
        actor=p.grid_worker, compound=p.compound_a, channel=Channel.HOTLINE_12345,
        type=CaseType.HELP, title="楼道灯不亮", content="3单元楼道灯坏了",
    )  # fmt: skip


def _with_termination_requested(case: Case) -> Case:
    case.termination_requested = True  # in memory: what the refusal needs, whatever the status
    return case


def _with_extension_requested(case: Case) -> Case:
    case.extension_requested_days = 1  # in memory: what a decision needs, whatever the status
    return case


def _call(action: str, case: Case, p) -> None:
    later = case.due_at + dt.timedelta(hours=1) if case.due_at else timezone.now()
    calls = {
        A.ASSESS: lambda: services.case_assess(
            case=case, actor=p.community_worker, category=Category.REPAIR,
            sla_class=SlaClass.PROPERTY, urgency=Urgency.NORMAL,
        ),
        A.MERGE: lambda: services.case_merge(
            case=case, actor=p.community_worker, original=_open_case(p).number
        ),
        A.DISPATCH: lambda: services.case_dispatch(
            case=case, actor=p.community_worker, level=Level.COMPOUND, company=p.company_x
        ),
        A.REASSIGN: lambda: services.case_reassign(
            case=case, actor=p.community_worker, level=Level.COMMUNITY,
            reason="物业无法处理，改由社区协调",
        ),
        A.ACCEPT: lambda: services.case_accept(case=case, actor=p.property_a),
        A.START: lambda: services.case_start(case=case, actor=p.property_a),
        A.RESOLVE: lambda: services.case_resolve(
            case=case, actor=p.property_a, public_reply="已处理完毕"
        ),
        A.RETURN: lambda: services.case_return(
            case=case, actor=p.property_a, reason="该事项属于市政管辖范围"
        ),
        A.EXTEND: lambda: services.case_extend(
            case=case, actor=p.community_worker, reason="配件需要订货", until=later
        ),
        A.REQUEST_EXTENSION: lambda: services.case_request_extension(
            case=case, actor=p.property_a, reason="配件需要订货", days=1
        ),
        A.APPROVE_EXTENSION: lambda: services.case_approve_extension(
            case=_with_extension_requested(case), actor=p.community_worker
        ),
        A.REJECT_EXTENSION: lambda: services.case_reject_extension(
            case=_with_extension_requested(case), actor=p.community_worker,
            reason="可按原期限办结",
        ),
        A.SUPERVISE: lambda: services.case_supervise(
            case=case, actor=p.community_worker, reason="请加快办理"
        ),
        A.ANSWER: lambda: services.case_answer(
            case=case, actor=p.community_worker, reply="您好，政策如下。"
        ),
        A.NOT_ACCEPT: lambda: services.case_not_accept(
            case=case, actor=p.community_worker, reason=NotAcceptedReason.LITIGATION
        ),
        A.VISIT: lambda: services.case_visit(
            case=case, actor=p.resident_a, resolved=True, level=RatingLevel.SATISFIED,
            via=RatingVia.ONLINE,
        ),
        A.CLOSE_EXCEPTION: lambda: services.case_close_with_exception(
            case=case, actor=p.community_worker, reason="已多次解释政策，诉求超出范围"
        ),
        A.REQUEST_TERMINATION: lambda: services.case_request_termination(
            case=case, actor=p.property_a, reason="诉求人撤回"
        ),
        A.TERMINATE: lambda: services.case_terminate(
            case=case, actor=p.street_officer, reason="诉求人撤回"
        ),
        A.REJECT_TERMINATION: lambda: services.case_reject_termination(
            case=_with_termination_requested(case), actor=p.community_worker,
            reason="诉求人仍要求处理",
        ),
    }  # fmt: skip
    calls[action]()


HUMAN_ACTIONS = [a for a in Action.values if a not in SYSTEM_ACTIONS]


@pytest.mark.django_db
@pytest.mark.parametrize("status", [s for s in Status.values if s != S.MERGED])
def test_every_service_obeys_the_table(make, personas, status) -> None:
    case = _universal_case(make, personas, status)
    for action in HUMAN_ACTIONS:
        fresh = Case.objects.select_related("compound").get(pk=case.pk)
        try:
            with transaction.atomic():
                if status in ACTIONS[action].sources:
                    _call(action, fresh, personas)  # allowed: must not raise
                else:
                    with pytest.raises(InvalidTransition):
                        _call(action, fresh, personas)
                raise _Rollback
        except _Rollback:
            pass
    assert Case.objects.get(pk=case.pk).status == status
