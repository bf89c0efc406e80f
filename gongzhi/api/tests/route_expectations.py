"""Who gets what for every /api/v1/ route, per persona (the REST twin of url_expectations).

Keys are "METHOD /api/v1/path" as in the OpenAPI document; `test_routes` fails for a route
without an entry. Personas that may act get `ok_status`; personas who can see the object but
may not act get `seen` (403); everyone else `other` (404: out of scope); anonymous 401.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gongzhi.cases import services as case_services
from gongzhi.cases.choices import CaseType, RatingLevel, RatingVia
from gongzhi.cases.tests.conftest import png
from gongzhi.core.notifications import notify
from gongzhi.org.url_expectations import EVERYONE_SIGNED_IN, STAFF_OF_A

SEES_DISPATCHED = {"resident_a", "property_a", "party_a", "community_worker", "grid_worker",
                   "street_officer"}  # fmt: skip
SEES_RECEIVED = SEES_DISPATCHED - {"property_a"}
DISPATCHERS = {"community_worker", "street_officer"}
SEES_COMMUNITY_1 = EVERYONE_SIGNED_IN - {"outsider"}


@dataclass
class Route:
    ok: set[str]
    ok_status: int = 200
    seen: set[str] = field(default_factory=set)  # see the object, may not act: 403
    other: int = 404
    anonymous: int = 401
    # (make, personas) -> path params; a fresh world per persona for writes
    params: Callable[[Any, Any], dict[str, Any]] = lambda m, p: {}
    body: Callable[[Any, Any, dict[str, Any]], Any] = lambda m, p, params: {}
    multipart: bool = False


def _case(state: str, **kw: Any) -> Callable[[Any, Any], dict[str, Any]]:
    return lambda make, p: {"case_id": getattr(make, state)(**kw).pk}


def _with_evidence(make: Any, p: Any) -> dict[str, Any]:
    case = make.in_progress()
    case_services.attachment_add(case=case, actor=p.property_a, file=png(), kind="evidence")
    return {"case_id": case.pk}


def _reopened(make: Any, p: Any) -> dict[str, Any]:
    case = make.resolved()
    case_services.case_visit(case=case, actor=p.resident_a, resolved=False,
                             level=RatingLevel.DISSATISFIED, via=RatingVia.ONLINE)  # fmt: skip
    return {"case_id": case.pk}


def _termination_requested(make: Any, p: Any) -> dict[str, Any]:
    case = make.dispatched()
    case_services.case_request_termination(case=case, actor=p.property_a, reason="诉求人撤回")
    return {"case_id": case.pk}


def _extension_requested(make: Any, p: Any) -> dict[str, Any]:
    case = make.accepted()
    case_services.case_request_extension(case=case, actor=p.property_a, reason="等待配件", days=1)
    return {"case_id": case.pk}


def _merge_into(make: Any, p: Any, params: dict[str, Any]) -> dict[str, Any]:
    """The number of one open case of compound A that every repeat joins (the same one on
    every call: the mass-assignment test compares two merges)."""
    from gongzhi.cases.models import Case

    title = "3栋电梯异响（原诉求）"
    compound = Case.objects.get(pk=params["case_id"]).compound
    original = Case.objects.filter(compound=compound, title=title).first()
    return {"original": (original or make.dispatched(title=title)).number}


def _notification(make: Any, p: Any) -> dict[str, Any]:
    note = notify(recipient=p.resident_a, kind="case.created", title="测试", body="", link="/")
    return {"notification_id": note.pk}


def _extend_until(make: Any, p: Any, params: dict[str, Any]) -> dict[str, Any]:
    from gongzhi.cases.models import Case

    due = Case.objects.get(pk=params["case_id"]).due_at
    return {"reason": "需要采购配件，等待到货", "until": (due + dt.timedelta(days=1)).isoformat()}


REASON = {"reason": "非本单位职责，应由供电公司处理"}

ROUTES: dict[str, Route] = {
    "POST /api/v1/auth/token": Route(
        ok=EVERYONE_SIGNED_IN,
        other=401,
        body=lambda m, p, params: {"username": params["username"], "password": params["password"]},
    ),  # fmt: skip
    "POST /api/v1/auth/revoke": Route(ok=EVERYONE_SIGNED_IN),
    "GET /api/v1/auth/me": Route(ok=EVERYONE_SIGNED_IN),
    "GET /api/v1/org/communities": Route(ok=EVERYONE_SIGNED_IN),
    "GET /api/v1/org/communities/{community_id}": Route(
        ok=SEES_COMMUNITY_1, params=lambda m, p: {"community_id": p.community1.pk}
    ),
    "GET /api/v1/org/communities/{community_id}/compounds": Route(
        ok=SEES_COMMUNITY_1, params=lambda m, p: {"community_id": p.community1.pk}
    ),
    "GET /api/v1/org/compounds/{compound_id}": Route(
        ok=STAFF_OF_A | {"resident_a"}, params=lambda m, p: {"compound_id": p.compound_a.pk}
    ),
    "GET /api/v1/org/compounds/{compound_id}/buildings": Route(
        ok=STAFF_OF_A | {"resident_a"}, params=lambda m, p: {"compound_id": p.compound_a.pk}
    ),
    "GET /api/v1/org/buildings/{building_id}": Route(
        ok=STAFF_OF_A | {"resident_a"}, params=lambda m, p: {"building_id": p.building_a.pk}
    ),
    "GET /api/v1/org/buildings/{building_id}/units": Route(
        ok=STAFF_OF_A | {"resident_a"}, params=lambda m, p: {"building_id": p.building_a.pk}
    ),
    "GET /api/v1/org/units/{unit_id}": Route(
        ok=STAFF_OF_A | {"resident_a"}, params=lambda m, p: {"unit_id": p.unit_a.pk}
    ),
    "GET /api/v1/cases": Route(ok=EVERYONE_SIGNED_IN),
    "POST /api/v1/cases": Route(
        ok=SEES_DISPATCHED,
        ok_status=201,
        seen={"committee_a"},
        params=lambda m, p: {"compound_id": p.compound_a.pk},
        body=lambda m, p, params: {
            "compound_id": params["compound_id"],
            "type": "help",
            "title": "楼道堆物",
            "content": "楼道堆放杂物",  # no requester named: a resident files as themselves
        },
    ),  # fmt: skip
    "GET /api/v1/cases/{case_id}": Route(ok=SEES_DISPATCHED, params=_case("dispatched")),
    "GET /api/v1/cases/{case_id}/events": Route(ok=SEES_DISPATCHED, params=_case("dispatched")),
    "GET /api/v1/cases/{case_id}/attachments": Route(
        ok=SEES_DISPATCHED, params=_case("dispatched")
    ),
    "POST /api/v1/cases/{case_id}/attachments": Route(
        ok=SEES_DISPATCHED - {"party_a"},
        ok_status=201,
        seen={"party_a"},
        params=_case("dispatched"),
        multipart=True,
        body=lambda m, p, params: {"file": png(), "kind": "photo"},
    ),  # fmt: skip
    "POST /api/v1/cases/{case_id}/assess": Route(
        ok=DISPATCHERS,
        seen=SEES_RECEIVED - DISPATCHERS,
        params=_case("received"),
        body=lambda m, p, params: {"category": "repair", "sla_class": "property"},
    ),  # fmt: skip
    "POST /api/v1/cases/{case_id}/dispatch": Route(
        ok=DISPATCHERS,
        seen=SEES_RECEIVED - DISPATCHERS,
        params=_case("assessed"),
        body=lambda m, p, params: {"level": "compound", "company_id": p.company_x.pk},
    ),  # fmt: skip
    "POST /api/v1/cases/{case_id}/reassign": Route(
        ok=DISPATCHERS,
        seen=SEES_DISPATCHED - DISPATCHERS,
        params=_case("dispatched"),
        body=lambda m, p, params: {"level": "community", "reason": "物业无法处理，改由社区协调"},
    ),  # fmt: skip
    "POST /api/v1/cases/{case_id}/accept": Route(
        ok={"property_a"}, seen=SEES_DISPATCHED - {"property_a"}, params=_case("dispatched")
    ),
    "POST /api/v1/cases/{case_id}/start": Route(
        ok={"property_a"}, seen=SEES_DISPATCHED - {"property_a"}, params=_case("accepted")
    ),
    "POST /api/v1/cases/{case_id}/resolve": Route(
        ok={"property_a"},
        seen=SEES_DISPATCHED - {"property_a"},
        params=_with_evidence,
        body=lambda m, p, params: {"public_reply": "已更换灯泡。"},
    ),  # fmt: skip
    "POST /api/v1/cases/{case_id}/return": Route(
        ok={"property_a"},
        seen=SEES_DISPATCHED - {"property_a"},
        params=_case("dispatched"),
        body=lambda m, p, params: REASON,
    ),  # fmt: skip
    "POST /api/v1/cases/{case_id}/extend": Route(
        ok=DISPATCHERS,  # the company asks for it (申请延期) on the case page
        seen={"resident_a", "party_a", "grid_worker", "property_a"},
        params=_case("dispatched"),
        body=_extend_until,
    ),  # fmt: skip
    "POST /api/v1/cases/{case_id}/request_extension": Route(
        ok={"property_a"},  # the company handling it asks; the desk extends directly
        seen=SEES_DISPATCHED - {"property_a"},
        params=_case("accepted"),
        body=lambda m, p, params: {"reason": "等待配件到货", "days": 2},
    ),  # fmt: skip
    "POST /api/v1/cases/{case_id}/approve_extension": Route(
        ok=DISPATCHERS,
        seen=SEES_DISPATCHED - DISPATCHERS,
        params=_extension_requested,
        body=lambda m, p, params: {},
    ),  # fmt: skip
    "POST /api/v1/cases/{case_id}/reject_extension": Route(
        ok=DISPATCHERS,
        seen=SEES_DISPATCHED - DISPATCHERS,
        params=_extension_requested,
        body=lambda m, p, params: {"reason": "可按原期限完成"},
    ),  # fmt: skip
    "POST /api/v1/cases/{case_id}/supervise": Route(
        ok=DISPATCHERS,
        seen=SEES_DISPATCHED - DISPATCHERS,
        params=_case("dispatched"),
        body=lambda m, p, params: {"reason": "请加快办理"},
    ),  # fmt: skip
    "POST /api/v1/cases/{case_id}/answer": Route(
        ok=DISPATCHERS,
        seen=SEES_RECEIVED - DISPATCHERS,
        params=_case("received", type=CaseType.CONSULTATION),
        body=lambda m, p, params: {"reply": "物业费标准见公示栏。"},
    ),  # fmt: skip
    "POST /api/v1/cases/{case_id}/not_accept": Route(
        ok=DISPATCHERS,
        seen=SEES_RECEIVED - DISPATCHERS,
        params=_case("received"),
        body=lambda m, p, params: {"reason": "litigation"},
    ),  # fmt: skip
    "POST /api/v1/cases/{case_id}/visit": Route(
        ok={"resident_a", "grid_worker", "community_worker", "street_officer"},
        seen={"property_a", "party_a"},
        params=_case("resolved"),
        body=lambda m, p, params: {"resolved": True, "level": "satisfied", "via": "phone"},
    ),  # fmt: skip
    "POST /api/v1/cases/{case_id}/close_exception": Route(
        ok=DISPATCHERS,
        seen={"resident_a", "party_a", "grid_worker", "property_a"},
        params=_reopened,
        body=lambda m, p, params: {"reason": "诉求超出政策范围，已解释"},
    ),  # fmt: skip
    "POST /api/v1/cases/{case_id}/request_termination": Route(
        ok={"property_a"} | DISPATCHERS,
        seen={"resident_a", "party_a", "grid_worker"},
        params=_case("dispatched"),
        body=lambda m, p, params: {"reason": "诉求人撤回"},
    ),  # fmt: skip
    "POST /api/v1/cases/{case_id}/terminate": Route(
        ok={"street_officer"},  # no request pending: only the street decides it itself
        seen=SEES_DISPATCHED - {"street_officer"},
        params=_case("dispatched"),
        body=lambda m, p, params: {"reason": "诉求人撤回"},
    ),  # fmt: skip
    "POST /api/v1/cases/{case_id}/merge": Route(
        ok=DISPATCHERS,
        seen=SEES_RECEIVED - DISPATCHERS,
        params=_case("received"),
        body=_merge_into,
    ),  # fmt: skip
    "POST /api/v1/cases/{case_id}/reject_termination": Route(
        ok=DISPATCHERS,
        seen=SEES_DISPATCHED - DISPATCHERS,
        params=_termination_requested,
        body=lambda m, p, params: {"reason": "诉求人未撤回，请继续办理"},
    ),  # fmt: skip
    "GET /api/v1/me/notifications": Route(ok=EVERYONE_SIGNED_IN),
    "POST /api/v1/me/notifications/{notification_id}/read": Route(
        ok={"resident_a"}, params=_notification
    ),
}
