"""改派: a dispatcher takes a case from the party working on it and hands it to another (S2, S4).

The street names the department of a case escalated past it with no department known; the
community moves a compound's case from its company to itself; nobody below the street takes a
case out of the street's hands. And 延期 after escalation (S4): not by the late company.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from gongzhi.api.services import token_issue
from gongzhi.cases import selectors, services, sla, sweeps
from gongzhi.cases.choices import CaseType, Level, SlaClass
from gongzhi.cases.models import Case, CaseEvent, EventKind
from gongzhi.cases.workflow import CaseChanged, InvalidTransition, Status
from gongzhi.core.models import AuditRecord, Notification
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
PLACEHOLDER = "待街道指定的职能部门"
REASON = "经核实属区房管局职责，请签收办理"
SAME_PARTY = "该诉求已由该单位承办，请选择其他承办单位"
COMMUNITY_REFUSED = "该诉求由街道承办或指定，社区不能改派；如需改派，请联系街道"
EXTEND_REFUSED = "该诉求已超时升级至社区，物业企业不能延期；如需延长办理期限，请联系社区"


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


DISPATCHED_AT = at(2026, 11, 2, 8, 0)  # a Monday; property class: due 3 Nov 08:00
LATER = at(2026, 11, 6, 9, 0)  # after the third escalation


def _snapshot(case: Case) -> tuple:
    return (
        Case.objects.filter(pk=case.pk).values().get(),
        CaseEvent.objects.filter(case=case).count(),
        Notification.objects.count(),
        AuditRecord.objects.count(),
    )


def _web(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _escalate(case: Case, times: int) -> Case:
    """Each level misses its own deadline: the sweep hands the case one level up."""
    for _ in range(times):
        case.refresh_from_db()
        assert sweeps.sweep_breaches(case.due_at + dt.timedelta(minutes=1)) == 1
    case.refresh_from_db()
    return case


@pytest.fixture
def at_department(make, personas) -> Case:
    """A complaint about company X that nobody handled: escalated to 职能部门, no routing rule
    names one, so the sweep wrote the placeholder. The title names the requester."""
    with time_machine.travel(DISPATCHED_AT, tick=False):
        case = make.dispatched(
            sla_class=SlaClass.PROPERTY, type=CaseType.COMPLAINT, title="张三反映物业不修楼道灯"
        )
    case = _escalate(case, 3)
    assert (case.assigned_level, case.assigned_department) == (Level.DEPARTMENT, PLACEHOLDER)
    assert case.assigned_company == personas.company_x and case.escalation_level == 3
    return case


@pytest.fixture
def later():
    with time_machine.travel(LATER, tick=False):
        yield


def test_the_street_names_the_department_of_a_case_escalated_past_it(
    at_department, personas, later
) -> None:
    p, case = personas, at_department
    first_dispatch, breaches = case.dispatched_at, case.breach_count
    Notification.objects.all().delete()

    services.case_reassign(
        case=case,
        actor=p.street_officer,
        level=Level.DEPARTMENT,
        department=" 区房管局 ",
        reason=REASON,
        expected_version=case.version,
    )

    case.refresh_from_db()
    assert case.status == Status.DISPATCHED  # the department must 签收
    assert (case.assigned_level, case.assigned_department) == (Level.DEPARTMENT, "区房管局")
    assert case.assigned_company is None and case.designated_by_street
    assert case.escalation_level == 0 and case.extension_count == 0
    policy = sla.policy_for(SlaClass.PROPERTY)
    now = dt.datetime.now(tz=SH)
    assert case.due_at == sla.resolve_window(policy, now).due_at  # a fresh window, from now
    assert case.respond_due_at == sla.respond_due(policy, now) and case.responded_at is None
    assert case.breached_at is None and case.warned_at is None
    assert (case.dispatched_at, case.breach_count) == (first_dispatch, breaches)  # history kept
    event = CaseEvent.objects.get(case=case, kind=EventKind.REASSIGNED)
    assert (event.actor, event.note, event.old_status) == (p.street_officer, REASON, "dispatched")
    assert event.payload["department"] == "区房管局" and event.payload["company"] is None
    assert event.payload["previous"] == {
        "level": "department",
        "company": p.company_x.pk,
        "department": PLACEHOLDER,
    }
    assert AuditRecord.objects.filter(action="case.reassign", object_id=str(case.pk)).exists()
    # The department's party may not refuse what the street designated.
    assert "return" not in selectors.allowed_actions(p.street_officer, case)
    with pytest.raises(ValidationError, match="街道已指定承办单位，不能退单"):
        services.case_return(case=case, actor=p.street_officer, reason="非本单位职责范围")
    # The company it was taken from is told, with no trace of who complained (S9).
    told = Notification.objects.get(recipient=p.property_a, kind="case.reassigned")
    assert told.title == "诉求已改派其他单位办理" and case.number in told.body
    assert "张三" not in told.title + told.body
    assert told.link == ""  # the case page is no longer theirs: no link to a missing page
    # The street officer who named the department is not told of their own act.
    assert not Notification.objects.filter(recipient=p.street_officer, kind="case.reassigned")
    assert not Notification.objects.filter(recipient=p.street_officer, kind="case.assigned")
    # The company no longer works on it.
    assert not selectors.allowed_actions(p.property_a, case)


def test_the_timeline_and_the_page_show_the_reassignment(at_department, personas, later) -> None:
    p, case = personas, at_department
    client = _web(p.street_officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="action-reassign"' in page and "改派理由" in page
    response = client.post(
        f"/cases/{case.pk}/reassign",
        {
            "level": "department",
            "department": "区房管局",
            "company": p.company_x.pk,
            "reason": REASON,
            "version": case.version,
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "已改派" in page and REASON in page
    assert "职能部门 · 区房管局" in page and "街道指定" in page
    case.refresh_from_db()
    # The company select keeps a value, but a company is named only for a compound.
    assert case.assigned_company is None and case.status == Status.DISPATCHED


def test_a_community_worker_takes_a_compound_case_from_the_company(make, personas) -> None:
    p = personas
    case = make.accepted()  # company X signed for it
    assert "reassign" in selectors.allowed_actions(p.community_worker, case)
    assert "reassign" not in selectors.allowed_actions(p.property_a, case)

    services.case_reassign(
        case=case,
        actor=p.community_worker,
        level=Level.COMMUNITY,
        reason="物业无法处理，改由社区协调",
    )

    case.refresh_from_db()
    assert case.status == Status.DISPATCHED and case.responded_at is None
    assert (case.assigned_level, case.assigned_company, case.assigned_user) == (
        Level.COMMUNITY,
        None,
        None,
    )
    assert not case.designated_by_street and case.dispatched_by == p.community_worker
    assert Notification.objects.filter(recipient=p.property_a, kind="case.reassigned").exists()
    with pytest.raises(PermissionDenied):
        services.case_start(case=case, actor=p.property_a)
    services.case_accept(case=case, actor=p.community_worker)
    assert case.status == Status.ACCEPTED


@pytest.mark.parametrize("how", ["designated", "street", "department"])
def test_a_community_worker_cannot_take_a_case_out_of_the_streets_hands(
    make, personas, how
) -> None:
    p = personas
    case = make.assessed()
    level = Level.COMPOUND if how == "designated" else how
    services.case_dispatch(
        case=case,
        actor=p.street_officer,
        level=level,
        department="区房管局",
        company=p.company_x if how == "designated" else None,
    )
    if how == "designated":
        assert case.designated_by_street
    assert "reassign" not in selectors.allowed_actions(p.community_worker, case)
    assert "reassign" in selectors.allowed_actions(p.street_officer, case)
    client = _web(p.community_worker)  # the login is audited: before the snapshot
    before = _snapshot(case)
    response = client.post(
        f"/cases/{case.pk}/reassign",
        {"level": "community", "reason": "社区自行协调处理", "version": case.version},
    )
    assert response.status_code == 403
    assert COMMUNITY_REFUSED in response.content.decode()
    assert _snapshot(case) == before


def test_only_the_street_reassigns_to_the_street_or_a_department(make, personas) -> None:
    p = personas
    case = make.dispatched()
    before = _snapshot(case)
    for level in (Level.STREET, Level.DEPARTMENT):
        with pytest.raises(PermissionDenied):
            services.case_reassign(
                case=case,
                actor=p.community_worker,
                level=level,
                department="区房管局",
                reason="请街道协调职能部门",
            )
    for outsider in (p.property_a, p.grid_worker, p.resident_a):
        with pytest.raises(PermissionDenied):
            services.case_reassign(
                case=case, actor=outsider, level=Level.COMMUNITY, reason="请社区协调处理"
            )
    assert _snapshot(case) == before


def test_the_same_party_is_refused(make, personas) -> None:
    p = personas
    case = make.dispatched()
    before = _snapshot(case)
    with pytest.raises(ValidationError) as refused:
        services.case_reassign(
            case=case,
            actor=p.community_worker,
            level=Level.COMPOUND,
            company=p.company_x,
            reason="重新交给物业办理",
        )
    assert refused.value.messages == [SAME_PARTY]
    client = _web(p.community_worker)
    before = _snapshot(case)
    response = client.post(
        f"/cases/{case.pk}/reassign",
        {
            "level": "compound",
            "company": p.company_x.pk,
            "reason": "重新交给物业办理",
            "version": case.version,
        },
    )
    assert response.status_code == 400 and SAME_PARTY in response.content.decode()
    assert _snapshot(case) == before


SHORT = "请写明改派理由（至少 5 个字）"


@pytest.mark.parametrize(
    ("reason", "service_says", "form_says"),
    [
        ("", SHORT, "请填写改派理由"),
        ("改派", SHORT, SHORT),
        ("理" * 501, "改派理由不能超过 500 字", "改派理由不能超过 500 字"),
    ],
)
def test_a_reason_is_required(make, personas, reason, service_says, form_says) -> None:
    p = personas
    case = make.dispatched()
    before = _snapshot(case)
    with pytest.raises(ValidationError) as refused:
        services.case_reassign(
            case=case, actor=p.community_worker, level=Level.COMMUNITY, reason=reason
        )
    assert refused.value.message_dict == {"reason": [service_says]}
    client = _web(p.community_worker)
    before = _snapshot(case)
    response = client.post(
        f"/cases/{case.pk}/reassign",
        {"level": "community", "reason": reason, "version": case.version},
    )
    assert response.status_code == 400 and form_says in response.content.decode()
    assert _snapshot(case) == before


def test_a_stale_form_and_a_finished_case_change_nothing(make, personas) -> None:
    p = personas
    case = make.dispatched()
    stale = case.version
    services.case_accept(case=case, actor=p.property_a)
    before = _snapshot(case)
    with pytest.raises(CaseChanged):
        services.case_reassign(
            case=case,
            actor=p.community_worker,
            level=Level.COMMUNITY,
            reason="物业无法处理，改由社区协调",
            expected_version=stale,
        )
    assert _snapshot(case) == before
    resolved = make.resolved()
    before = _snapshot(resolved)
    with pytest.raises(InvalidTransition, match="当前状态「已处置待回访」下不能执行「改派」"):
        services.case_reassign(
            case=resolved,
            actor=p.community_worker,
            level=Level.COMMUNITY,
            reason="物业无法处理，改由社区协调",
        )
    assert "reassign" not in selectors.allowed_actions(p.community_worker, resolved)
    assert _snapshot(resolved) == before


# --- 延期 after escalation (S4) -----------------------------------------------------------


@pytest.fixture
def at_community(make) -> Case:
    with time_machine.travel(DISPATCHED_AT, tick=False):
        case = make.dispatched(sla_class=SlaClass.PROPERTY)
    case = _escalate(case, 1)
    assert case.assigned_level == Level.COMMUNITY and case.escalation_level == 1
    return case


def test_the_escalated_company_cannot_extend_but_the_community_can(at_community, personas) -> None:
    p, case = personas, at_community
    until = case.due_at + dt.timedelta(hours=12)
    with time_machine.travel(case.due_at - dt.timedelta(hours=2), tick=False):
        assert "extend" not in selectors.allowed_actions(p.property_a, case)
        assert "accept" in selectors.allowed_actions(p.property_a, case)  # still its work
        before = _snapshot(case)
        with pytest.raises(PermissionDenied) as refused:
            services.case_extend(case=case, actor=p.property_a, reason="等待配件", until=until)
        assert str(refused.value) == EXTEND_REFUSED
        assert _snapshot(case) == before
        client = _web(p.property_a)
        before = _snapshot(case)
        page = client.post(
            f"/cases/{case.pk}/extend",
            {
                "reason": "等待配件",
                "until": until.astimezone(SH).strftime("%Y-%m-%d %H:%M"),
                "version": case.version,
            },
        )
        assert page.status_code == 403 and EXTEND_REFUSED in page.content.decode()
        assert _snapshot(case) == before
        api = Client(headers={"Authorization": f"Bearer {token_issue(actor=p.property_a).secret}"})
        before = _snapshot(case)  # issuing the token is audited
        response = api.post(
            f"/api/v1/cases/{case.pk}/extend",
            {"reason": "等待配件", "until": until.isoformat()},
            content_type="application/json",
        )
        assert response.status_code == 403 and response.json()["message"] == EXTEND_REFUSED
        assert _snapshot(case) == before

        assert "extend" in selectors.allowed_actions(p.community_worker, case)
        services.case_extend(case=case, actor=p.community_worker, reason="等待配件", until=until)
    assert case.due_at == until and case.extension_count == 1


def test_before_escalation_the_company_may_ask_for_an_extension(make, personas) -> None:
    case = make.accepted()
    assert "request_extension" in selectors.allowed_actions(personas.property_a, case)
    services.case_request_extension(case=case, actor=personas.property_a, reason="等待配件", days=1)
    assert case.extension_requested_days == 1


def test_the_escalated_company_cannot_ask_for_an_extension(at_community, personas) -> None:
    p, case = personas, at_community
    services.case_accept(case=case, actor=p.property_a)
    with time_machine.travel(case.due_at - dt.timedelta(hours=2), tick=False):
        assert "request_extension" not in selectors.allowed_actions(p.property_a, case)
        with pytest.raises(PermissionDenied) as refused:
            services.case_request_extension(
                case=case, actor=p.property_a, reason="等待配件", days=1
            )
    assert str(refused.value) == EXTEND_REFUSED and not case.extension_requested_days


def test_the_timeline_tells_staff_to_whom_each_hand_over_went(make, personas) -> None:
    """交办 and 改派 rows name the party (the current one is also on the page, the earlier ones
    only here); the requester's own page names where the 改派 sent it, not the 交办's party
    (test_requester_moves.py)."""
    p = personas
    case = make.accepted(requester=p.resident_a)  # 交办 to company X at the compound
    services.case_reassign(
        case=case,
        actor=p.community_worker,
        level=Level.COMMUNITY,
        reason="物业无法处理，改由社区协调",
    )
    staff_page = _web(p.community_worker).get(f"/cases/{case.pk}/").content.decode()
    parties = [
        line.split("：", 1)[1].split("<", 1)[0]
        for line in staff_page.splitlines()
        if 'data-testid="timeline-party"' in line
    ]
    assert parties == [f"小区 · {p.company_x.name}", "社区"]
    response = _web(p.resident_a).get(f"/cases/{case.pk}/")
    resident_page = response.content.decode()
    assert response.status_code == 200 and "改派" in resident_page
    assert resident_page.count('data-testid="timeline-party"') == 1  # the 改派 row's: 社区
    assert p.company_x.name not in resident_page


def test_the_reassign_form_starts_where_the_case_is_not_at_the_late_party(
    at_department, personas, later
) -> None:
    """The routing suggestion would name company X, the party the case is taken from: the form
    opens at 职能部门 with the department to be named, and no company."""
    from gongzhi.cases.forms import ReassignForm

    form = ReassignForm(case=at_department)
    assert form["level"].value() == Level.DEPARTMENT
    assert not form["company"].value() and form["department"].value() == ""
    page = _web(personas.street_officer).get(f"/cases/{at_department.pk}/").content.decode()
    assert PLACEHOLDER not in page.split('id="id_reassign_department"', 1)[1].split(">", 1)[0]
