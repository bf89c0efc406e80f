"""Open311 GeoReport v2 endpoints: parse → one selector or service → render (XML or JSON)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from gongzhi.api import services
from gongzhi.api.auth import open311_client_for
from gongzhi.api.models import Open311Client
from gongzhi.api.open311 import catalogue, params, render, selectors
from gongzhi.api.open311.locate import place_for
from gongzhi.api.open311.params import Open311Error
from gongzhi.api.open311.serialise import request_dict
from gongzhi.api.open311.status import statuses_for
from gongzhi.api.ratelimit import client_ip, hit
from gongzhi.cases.choices import CaseType
from gongzhi.cases.texts import title_from
from gongzhi.core.parsing import parse_id
from gongzhi.org.models import Street

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"


def open311_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Finds the api_key, applies the rate limit and renders `Open311Error` as `errors`."""

    @wraps(view)
    def wrapper(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
        try:
            data = request.POST if request.method == "POST" else request.GET
            api_key = params.text(data, "api_key", 200)
            client = open311_client_for(api_key) if api_key else None
            if api_key and client is None:
                raise Open311Error(403, "api_key 无效或已被撤销")
            if client is not None:
                wait = hit(f"open311-key:{client.pk}", client.requests_per_minute)
            else:
                limit = getattr(settings, "GONGZHI_OPEN311_ANON_RATE_PER_MINUTE", 60)
                wait = hit(f"open311-anon:{client_ip(request)}", limit)
            if wait is not None:
                response = render.errors(fmt, 429, "请求过于频繁，请稍后再试")
                response["Retry-After"] = str(wait)
                return response
            return view(request, fmt, client=client, data=data, **kwargs)
        except Open311Error as exc:
            return render.errors(fmt, exc.status, exc.description)

    return wrapper


def _jurisdiction(data: Any, client: Open311Client | None) -> Street:
    """jurisdiction_id is the street code; optional when the key or the install implies it."""
    code = params.text(data, "jurisdiction_id", 40)
    if code:
        street = Street.objects.filter(code=code).first()
        if street is None:
            raise Open311Error(404, f"jurisdiction_id 不存在：{code}")
        if client is not None and street.pk != client.street_id:
            raise Open311Error(403, "该 api_key 不属于此 jurisdiction_id")
        return street
    if client is not None:
        return client.street
    streets = list(Street.objects.order_by("id")[:2])
    if len(streets) != 1:
        raise Open311Error(400, "本服务覆盖多个辖区，请提供 jurisdiction_id（街道代码）")
    return streets[0]


@require_GET
@open311_view
def discovery(request: HttpRequest, fmt: str, **_: Any) -> HttpResponse:
    base = request.build_absolute_uri("/open311/v2").rstrip("/")
    document = {
        "changeset": catalogue.CHANGESET,
        "contact": getattr(settings, "GONGZHI_OPEN311_CONTACT", "如需帮助，请联系所在街道办事处。"),
        "key_service": (
            "API 密钥由街道干部在管理后台或通过 open311_key 命令创建，每个密钥仅限本街道使用。"
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": catalogue.CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render.respond(fmt, "discovery", document)


@require_GET
@open311_view
def service_list(request: HttpRequest, fmt: str, *, client: Any, data: Any) -> HttpResponse:
    _jurisdiction(data, client)
    return render.respond(fmt, "services", catalogue.services())


@require_GET
@open311_view
def service_definition(
    request: HttpRequest, fmt: str, *, client: Any, data: Any, service_code: str
) -> HttpResponse:
    _jurisdiction(data, client)
    definition = catalogue.definition(service_code)
    if definition is None:
        raise Open311Error(404, "service_code 不存在")
    return render.respond(fmt, "service_definition", definition)


def _render_requests(fmt: str, cases: list[Any], client: Any) -> HttpResponse:
    submissions = selectors.submissions_for([case.pk for case in cases])
    rows = [request_dict(case, submissions.get(case.pk), client) for case in cases]
    return render.respond(fmt, "service_requests", rows)


@csrf_exempt  # authenticated by api_key, never by cookies
@require_http_methods(["GET", "POST"])
@open311_view
def requests(request: HttpRequest, fmt: str, *, client: Any, data: Any) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt, client, data)
    street = _jurisdiction(data, client)
    queryset = selectors.requests_for(client, street)
    ids = params.text(data, "service_request_id", 20000)
    if ids:  # "This overrides all other arguments."
        queryset = queryset.filter(pk__in=params.id_list(ids))
    else:
        start, end = params.date_range(data)
        queryset = queryset.filter(created_at__gte=start, created_at__lte=end)
        codes = params.words(params.text(data, "service_code", 2000))
        if codes:
            submitted = selectors.submitted_service_codes(codes)
            queryset = queryset.filter(Q(category__in=codes) | Q(category="", pk__in=submitted))
        wanted = params.words(params.text(data, "status", 20))
        if any(value not in ("open", "closed") for value in wanted):
            raise Open311Error(400, "status 只能是 open 或 closed")
        if wanted:
            queryset = queryset.filter(status__in=[s for w in wanted for s in statuses_for(w)])
    cases = list(queryset.order_by("-created_at", "-id")[: params.MAX_RESULTS])
    return _render_requests(fmt, cases, client)


@require_GET
@open311_view
def request_detail(
    request: HttpRequest, fmt: str, *, client: Any, data: Any, request_id: str
) -> HttpResponse:
    street = _jurisdiction(data, client)
    pk = parse_id(request_id)
    if pk is None:
        raise Open311Error(404, "service_request_id 不存在")
    case = selectors.requests_for(client, street).filter(pk=pk).first()
    if case is None:
        raise Open311Error(404, "service_request_id 不存在")
    return _render_requests(fmt, [case], client)


@require_GET
@open311_view
def token(request: HttpRequest, fmt: str, *, client: Any, data: Any, token: str) -> HttpResponse:
    """Every request is realtime, so POST returns its id at once; the token this resolves is
    the case number a resident is given on the phone or on paper (e.g. NH202611290001)."""
    street = _jurisdiction(data, client)
    case = selectors.requests_for(client, street).filter(number=token[:20]).first()
    if case is None:
        raise Open311Error(404, "token 不存在")
    rows = [{"service_request_id": case.pk, "token": case.number}]
    return render.respond(fmt, "service_requests", rows)


def _create(request: HttpRequest, fmt: str, client: Any, data: Any) -> HttpResponse:
    if client is None:
        raise Open311Error(403, "提交诉求须提供有效的 api_key")
    _jurisdiction(data, client)
    code = params.text(data, "service_code", 40)
    if not code:
        raise Open311Error(400, "缺少 service_code")
    if catalogue.definition(code) is None:
        raise Open311Error(404, "service_code 不存在")
    where = params.location(data)
    place = place_for(client.account, where)
    description = params.text(data, "description", 4000)
    extra = params.attributes(data)
    case_type = extra.get("case_type") or CaseType.HELP
    if case_type not in CaseType.values:
        raise Open311Error(400, "attribute[case_type] 的取值无效")
    media_url = params.text(data, "media_url", 500)
    if media_url and not media_url.startswith(("http://", "https://")):
        raise Open311Error(400, "media_url 须为 http 或 https 地址")
    first, last = params.text(data, "first_name", 50), params.text(data, "last_name", 50)
    phone = params.text(data, "phone", 30)
    title = str(extra.get("title") or "")[:200] or title_from(description, [f"{last}{first}"])
    try:
        case = services.open311_request_create(
            client=client,
            place=place,
            case_fields={
                "category": code,  # pre-set from the service; 研判 confirms or changes it
                "type": case_type,
                "title": title,
                "content": description,
                "address": where.address_string,
                "requester_name": f"{last}{first}"[:50],
                "requester_phone": phone[:20],
                "is_public": extra.get("is_public") == "true",
            },
            submission={
                "service_code": code,
                "email": params.text(data, "email", 254),
                "first_name": first,
                "last_name": last,
                "phone": phone,
                "device_id": params.text(data, "device_id", 100),
                "account_id": params.text(data, "account_id", 100),
                "media_url": media_url,
                "lat": where.lat,
                "long": where.long,
                "address_string": where.address_string,
                "attributes": extra,
            },
        )
    except ValidationError as exc:
        raise Open311Error(400, "；".join(exc.messages)) from None
    except PermissionDenied:
        raise Open311Error(403, "该 api_key 无权在此位置提交诉求") from None
    notice = f"诉求已受理，编号 {case.number}。研判交办后可查询办理进度和预计办结时间。"
    rows = [{"service_request_id": case.pk, "service_notice": notice, "account_id": None}]
    return render.respond(fmt, "service_requests", rows)
