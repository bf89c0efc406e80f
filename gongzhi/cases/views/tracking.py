"""受理回执 and 进度查询: staff print a receipt with a QR code for a requester without an account;
the requester follows and rates the case at its link, or has it texted again by number and phone.

The /track/ pages need no sign-in: the link's token (`tracking`) is the authority; the lookup
by the phone given at filing only sends the link to that phone. Unknown numbers, wrong tokens
and wrong phones answer alike (404, or one neutral message), so that the pages tell nothing of
which cases exist.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gongzhi.cases import policies, receipt_policies, services, tracking_selectors, ui_selectors
from gongzhi.cases.forms import RateForm
from gongzhi.cases.forms.tracking import TrackLookupForm
from gongzhi.cases.services import requester_sms
from gongzhi.cases.services.closure import ALREADY_RATED
from gongzhi.cases.services.intake import receipt_print
from gongzhi.cases.tracking import tracked_case
from gongzhi.cases.views.feedback import add_service_errors
from gongzhi.cases.views.resident import _rated
from gongzhi.cases.workflow import CaseChanged, InvalidTransition
from gongzhi.core.ratelimit import rate_limited, too_many_message

# One answer for every lookup, like a password reset: a match, an unknown number, a wrong
# phone, a case recorded without one, and every complaint or report whatever the phone (S9: no
# oracle of who complained). On a match the link goes by text to the phone on file, never to
# whoever asked (a company that read the phone on a repair's page would rate it as the resident).
SENT = gettext_noop(
    "如诉求编号与登记的手机号一致，我们已将查询链接以短信发送到该手机，"
    "请点击短信中的链接查看进度和评价。"
)


def _absolute(request: HttpRequest, path: str) -> str:
    """The link a phone scanning the paper opens: the public site's address when configured."""
    site = getattr(settings, "GONGZHI_SITE_URL", "").rstrip("/")
    return f"{site}{path}" if site else request.build_absolute_uri(path)


@never_cache  # it carries the link that opens the case
@login_required
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable 受理回执 (staff who may not print it are told why, 404 for whoever may not
    see the requester, S9); each one shown is audited, as it carries the link that rates."""
    found = tracking_selectors.receipt_for(request.user, pk)
    receipt_print(actor=request.user, case=found.case)
    url = _absolute(request, found.path)
    context = {
        "receipt": found,
        "case": found.case,
        "url": url,
        "qr": tracking_selectors.qr_svg(url),
        "lookup_url": _absolute(request, reverse("track:lookup")),
        "for_requester": policies.sees_as_requester(request.user, found.case),
        "link_rates": receipt_policies.rates_by_link(found.case),
    }
    return render(request, "cases/receipt.html", context)


def _lookup_refused(request: HttpRequest, wait: int) -> HttpResponse:
    form = TrackLookupForm(request.POST)
    form.is_valid()
    form.add_error(None, too_many_message(wait))
    return render(request, "cases/track_lookup.html", {"form": form})


@never_cache
@rate_limited("track-lookup", "GONGZHI_TRACK_LOOKUP_RATE_PER_MINUTE", 10, refused=_lookup_refused)
def lookup(request: HttpRequest) -> HttpResponse:
    form = TrackLookupForm(request.POST or None)
    answer = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = tracking_selectors.case_for_phone(data["number"], data["phone"])
        if case is not None:
            requester_sms.send_tracking_link(case)
        answer = _(SENT)
        form = TrackLookupForm()  # the same page for all: no number or phone given back
    return render(request, "cases/track_lookup.html", {"form": form, "answer": answer})


def _render_case(request: HttpRequest, case: Any, token: str, form: Any = None) -> HttpResponse:
    page = tracking_selectors.tracking_page(case, request.user)
    if page.can_rate and form is None:
        form = RateForm(case=case, auto_id="id_rate_%s")
    context = {
        "page": page,
        "case": case,
        "detail": page.detail,
        "rows": page.rows,
        "form": form if page.can_rate else None,
        "token": token,
        "link_rates": receipt_policies.rates_by_link(case),
    }
    response = render(
        request, "cases/track_case.html", context, status=400 if form and form.errors else 200
    )
    response["X-Robots-Tag"] = "noindex, nofollow"  # a link on paper, not a page to index
    return response


@never_cache
def case_page(request: HttpRequest, number: str, token: str) -> HttpResponse:
    return _render_case(request, tracked_case(number, token), token)


@never_cache
@require_POST
def rate(request: HttpRequest, number: str, token: str) -> HttpResponse:
    """The receipt holder rates once per round, as the requester on their own page (S5); never
    a case whose requester has an account (they rate signed in, under 我的诉求), nor a member of
    staff signed in (`rates_as_requester`)."""
    case = tracked_case(number, token)
    if not tracking_selectors.rates_as_requester(request.user, case):
        # Staff signed in record a return visit on the case's page, under their own name.
        messages.error(request, tracking_selectors.link_rate_refusal(case))
        return redirect("track:case", case.number, token)
    form = RateForm(request.POST, case=case, auto_id="id_rate_%s")
    if not form.is_valid():
        return _render_case(request, case, token, form)
    data = form.cleaned_data
    try:
        moved = services.case_visit_by_receipt(
            case=case,
            token=token,
            resolved=data["resolved"],
            level=data["level"],
            note=data["note"],
            expected_version=data["version"],
        )
    except InvalidTransition as exc:
        messages.error(request, _(ALREADY_RATED) if ui_selectors.has_rating(case) else str(exc))
    except CaseChanged as exc:
        # A form from a second tab after rating in the first: rated, nobody else acted.
        rated = tracking_selectors.rated_by_requester(case)
        messages.error(request, _(ALREADY_RATED) if rated else str(exc))
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _render_case(request, case, token, form)
    else:
        messages.success(request, _rated(moved, resolved=data["resolved"]))
    return redirect("track:case", case.number, token)
