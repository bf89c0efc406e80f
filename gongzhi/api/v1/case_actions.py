"""One endpoint per workflow action (`POST /cases/{id}/{action}`), each one cases service.

Every body takes an optional `expected_version` (the case's `version` the client last saw);
a stale one is 409 `case_changed`, exactly like a stale form on the web page.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.decorators import decorate_view
from pydantic import Field

from gongzhi.api.idempotency import idempotent
from gongzhi.api.inputs import Id, Text
from gongzhi.api.v1.openapi import IDEMPOTENT
from gongzhi.api.v1.schemas import Error
from gongzhi.cases import selectors, services
from gongzhi.cases.choices import (
    ABOUT_SERVING_COMPANY,
    CaseType,
    Category,
    Level,
    NotAcceptedReason,
    RatingLevel,
    RatingVia,
    SlaClass,
    Urgency,
)
from gongzhi.cases.services.assignment import respondent_options
from gongzhi.cases.workflow import Status

router = Router()
RESPONSES = {403: Error, 404: Error, 409: Error, 422: Error}


class Versioned(Schema):
    expected_version: int | None = Field(None, ge=1, le=2**31)


class ActionResult(Schema):
    id: int
    number: str
    status: str
    status_label: str
    version: int


def _run(
    request: HttpRequest, case_id: int, service: Callable[..., Any], body: Schema, **kwargs: Any
) -> dict[str, Any]:
    case = selectors.case_get(request.user, case_id)
    case = service(case=case, actor=request.user, expected_version=body.expected_version, **kwargs)
    return {
        "id": case.pk,
        "number": case.number,
        "status": case.status,
        "status_label": str(Status(case.status).label),
        "version": case.version,
    }


def _action(name: str, summary: str):  # noqa: ANN202 - returns a decorator
    def register(view: Callable[..., Any]) -> Callable[..., Any]:
        view.__doc__ = summary
        view = decorate_view(idempotent)(view)
        return router.post(
            f"/{{case_id}}/{name}",
            response={200: ActionResult, **RESPONSES},
            url_name=f"case_{name}",
            summary=summary,
            openapi_extra=IDEMPOTENT,
        )(view)

    return register


class MergeIn(Versioned):
    """The original case: by its number, as on the web form, or by its id (one of the two)."""

    original: Text(20) = ""  # type: ignore[valid-type]
    original_id: Id | None = None


def _original_number(user: object, body: MergeIn) -> str:
    """The number the service looks the original up by. An id the user cannot see is refused
    with the same words as one that does not exist (S9: nothing about other cases leaks)."""
    if body.original_id is None:
        return body.original
    if body.original.strip():
        raise ValidationError({"original_id": [_("原诉求编号和原诉求 ID 只能填写一项")]})
    try:
        return selectors.case_get(user, body.original_id).number
    except Http404:
        raise ValidationError({"original_id": [_("未找到该原诉求")]}) from None


@_action("merge", "并入原诉求（重复反映且无新情况：并入本小区尚未办结的诉求，按编号或 ID 指定）")
def case_merge(request: HttpRequest, case_id: Id, body: MergeIn):
    selectors.case_get(request.user, case_id)  # 404 for a case out of sight, whatever the body
    original = _original_number(request.user, body)
    return _run(request, case_id, services.case_merge, body, original=original)


class AssessIn(Versioned):
    category: Category
    sla_class: SlaClass
    urgency: Urgency = Urgency.NORMAL
    type: CaseType | None = None
    respondent_company_id: Id | None = Field(
        None,
        description=(
            "被反映物业：诉求反映的本小区服务物业企业的 ID（可不填）。类别为 "
            + "、".join(sorted(ABOUT_SERVING_COMPANY))
            + " 时不填即为本小区的服务物业。被反映的物业看不到诉求人的姓名、电话和具体位置。"
        ),
    )
    note: Text(500) = ""  # type: ignore[valid-type]


def _respondent(request: HttpRequest, case_id: int, company_id: int | None) -> Any:
    """The company named by id, among the compound's serving companies (S9)."""
    if company_id is None:
        return None
    case = selectors.case_get(request.user, case_id)
    company = next((c for c in respondent_options(case.compound) if c.pk == company_id), None)
    if company is None:
        raise ValidationError({"respondent_company_id": [_("该物业企业不是本小区的服务物业")]})
    return company


@_action("assess", "研判：确定类别、时限类别和紧急程度（及被反映物业）")
def case_assess(request: HttpRequest, case_id: Id, body: AssessIn):
    return _run(
        request,
        case_id,
        services.case_assess,
        body,
        category=body.category,
        sla_class=body.sla_class,
        urgency=body.urgency,
        type=body.type,
        respondent_company=_respondent(request, case_id, body.respondent_company_id),
        note=body.note,
    )


class DispatchIn(Versioned):
    level: Level
    company_id: Id | None = None
    department: Text(60) = ""  # type: ignore[valid-type]
    due_at: dt.datetime | None = None
    note: Text(500) = ""  # type: ignore[valid-type]


def _company(request: HttpRequest, case_id: int, company_id: int | None) -> Any:
    """The company named by id, among those the dispatch form offers for the case."""
    if company_id is None:
        return None
    case = selectors.case_get(request.user, case_id)
    options = selectors.dispatch_options(case)["companies"]
    company = next((c for c in options if c.pk == company_id), None)
    if company is None:
        raise ValidationError({"company_id": [_("该物业企业不能承办此诉求")]})
    return company


@_action("dispatch", "交办：指定责任方和办理期限")
def case_dispatch(request: HttpRequest, case_id: Id, body: DispatchIn):
    return _run(
        request,
        case_id,
        services.case_dispatch,
        body,
        level=body.level,
        company=_company(request, case_id, body.company_id),
        department=body.department,
        due_at=body.due_at,
        note=body.note,
    )


class ReassignIn(Versioned):
    level: Level
    company_id: Id | None = None
    department: Text(60) = ""  # type: ignore[valid-type]
    due_at: dt.datetime | None = None
    reason: Text(500)  # type: ignore[valid-type]


@_action(
    "reassign",
    "改派：把已交办、已签收或办理中的诉求改由其他单位承办（须说明理由；新承办单位须重新签收）",
)
def case_reassign(request: HttpRequest, case_id: Id, body: ReassignIn):
    return _run(
        request,
        case_id,
        services.case_reassign,
        body,
        level=body.level,
        company=_company(request, case_id, body.company_id),
        department=body.department,
        due_at=body.due_at,
        reason=body.reason,
    )


@_action("accept", "签收")
def case_accept(request: HttpRequest, case_id: Id, body: Versioned):
    return _run(request, case_id, services.case_accept, body)


class NoteIn(Versioned):
    note: Text(500) = ""  # type: ignore[valid-type]


@_action("start", "开始办理")
def case_start(request: HttpRequest, case_id: Id, body: NoteIn):
    return _run(request, case_id, services.case_start, body, note=body.note)


class ResolveIn(Versioned):
    public_reply: Text(2000)  # type: ignore[valid-type]
    resolution_note: Text(2000) = ""  # type: ignore[valid-type]


@_action("resolve", "处置完毕（须已上传处置凭证，并填写不含个人信息的公开答复）")
def case_resolve(request: HttpRequest, case_id: Id, body: ResolveIn):
    return _run(
        request,
        case_id,
        services.case_resolve,
        body,
        public_reply=body.public_reply,
        resolution_note=body.resolution_note,
    )


class ReasonIn(Versioned):
    reason: Text(500)  # type: ignore[valid-type]


@_action("return", "退单（仅限“非本单位职责”，须说明理由）")
def case_return(request: HttpRequest, case_id: Id, body: ReasonIn):
    return _run(request, case_id, services.case_return, body, reason=body.reason)


class ExtendIn(ReasonIn):
    until: dt.datetime


@_action("extend", "延期（须说明理由，诉求人会收到通知）")
def case_extend(request: HttpRequest, case_id: Id, body: ExtendIn):
    return _run(request, case_id, services.case_extend, body, reason=body.reason, until=body.until)


class ExtensionRequestIn(ReasonIn):
    days: int = Field(ge=1, le=366)


@_action("request_extension", "申请延期（物业企业签收后、期限届满前；经社区或街道批准后才顺延）")
def case_request_extension(request: HttpRequest, case_id: Id, body: ExtensionRequestIn):
    return _run(
        request, case_id, services.case_request_extension, body, reason=body.reason, days=body.days
    )


class DecisionIn(Versioned):
    note: Text(500) = ""  # type: ignore[valid-type]


@_action("approve_extension", "批准延期（社区或街道；期限顺延并告知诉求人）")
def case_approve_extension(request: HttpRequest, case_id: Id, body: DecisionIn):
    return _run(request, case_id, services.case_approve_extension, body, note=body.note)


@_action("reject_extension", "驳回延期申请（须说明理由；继续按原期限办理）")
def case_reject_extension(request: HttpRequest, case_id: Id, body: ReasonIn):
    return _run(request, case_id, services.case_reject_extension, body, reason=body.reason)


@_action("supervise", "督办")
def case_supervise(request: HttpRequest, case_id: Id, body: ReasonIn):
    return _run(request, case_id, services.case_supervise, body, reason=body.reason)


class AnswerIn(Versioned):
    reply: Text(2000)  # type: ignore[valid-type]


@_action("answer", "直接答复办结（仅限咨询）")
def case_answer(request: HttpRequest, case_id: Id, body: AnswerIn):
    return _run(request, case_id, services.case_answer, body, reply=body.reply)


class NotAcceptIn(Versioned):
    reason: NotAcceptedReason
    note: Text(500) = ""  # type: ignore[valid-type]


@_action("not_accept", "不予受理（告知正确渠道）")
def case_not_accept(request: HttpRequest, case_id: Id, body: NotAcceptIn):
    return _run(
        request, case_id, services.case_not_accept, body, reason=body.reason, note=body.note
    )


class VisitIn(Versioned):
    resolved: bool
    level: RatingLevel
    via: RatingVia = RatingVia.ONLINE
    note: Text(500) = ""  # type: ignore[valid-type]
    exception_reason: Text(500) = ""  # type: ignore[valid-type]


@_action("visit", "回访评价")
def case_visit(request: HttpRequest, case_id: Id, body: VisitIn):
    return _run(
        request,
        case_id,
        services.case_visit,
        body,
        resolved=body.resolved,
        level=body.level,
        via=body.via,
        note=body.note,
        exception_reason=body.exception_reason,
    )


@_action("close_exception", "例外办结（重办中的诉求，须说明理由）")
def case_close_exception(request: HttpRequest, case_id: Id, body: ReasonIn):
    return _run(request, case_id, services.case_close_with_exception, body, reason=body.reason)


@_action("request_termination", "申请终止")
def case_request_termination(request: HttpRequest, case_id: Id, body: ReasonIn):
    return _run(request, case_id, services.case_request_termination, body, reason=body.reason)


@_action("terminate", "终止（社区或街道批准）")
def case_terminate(request: HttpRequest, case_id: Id, body: ReasonIn):
    return _run(request, case_id, services.case_terminate, body, reason=body.reason)


@_action("reject_termination", "驳回终止申请（社区或街道，须说明理由；继续按原期限办理）")
def case_reject_termination(request: HttpRequest, case_id: Id, body: ReasonIn):
    return _run(request, case_id, services.case_reject_termination, body, reason=body.reason)
