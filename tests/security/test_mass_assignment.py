"""Mass assignment: fields a role may not set are never changed through a form or an endpoint.

Every write form and API write route is posted twice, on two identical cases at the same
frozen instant: once with its legitimate fields, once with the same fields plus everything a
caller might try to smuggle in (status, scope, deadlines, breach flags, escalation level,
assignee, requester, round, counters). Both cases must end up identical. Filing endpoints are
checked against what the filer may choose.
"""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from gongzhi.api import services as api_services
from gongzhi.api.tests.conftest import bearer
from gongzhi.api.tests.route_expectations import ROUTES
from gongzhi.api.v1.api import api
from gongzhi.cases import services
from gongzhi.cases.choices import CaseType, RatingLevel, RatingVia
from gongzhi.cases.forms import IntakeForm, RateForm, ReportForm
from gongzhi.cases.models import Case, CaseAttachment, CaseRating
from gongzhi.cases.sla import ensure_default_policies
from gongzhi.cases.tests.conftest import CaseMaker, png
from gongzhi.cases.views.detail import ACTION_FORMS
from gongzhi.cases.workflow import Status
from gongzhi.core.calendar import local_zone
from gongzhi.core.models import Notification
from gongzhi.core.notifications import notify

FROZEN = dt.datetime(2025, 3, 4, 10, 0, tzinfo=dt.UTC)  # a Tuesday
FAR_FUTURE = "2031-01-01T00:00:00+08:00"
HALF_DAY = dt.timedelta(hours=12)
SAME_EXCEPT = {"id", "number"}


@pytest.fixture(autouse=True)
def _sla_policies(db) -> None:
    ensure_default_policies()  # a transactional test may have flushed them


def smuggled(p: Any) -> dict[str, Any]:
    """Fields no action form or route offers, with values that would matter."""
    return {
        "status": Status.CLOSED,
        "compound": p.compound_c.pk,
        "compound_id": p.compound_c.pk,
        "building": p.building_b.pk,
        "unit": p.unit_b.pk,
        "requester": p.resident_b.pk,
        "requester_id": p.resident_b.pk,
        "due_at": FAR_FUTURE,
        "respond_due_at": FAR_FUTURE,
        "warn_at": FAR_FUTURE,
        "clock_started_at": FAR_FUTURE,
        "breached_at": FAR_FUTURE,
        "breach_count": 0,
        "escalation_level": 3,
        "assigned_level": "department",
        "assigned_company": p.company_y.pk,
        "assigned_company_id": p.company_y.pk,
        "assigned_user": p.street_officer.pk,
        "dispatched_by": p.street_officer.pk,
        "designated_by_street": True,
        "round": 7,
        "extension_count": 0,
        "return_count": 0,
        "supervised": True,
        "termination_requested": True,
        "closed_at": FAR_FUTURE,
        "resolved_at": FAR_FUTURE,
        "visit_due_at": FAR_FUTURE,
        "public_reply_override": "x",
        "is_public": True,
        "category": "other",
        "sla_class": "complex",
        "urgency": "urgent",
        "type": CaseType.PRAISE,
        "channel": "superior",
        "exception_reason": "顺便例外办结一下",
        "by": p.street_officer.pk,
        "uploaded_by": p.street_officer.pk,
        "recipient": p.resident_b.pk,
        "read_at": FAR_FUTURE,
    }


def case_state(pk: int) -> dict[str, Any]:
    row = Case.objects.filter(pk=pk).values().get()
    return {
        "case": {k: v for k, v in row.items() if k not in SAME_EXCEPT},
        "ratings": list(
            CaseRating.objects.filter(case_id=pk).values(
                "round", "resolved", "level", "via", "by_id", "exception_reason"
            )
        ),  # fmt: skip
        "events": list(
            Case.objects.get(pk=pk)
            .events.order_by("id")
            .values_list("kind", "old_status", "new_status", "actor_id")
        ),  # fmt: skip
        "attachments": list(
            CaseAttachment.objects.filter(case_id=pk).values_list("kind", "round", "uploaded_by_id")
        ),
    }


def _reopened(make: CaseMaker) -> Case:
    case = make.resolved()
    return services.case_visit(case=case, actor=make.p.resident_a, resolved=False,
                               level=RatingLevel.DISSATISFIED, via=RatingVia.ONLINE)  # fmt: skip


def _extension_requested(make: CaseMaker) -> Case:
    case = make.accepted()
    return services.case_request_extension(
        case=case, actor=make.p.property_a, reason="等待配件", days=1
    )


def _local(value: dt.datetime) -> str:
    return value.astimezone(local_zone()).strftime("%Y-%m-%d %H:%M")


# action -> (make the case, the persona who may act, the legitimate form data)
WEB_ACTIONS = {
    "assess": (lambda m: m.received(), "community_worker",
               lambda p, c: {"category": "repair", "sla_class": "property", "urgency": "normal",
                             "type": "help"}),
    "dispatch": (lambda m: m.assessed(), "community_worker",
                 lambda p, c: {"level": "compound", "company": p.company_x.pk}),
    "reassign": (lambda m: m.accepted(), "community_worker",
                 lambda p, c: {"level": "community", "company": p.company_x.pk,
                               "reason": "物业无法处理，改由社区协调"}),
    "accept": (lambda m: m.dispatched(), "property_a", lambda p, c: {}),
    "start": (lambda m: m.accepted(), "property_a", lambda p, c: {"note": "上门查看"}),
    "resolve": (lambda m: m.in_progress(), "property_a",
                lambda p, c: {"public_reply": "已更换灯泡。", "evidence": png()}),
    "return": (lambda m: m.dispatched(), "property_a",
               lambda p, c: {"reason": "非本单位职责，应由供电公司处理"}),
    "extend": (lambda m: m.dispatched(), "community_worker",
               lambda p, c: {"reason": "等待配件", "until": _local(c.due_at + HALF_DAY)}),
    "request_extension": (lambda m: m.accepted(), "property_a",
                          lambda p, c: {"reason": "等待配件", "days": 1}),
    "approve_extension": (_extension_requested, "community_worker", lambda p, c: {"note": "同意"}),
    "reject_extension": (_extension_requested, "community_worker",
                         lambda p, c: {"reason": "请按期办结"}),
    "supervise": (lambda m: m.dispatched(), "community_worker", lambda p, c: {"reason": "请加快"}),
    "answer": (lambda m: m.received(type=CaseType.CONSULTATION), "community_worker",
               lambda p, c: {"reply": "物业费标准见公示栏。"}),
    "not_accept": (lambda m: m.received(), "community_worker",
                   lambda p, c: {"reason": "litigation"}),
    "visit": (lambda m: m.resolved(), "grid_worker",
              lambda p, c: {"resolved": "1", "level": "satisfied", "via": "phone"}),
    "rate": (lambda m: m.resolved(), "resident_a",
             lambda p, c: {"resolved": "0", "level": "dissatisfied"}),
    "close_exception": (_reopened, "community_worker",
                        lambda p, c: {"reason": "诉求超出政策范围，已解释"}),
    "request_termination": (lambda m: m.dispatched(), "property_a",
                            lambda p, c: {"reason": "诉求人撤回"}),
    "terminate": (lambda m: m.dispatched(), "street_officer",
                  lambda p, c: {"reason": "诉求人撤回"}),
}  # fmt: skip


def not_offered(fields: dict[str, Any], offered: set[str]) -> dict[str, Any]:
    """The smuggled fields the form or route does not offer (those it offers are the role's to
    set, within the service's rules, and are tested with the service)."""
    return {k: v for k, v in fields.items() if k not in offered}


def form_fields(action: str) -> set[str]:
    form = RateForm if action == "rate" else ACTION_FORMS[action]
    return set(form.base_fields)


def body_fields(route: str) -> set[str]:
    """The request body's properties in the OpenAPI document."""
    document = api.get_openapi_schema()
    method, path = route.split(" ", 1)
    operation = document["paths"][path][method.lower()]
    fields: set[str] = set()
    for media in operation.get("requestBody", {}).get("content", {}).values():
        schema = media["schema"]
        if "$ref" in schema:
            schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        fields |= set(schema.get("properties", {}))
        for ref in schema.get("properties", {}).values():
            if "$ref" in ref:
                nested = document["components"]["schemas"][ref["$ref"].rsplit("/", 1)[-1]]
                fields |= set(nested.get("properties", {}))
    return fields


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("action", sorted(WEB_ACTIONS))
def test_web_action_forms_ignore_every_smuggled_field(action, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    build, persona, legit = WEB_ACTIONS[action]
    make = CaseMaker(personas)
    client = _client(getattr(personas, persona))
    with time_machine.travel(FROZEN, tick=False):
        plain, tricked = build(make), build(make)
        before = case_state(plain.pk)
        data = {**legit(personas, plain), "version": plain.version}  # as every page sends it
        extra = not_offered(smuggled(personas), form_fields(action))
        first = client.post(f"/cases/{plain.pk}/{action}", data)
        tricked_data = {**legit(personas, tricked), "version": tricked.version, **extra}
        second = client.post(f"/cases/{tricked.pk}/{action}", tricked_data)
    assert first.status_code == second.status_code == 302
    assert case_state(plain.pk) != before, f"{action} did nothing: the comparison proves nothing"
    assert case_state(tricked.pk) == case_state(plain.pk)


# --- API routes: every POST on a case, and the notification one ------------------------------

API_WRITES = sorted(
    route
    for route in ROUTES
    if route.startswith("POST /api/v1/cases/") or route.startswith("POST /api/v1/me/")
)
PREFERRED = ["resident_a", "property_a", "community_worker", "grid_worker", "street_officer"]


@pytest.mark.django_db
@pytest.mark.parametrize("route", API_WRITES)
def test_api_writes_ignore_every_smuggled_field(route, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _, template = route.split(" ", 1)
    expect = ROUTES[route]
    persona = next(name for name in PREFERRED if name in expect.ok)
    make = CaseMaker(personas)
    results = []
    with time_machine.travel(FROZEN, tick=False):
        for extra in ({}, not_offered(smuggled(personas), body_fields(route))):
            params = expect.params(make, personas)
            body = {**extra, **expect.body(make, personas, params)}
            client = bearer(getattr(personas, persona))
            url = template.format(**params)
            if expect.multipart:
                response = client.post(url, body)
            else:
                response = client.post(url, body, content_type="application/json")
            assert response.status_code == expect.ok_status, response.content
            results.append(_api_state(params))
    assert results[0] == results[1]


def _api_state(params: dict[str, Any]) -> Any:
    if "case_id" in params:
        return case_state(params["case_id"])
    note = Notification.objects.filter(pk=params["notification_id"]).values().get()
    return {k: v for k, v in note.items() if k not in {"id", "read_at", "created_at"}} | {
        "read": note["read_at"] is not None
    }


# --- Filing: what the filer may choose, nothing more -----------------------------------------


def _assert_fresh_case(
    case: Case, p: Any, *, compound: Any, requester: Any, category: str = ""
) -> None:
    assert case.status == Status.RECEIVED
    assert case.compound == compound
    assert case.requester == requester
    assert (case.due_at, case.respond_due_at, case.breached_at, case.clock_started_at) == (
        None, None, None, None
    )  # fmt: skip
    assert (case.escalation_level, case.round, case.extension_count, case.breach_count) == (
        0, 1, 0, 0
    )  # fmt: skip
    assert (case.assigned_level, case.assigned_company, case.assigned_user) == ("", None, None)
    assert not case.supervised and not case.termination_requested and not case.designated_by_street
    assert case.category == category and case.sla_class == ""
    assert case.closed_at is None and case.resolved_at is None


@pytest.mark.django_db
def test_a_resident_filing_sets_nothing_but_the_demand(personas):
    p = personas
    data = {
        "place": f"unit:{p.unit_a.pk}",
        "type": "help",
        "title": "楼道灯不亮",
        "content": "3单元楼道灯坏了一周",
        **not_offered(smuggled(p), set(ReportForm.base_fields)),
    }
    response = _client(p.resident_a).post("/cases/new/", data)
    assert response.status_code == 302
    case = Case.objects.get()
    _assert_fresh_case(case, p, compound=p.compound_a, requester=p.resident_a)
    assert case.channel == "online"  # a resident files online, whatever they post
    assert case.unit == p.unit_a


@pytest.mark.django_db
def test_staff_intake_sets_nothing_but_the_demand(personas):
    p = personas
    data = {
        "channel": "grid_worker",  # a grid worker records no 12345 order by hand
        "type": "help",
        "compound": p.compound_a.pk,
        "content": "小区门口路灯不亮",
        "requester_name": "王五",
        "requester_phone": "13700001111",
        **not_offered(smuggled(p), set(IntakeForm.base_fields)),
    }
    response = _client(p.grid_worker).post("/cases/intake/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    _assert_fresh_case(Case.objects.get(), p, compound=p.compound_a, requester=None)


@pytest.mark.django_db
def test_api_filing_sets_nothing_but_the_demand(personas):
    p = personas
    body = {
        **not_offered(smuggled(p), body_fields("POST /api/v1/cases")),
        "channel": "superior",  # offered to staff; a resident files online whatever they say
        "compound_id": p.compound_a.pk,
        "type": "help",
        "title": "楼道堆物",
        "content": "楼道堆放杂物",
    }
    response = bearer(p.resident_a).post("/api/v1/cases", body, content_type="application/json")
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    _assert_fresh_case(case, p, compound=p.compound_a, requester=p.resident_a)
    assert case.channel == "online"


@pytest.mark.django_db
def test_open311_filing_sets_nothing_but_the_demand(personas):
    p = personas
    issued = api_services.open311_client_create(
        actor=p.street_officer, name="随手拍", street=p.street
    )
    data = {
        **{k: str(v) for k, v in smuggled(p).items()},
        "api_key": issued.secret,
        "service_code": "repair",
        "description": "路灯不亮",
        "address_string": "南湖路1号",
    }
    response = Client().post("/open311/v2/requests.json", data)
    assert response.status_code == 200, response.content
    # The service code decides the category (the Open311 catalogue), nothing else does.
    _assert_fresh_case(
        Case.objects.get(), p, compound=p.compound_a, requester=None, category="repair"
    )


@pytest.mark.django_db
def test_marking_a_notification_read_changes_nothing_else(personas):
    p = personas
    note = notify(recipient=p.resident_a, kind="case.created", title="您的诉求已受理")
    before = Notification.objects.filter(pk=note.pk).values().get()
    extra = {k: str(v) for k, v in smuggled(p).items()}
    response = _client(p.resident_a).post(f"/me/notifications/{note.pk}/read/", extra)
    assert response.status_code == 302
    after = Notification.objects.filter(pk=note.pk).values().get()
    assert after["read_at"] is not None
    assert {k: v for k, v in after.items() if k != "read_at"} == {
        k: v for k, v in before.items() if k != "read_at"
    }
