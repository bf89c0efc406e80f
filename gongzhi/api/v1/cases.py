"""Cases: list (filters, cursor), file, detail, timeline, attachments — cases selectors/services."""

from django.conf import settings
from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.files import UploadedFile
from ninja.responses import Status as Reply
from pydantic import Field

from gongzhi.api.idempotency import idempotent
from gongzhi.api.inputs import Id, Text
from gongzhi.api.v1 import cursor
from gongzhi.api.v1.case_schemas import (
    AttachmentOut,
    CaseDetailOut,
    CaseIn,
    CasePage,
    EventOut,
)
from gongzhi.api.v1.case_views import detail_dict
from gongzhi.api.v1.errors import error_response
from gongzhi.api.v1.openapi import IDEMPOTENT
from gongzhi.api.v1.schemas import Error
from gongzhi.cases import policies, selectors, services, ui_selectors
from gongzhi.cases.choices import AttachmentKind, CaseType, Category, Channel
from gongzhi.cases.services.intake import FILING_RATE_BUCKET
from gongzhi.cases.workflow import Status
from gongzhi.core.ratelimit import hit, too_many_message
from gongzhi.org import selectors as org_selectors

router = Router()


class CaseFilters(Schema):
    bucket: str | None = Field(None, pattern="^(todo|open|overdue|warning|resolved|closed)$")
    status: Status | None = None
    channel: Channel | None = None
    category: Category | None = None
    type: CaseType | None = None
    compound_id: Id | None = None
    community_id: Id | None = None
    supervised: bool | None = None
    mine: bool = False
    q: Text(100) = ""  # type: ignore[valid-type]
    cursor: Text(200) | None = None  # type: ignore[valid-type]
    limit: int = Field(50, ge=1, le=100)


@router.get("", response=CasePage, url_name="cases")
def case_list(request: HttpRequest, filters: Query[CaseFilters]):
    """我可见的诉求（与诉求列表页相同的范围与筛选），按受理时间倒序，游标分页。"""
    queryset = selectors.case_queue(
        request.user,
        bucket=filters.bucket,
        status=filters.status,
        channel=filters.channel,
        category=filters.category,
        type=filters.type,
        compound_id=filters.compound_id,
        community_id=filters.community_id,
        supervised=filters.supervised,
        mine=filters.mine,
        q=filters.q,
    )
    items, next_cursor = cursor.page(queryset, filters.cursor, filters.limit)
    for case in items:  # read-only instances: the title as this user may read it (S9)
        case.title = selectors.shown_to(request.user, case, case.title)
    return {"items": items, "next_cursor": next_cursor}


@router.post(
    "",
    response={201: CaseDetailOut, 403: Error, 404: Error, 429: Error},
    url_name="case_file",
    openapi_extra=IDEMPOTENT,
)
@decorate_view(idempotent)
def case_file(request: HttpRequest, body: CaseIn):
    """登记诉求（居民为本小区，诉求人为本人；工作人员为范围内任何小区代为登记）。与网页登记
    共用每个账号每分钟的登记次数上限（居民本人登记），超出时返回 429。"""
    user = request.user
    compound = org_selectors.compound_get(user, body.compound_id)
    if not policies.is_intake_staff(user, compound):
        # A resident's own filing counts on the web form's counter (`views.resident.report`):
        # one limit however they file. Staff recording calls at the desk are not limited there.
        limit = getattr(settings, "GONGZHI_FILING_RATE_PER_MINUTE", 10)
        wait = hit(f"{FILING_RATE_BUCKET}:user:{user.pk}", limit)
        if wait is not None:
            response = error_response(429, "rate_limited", too_many_message(wait))
            response["Retry-After"] = str(wait)
            return response
    building = org_selectors.building_get(user, body.building_id) if body.building_id else None
    unit = org_selectors.unit_get(user, body.unit_id) if body.unit_id else None
    case = services.case_file(
        actor=user,
        compound=compound,
        building=building,
        unit=unit,
        channel=body.channel,
        type=body.type,
        category=body.category or "",
        title=body.title,
        content=body.content,
        address=body.address,
        requester_name=body.requester_name,
        requester_phone=body.requester_phone,
        is_public=body.is_public,
    )
    return Reply(201, detail_dict(user, case.pk))


@router.get("/{case_id}", response=CaseDetailOut, url_name="case")
def case_detail(request: HttpRequest, case_id: Id):
    """诉求详情；诉求人信息一律脱敏，可执行的操作见 `actions`。"""
    return detail_dict(request.user, case_id)


@router.get("/{case_id}/events", response=list[EventOut], url_name="case_events")
def case_events(request: HttpRequest, case_id: Id):
    """办理时间线（与详情页相同：内部记录不向诉求人和物业显示，办理人按查看者脱敏）。备注中的
    手机号、证件号和诉求人姓名一律脱敏：本接口不提供“查看联系方式”。"""
    detail = selectors.case_detail(request.user, case_id)
    # The detail's own card, masked (or withheld): notes read as the content, never whole (G2).
    rows = ui_selectors.timeline_rows(request.user, detail, detail.requester)
    return [
        {
            "id": event.pk,
            "kind": event.kind,
            "kind_label": event.get_kind_display(),
            "old_status": event.old_status,
            "new_status": event.new_status,
            "note": row.note,
            "actor": row.who,
            "created_at": event.created_at,
        }
        for event, row in zip(detail.timeline, rows, strict=True)
        if not row.hidden  # the desk's own clock, not the requester's business (as the page)
    ]


@router.get("/{case_id}/attachments", response=list[AttachmentOut], url_name="case_attachments")
def case_attachments(request: HttpRequest, case_id: Id):
    return selectors.case_detail(request.user, case_id).attachments


@router.post(
    "/{case_id}/attachments",
    response={201: AttachmentOut, 403: Error, 404: Error},
    url_name="case_attachment_add",
    openapi_extra=IDEMPOTENT,
)
@decorate_view(idempotent)
def case_attachment_add(
    request: HttpRequest,
    case_id: Id,
    file: File[UploadedFile],
    kind: Form[AttachmentKind] = AttachmentKind.PHOTO,
):
    """上传现场照片或处置凭证（JPG/PNG/GIF/WebP 或 PDF，不超过 5 MB）。"""
    case = selectors.case_get(request.user, case_id)
    return Reply(201, services.attachment_add(case=case, actor=request.user, file=file, kind=kind))
