"""S4: an escalation hands the case to the level above cleanly. What was read or asked before it
cannot undo it: a form or service holding the case as it was gets CaseChanged, the late
company's pending 申请延期 lapses (and it is told), it may no longer 申请终止, and a department
is found by the case's own compound's rule. A hand-over made after an escalation gets its own
签收 deadline, which counts for 响应率 (S8) when met."""

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.cases import metrics, policies, selectors, services, sweeps
from gongzhi.cases.choices import Category, Level, SlaClass
from gongzhi.cases.models import Case, CaseAttachment, CaseEvent, EventKind, RoutingRule, SlaPolicy
from gongzhi.cases.services import notices
from gongzhi.cases.services.handling import _approvers
from gongzhi.cases.tests.conftest import png
from gongzhi.cases.workflow import Action, CaseChanged, Status
from gongzhi.core.models import Notification
from gongzhi.org import services as org_services
from gongzhi.org.models import Role
from gongzhi.org.testing import make_user

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
DISPATCHED_AT = dt.datetime(2026, 11, 2, 8, 0, tzinfo=SH)  # property class: due 3 Nov 08:00
ESCALATED_AT = dt.datetime(2026, 11, 3, 8, 1, tzinfo=SH)  # to the community, due 4 Nov 08:01
LATER = dt.datetime(2026, 11, 3, 9, 0, tzinfo=SH)


def _escalate(case: Case) -> Case:
    assert sweeps.sweep_breaches(ESCALATED_AT) == 1
    case = Case.objects.get(pk=case.pk)
    assert (case.assigned_level, case.escalation_level) == (Level.COMMUNITY, 1)
    return case


# --- A case read before the escalation ----------------------------------------------------------


def test_an_extension_from_a_form_rendered_before_the_escalation_is_refused(make, personas) -> None:
    with time_machine.travel(DISPATCHED_AT, tick=False):
        case = make.accepted(sla_class=SlaClass.PROPERTY)
    stale = Case.objects.get(pk=case.pk)  # the community's 延期 form was rendered
    escalated = _escalate(case)
    with time_machine.travel(LATER, tick=False), pytest.raises(CaseChanged):
        services.case_extend(
            case=stale,
            actor=personas.community_worker,
            reason="等待配件到货",
            until=stale.due_at + dt.timedelta(days=1),
            expected_version=stale.version,
        )
    case = Case.objects.get(pk=case.pk)
    # The community's own deadline stands; the breach of the company's is not wiped out.
    assert (case.assigned_level, case.due_at) == (Level.COMMUNITY, escalated.due_at)
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.EXTENDED).exists()


def test_a_company_resolving_a_case_it_read_before_the_escalation_must_reload(
    make, personas
) -> None:
    with time_machine.travel(DISPATCHED_AT, tick=False):
        case = make.in_progress(sla_class=SlaClass.PROPERTY)
    stale = Case.objects.get(pk=case.pk)
    _escalate(case)
    reply = dict(public_reply="已更换楼道灯，恢复照明。", evidence=[png()])
    with time_machine.travel(LATER, tick=False):
        with pytest.raises(CaseChanged):
            services.case_resolve(case=stale, actor=personas.property_a, **reply)
        assert Case.objects.get(pk=case.pk).status == Status.IN_PROGRESS
        fresh = Case.objects.get(pk=case.pk)
        services.case_resolve(case=fresh, actor=personas.property_a, **reply)
    resolved = CaseEvent.objects.get(case=case, kind=EventKind.RESOLVED)
    assert resolved.payload["level"] == Level.COMMUNITY  # charged to the level holding it


# --- The late company's requests ---------------------------------------------------------------


def test_a_pending_extension_request_lapses_and_its_asker_is_told(make, personas) -> None:
    p = personas
    with time_machine.travel(DISPATCHED_AT, tick=False):
        case = make.accepted(sla_class=SlaClass.PROPERTY)
    with time_machine.travel(DISPATCHED_AT + dt.timedelta(hours=1), tick=False):
        services.case_request_extension(
            case=case, actor=p.property_a, reason="需要等配件到货", days=3
        )
    case = _escalate(case)
    assert case.extension_requested_days == 0
    assert Action.APPROVE_EXTENSION not in selectors.allowed_actions(p.community_worker, case)
    with time_machine.travel(LATER, tick=False), pytest.raises(ValidationError):
        services.case_approve_extension(case=case, actor=p.community_worker)
    assert Case.objects.get(pk=case.pk).due_at == case.due_at  # the community's deadline
    told = Notification.objects.filter(recipient=p.property_a, kind="case.extended").get()
    assert told.title == "诉求已超时升级，延期申请已失效"
    assert "诉求已升级至社区办理，尚未审批的延期申请（3 天）随之失效" in told.body
    # Nobody else hears of a request they did not make.
    assert (
        not Notification.objects.filter(kind="case.extended")
        .exclude(recipient=p.property_a)
        .exists()
    )


def test_the_late_company_may_not_request_termination(make, personas) -> None:
    p = personas
    with time_machine.travel(DISPATCHED_AT, tick=False):
        case = make.dispatched(sla_class=SlaClass.PROPERTY)
    case = _escalate(case)
    assert not policies.can_request_termination(p.property_a, case)
    assert Action.REQUEST_TERMINATION not in selectors.allowed_actions(p.property_a, case)
    assert "不能退单、延期或申请终止" in policies.escalated_limits_note(p.property_a, case)
    with pytest.raises(PermissionDenied, match="物业企业不能申请终止；如确实无法办理，请联系社区"):
        policies.check_can_request_termination(p.property_a, case)
    with time_machine.travel(LATER, tick=False), pytest.raises(PermissionDenied):
        services.case_request_termination(
            case=case, actor=p.property_a, reason="业主不配合入户，无法处理"
        )
    assert not Case.objects.get(pk=case.pk).termination_requested
    # The community holding the case still may.
    assert policies.can_request_termination(p.community_worker, case)


def test_a_termination_request_filed_before_the_escalation_stays_for_a_supervisor(
    make, personas
) -> None:
    p = personas
    with time_machine.travel(DISPATCHED_AT, tick=False):
        case = make.accepted(sla_class=SlaClass.PROPERTY)
        services.case_request_termination(
            case=case, actor=p.property_a, reason="业主不配合入户，无法处理"
        )
    case = _escalate(case)
    assert case.termination_requested
    assert policies.can_terminate(p.community_worker, case)


# --- 响应率 of a hand-over made after an escalation ----------------------------------------------


def test_a_hand_over_after_the_escalation_signed_in_time_is_on_time(make, personas) -> None:
    p = personas
    with time_machine.travel(DISPATCHED_AT, tick=False):
        case = make.dispatched(sla_class=SlaClass.PROPERTY)  # the company never signs
    case = _escalate(case)
    with time_machine.travel(LATER, tick=False):
        services.case_reassign(
            case=case, actor=p.community_worker, level=Level.COMMUNITY, reason="社区直接上门处理"
        )
    with time_machine.travel(LATER + dt.timedelta(minutes=1), tick=False):
        services.case_accept(case=case, actor=p.community_worker)
    assert CaseEvent.objects.get(case=case, kind=EventKind.ACCEPTED).payload["on_time"] is True
    with time_machine.travel(LATER + dt.timedelta(minutes=2), tick=False):
        rate = metrics.case_metrics(p.street_officer).response_rate
    assert (rate.num, rate.den) == (1, 2)  # the company's 交办 missed, the community's 改派 met


def test_signing_after_an_escalation_is_late_whatever_the_response_window(make, personas) -> None:
    # A class that allows longer to sign (26 h) than to resolve (24 h): the company's 签收
    # after the escalation is inside its window, but the case was taken above it meanwhile.
    SlaPolicy.objects.filter(code=SlaClass.PROPERTY).update(respond_minutes=26 * 60)
    with time_machine.travel(DISPATCHED_AT, tick=False):
        case = make.dispatched(sla_class=SlaClass.PROPERTY)
    case = _escalate(case)
    assert LATER < case.respond_due_at
    with time_machine.travel(LATER, tick=False):
        services.case_accept(case=case, actor=personas.property_a)
    assert CaseEvent.objects.get(case=case, kind=EventKind.ACCEPTED).payload["on_time"] is False


# --- 吹哨: the department of the case's own compound --------------------------------------------


def _at_street(make, personas) -> Case:
    with time_machine.travel(DISPATCHED_AT, tick=False):
        case = make.assessed(sla_class=SlaClass.PROPERTY)  # compound A
        return services.case_dispatch(case=case, actor=personas.street_officer, level=Level.STREET)


def _blow_whistle(case: Case) -> Case:
    assert sweeps.sweep_breaches(case.due_at + dt.timedelta(minutes=1)) == 1
    return Case.objects.get(pk=case.pk)


def _rule(compound, department: str) -> RoutingRule:
    return RoutingRule.objects.create(
        compound=compound, category=Category.REPAIR, level=Level.DEPARTMENT, department=department
    )


def test_the_whistle_goes_to_the_compounds_department_not_anothers(make, personas) -> None:
    p = personas
    _rule(p.compound_c, "C小区专管部门")
    _rule(None, "区房管局")
    _rule(p.compound_a, "A小区专管部门")
    case = _blow_whistle(_at_street(make, personas))
    assert (case.assigned_level, case.assigned_department) == (Level.DEPARTMENT, "A小区专管部门")


def test_without_a_rule_of_its_compound_the_street_default_names_the_department(
    make, personas
) -> None:
    _rule(personas.compound_c, "C小区专管部门")
    _rule(None, "区房管局")
    case = _blow_whistle(_at_street(make, personas))
    assert case.assigned_department == "区房管局"


def test_another_compounds_rule_alone_names_no_department(make, personas) -> None:
    _rule(personas.compound_c, "C小区专管部门")
    case = _blow_whistle(_at_street(make, personas))
    assert case.assigned_department == "待街道指定的职能部门"


# --- Evidence of a refused 处置 ------------------------------------------------------------------


def _stored_files(root) -> list[Path]:
    return [path for path in Path(root).rglob("*") if path.is_file()]


def test_a_refused_resolution_leaves_no_evidence_file_behind(make, personas, settings) -> None:
    with time_machine.travel(DISPATCHED_AT, tick=False):
        case = make.in_progress(sla_class=SlaClass.PROPERTY)
    stale = Case.objects.get(pk=case.pk)
    services.case_supervise(case=case, actor=personas.street_officer, reason="请加快办理")
    before = _stored_files(settings.MEDIA_ROOT)
    with pytest.raises(CaseChanged):
        services.case_resolve(
            case=stale,
            actor=personas.property_a,
            public_reply="已更换楼道灯，恢复照明。",
            evidence=[png("a.png"), png("b.png")],
        )
    assert _stored_files(settings.MEDIA_ROOT) == before
    assert not CaseAttachment.objects.filter(case=case, kind="evidence").exists()


def test_a_refused_second_file_takes_the_first_with_it(make, personas, settings) -> None:
    with time_machine.travel(DISPATCHED_AT, tick=False):
        case = make.in_progress(sla_class=SlaClass.PROPERTY)
    version = case.version
    before = _stored_files(settings.MEDIA_ROOT)
    broken = SimpleUploadedFile("b.png", b"not an image", content_type="image/png")
    with pytest.raises(ValidationError):
        services.case_resolve(
            case=case,
            actor=personas.property_a,
            public_reply="已更换楼道灯，恢复照明。",
            evidence=[png("a.png"), broken],
        )
    assert _stored_files(settings.MEDIA_ROOT) == before
    assert (case.status, case.version) == (Status.IN_PROGRESS, version)  # as it was read
    assert Case.objects.get(pk=case.pk).status == Status.IN_PROGRESS


# --- Who is asked to approve a 申请延期 ---------------------------------------------------------


@pytest.mark.parametrize("sla_class", [SlaClass.PROPERTY, SlaClass.PETITION])
def test_the_approvers_are_found_in_a_constant_number_of_queries(make, personas, sla_class) -> None:
    p = personas
    case = make.assessed(sla_class=sla_class)
    found = []
    for extra in (0, 5):
        for i in range(extra):
            worker = make_user(f"worker{i}", f"社区{i}")
            org_services.role_grant(
                actor=None, user=worker, role=Role.COMMUNITY_WORKER, node=p.compound_a.community
            )
            officer = make_user(f"officer{i}", f"街道{i}")
            org_services.role_grant(
                actor=None, user=officer, role=Role.STREET_OFFICER, node=p.street
            )
        case = Case.objects.select_related("compound").get(pk=case.pk)
        with CaptureQueriesContext(connection) as queries:
            users = _approvers(case, p.community_worker)
        found.append((len(users), len(queries.captured_queries)))
        # Exactly whoever may decide it, but not who asked.
        everyone = notices.supervisors(case)
        assert {u.pk for u in users} == {
            u.pk
            for u in everyone
            if policies.can_approve_extension(u, case) and u.pk != p.community_worker.pk
        }
    many = 10 if sla_class == SlaClass.PROPERTY else 5
    assert [n for n, _ in found] == [found[0][0], found[0][0] + many]
    assert found[0][1] == found[1][1] == 1
