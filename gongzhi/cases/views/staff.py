"""Staff pages: the work queue (工作台) with bulk dispatch, intake from any channel, files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from gongzhi.cases import (
    attachments,
    policies,
    queue_rows,
    queue_search,
    queue_selectors,
    selectors,
    services,
    ui_selectors,
)
from gongzhi.cases.forms import BulkDispatchForm, IntakeForm, QueueFilterForm
from gongzhi.cases.views.feedback import add_service_errors, error_text, form_errors_text
from gongzhi.cases.views.kept_photos import file_with_kept, keep_refused_photos
from gongzhi.cases.workflow import CaseChanged, InvalidTransition
from gongzhi.org import policies as org_policies
from gongzhi.org import selectors as org_selectors
from gongzhi.org.scopes import scope_for


def can_dispatch_any(user: object) -> bool:
    scope = scope_for(user)
    return scope.everything or bool(scope.roles & policies.DISPATCH_ROLES)


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _elsewhere(request: HttpRequest, filters: dict, now: object) -> dict | None:
    """A search that finds nothing in this tab: how many it finds in 全部 (capped), and the link."""
    if not filters["q"].strip() or filters["bucket"] is None:
        return None
    found = selectors.queue_count(request.user, now=now, **{**filters, "bucket": None})
    if not found:
        return None
    params = request.GET.copy()
    params.pop("page", None)
    params["bucket"] = "all"
    return {"count": selectors.format_count(found), "url": f"?{params.urlencode()}"}


def _window_links(request: HttpRequest, window: queue_selectors.SearchWindow | None) -> dict:
    """搜索更早的诉求 (the window before this one) and 最新的诉求 (back to the cases recorded
    last), each with the other filters as they are, from the first page."""
    links = {}
    params = request.GET.copy()
    params.pop("page", None)
    if window is not None and window.older:
        params["before"] = str(window.since)
        params["before_q"] = request.GET.get("q", "")
        links["older"] = f"?{params.urlencode()}"
    if window is not None and window.before is not None:
        params.pop("before", None)
        params.pop("before_q", None)
        links["newest"] = f"?{params.urlencode()}"
    return links


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """工作台: each party's own cases (the selector scopes them), most urgent first."""
    if not org_policies.is_staff_member(request.user):
        return redirect("cases:mine")
    form = QueueFilterForm(request.GET, compounds=list(org_selectors.compounds_for(request.user)))
    filters = form.queue_filters()
    # The text search window, read once for the page, its counts and the hint below the box.
    window = queue_selectors.text_window(filters)
    if window is not None:
        filters["since"] = window.since
    now = timezone.now()  # one instant for the counts and the page
    can_dispatch = can_dispatch_any(request.user)
    counts = selectors.queue_counts(request.user, now=now)
    # Bounded: counts and pages stop at COUNT_CAP rows ("1000+", at most 50 pages).
    paginator = selectors.queue_paginator(request.user, 20, counts=counts, now=now, **filters)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = queue_rows.queue_rows(request.user, page.object_list)
    # What 仅看已超时 would list with the other filters as they are (None: no number).
    overdue = selectors.overdue_toggle_count(
        request.user, paginator, now=now, counts=counts, **filters
    )
    # htmx asks for the results alone, except when restoring a page its history cache lost.
    partial = request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )
    context = {
        "form": form,
        "page": page,
        "elsewhere": None if page.object_list else _elsewhere(request, filters, now),
        "counts": {bucket: selectors.format_count(n) for bucket, n in counts.items()},
        "overdue_count": None if overdue is None else selectors.format_count(overdue),
        "partial": partial,  # the filters' label is outside the part htmx swaps: sent beside it
        "search_window": f"{queue_selectors.SEARCH_WINDOW:,}",
        "window": window,
        "window_links": _window_links(request, window),
        # 可按诉求人全名…: only to who may find a requester so (not a party member).
        "searches_requesters": queue_search.searches_requesters(request.user),
        "bucket": filters["bucket"] or "all",
        "companies": ui_selectors.dispatch_targets(request.user),
        "can_dispatch": can_dispatch,
        "can_view_metrics": policies.can_view_metrics(request.user),
        # A checkbox only on rows that can be dispatched (none on 待回访 and 已结束).
        "bulk_dispatch": can_dispatch and any(case.dispatchable for case in page.object_list),
        "querystring": _without_page(request),
    }
    response = render(
        request, "cases/_queue_results.html" if partial else "cases/queue.html", context
    )
    patch_vary_headers(response, ["HX-Request"])  # the back button must not show the part alone
    return response


@login_required
@require_POST
def bulk_dispatch(request: HttpRequest) -> HttpResponse:
    """Select several cases → one party; each dispatch is its own atomic service call."""
    if not can_dispatch_any(request.user):
        raise PermissionDenied(_("仅社区或街道工作人员可批量交办"))
    form = BulkDispatchForm(request.POST, companies=ui_selectors.dispatch_targets(request.user))
    # Back to the queue as it was filtered (re-encoded: only ever a query string of the queue).
    back = reverse("cases:queue")
    if filters := QueryDict(request.POST.get("back", "")).urlencode():
        back += "?" + filters
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return redirect(back)
    done, failed, missing = [], [], 0
    for pk, version in form.cleaned_data["cases"]:
        try:
            case = selectors.case_get(request.user, pk)
        except Http404:  # out of sight (or gone): refused like the others, the rest still go
            missing += 1
            continue
        try:
            services.case_dispatch(
                case=case,
                actor=request.user,
                expected_version=version,
                back_to_returner=False,  # nobody looked at it: not straight back after 退单
                **form.assignee(),
            )
            done.append(case.number)
        except (ValidationError, InvalidTransition, CaseChanged, PermissionDenied) as exc:
            failed.append(
                _("%(number)s：%(error)s") % {"number": case.number, "error": error_text(exc)}
            )
    if done:
        numbers = pgettext("between the items of a list", "、").join(done)
        messages.success(
            request, _("已交办 %(n)d 件：%(numbers)s") % {"n": len(done), "numbers": numbers}
        )
    if missing:
        failed.append(_("%(n)d 件未找到或无权处理") % {"n": missing})
    if failed:
        separator = pgettext("between the parts of a sentence", "；")
        messages.error(request, _("未能交办：%(cases)s") % {"cases": separator.join(failed)})
    return redirect(back)


@login_required
def intake(request: HttpRequest) -> HttpResponse:
    """Record a demand received by phone, visit, grid worker, patrol, superior… (S1)."""
    compounds = ui_selectors.intake_compounds(request.user)
    if not compounds:
        raise PermissionDenied(_("仅工作人员可代为登记诉求"))
    form = IntakeForm(
        request.POST or None,
        request.FILES or None,
        compounds=compounds,
        channels=ui_selectors.intake_channels(request.user),
        initial={"channel": ui_selectors.intake_channel(request.user)},
        owner=request.user,
    )
    if request.method != "POST":
        return render(request, "cases/intake.html", {"form": form})
    if form.is_valid():
        details = {k: v for k, v in form.cleaned_data.items() if k != "kept_token"}
        try:
            case = file_with_kept(request, form, **details)
        except ValidationError as exc:
            add_service_errors(form, exc, aliases={"file": "photos"})
        else:
            messages.success(request, _("诉求已登记，编号 %(number)s") % {"number": case.number})
            return redirect("cases:detail", case.pk)
    keep_refused_photos(request, form, images_only=False)
    return render(request, "cases/intake.html", {"form": form})


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A case photo or evidence file, only to those who may see the case, as a download."""
    item = ui_selectors.attachment_get(request.user, pk)
    return attachments.download(item, f"{item.case.number}-{item.pk}")
