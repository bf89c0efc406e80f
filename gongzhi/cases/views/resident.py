"""Residents on the phone: 我要反映, 我的诉求, and rating their own resolved case."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.cases import selectors, services, ui_selectors
from gongzhi.cases.choices import Channel
from gongzhi.cases.forms import RateForm, ReportForm
from gongzhi.cases.services.intake import FILING_RATE_BUCKET
from gongzhi.cases.views.actions import perform
from gongzhi.cases.views.feedback import add_service_errors
from gongzhi.cases.views.kept_photos import (
    file_with_kept,
    keep_refused_photos,
    reshow_kept_photos,
)
from gongzhi.cases.workflow import Action, Status
from gongzhi.core.ratelimit import rate_limited, too_many_message
from gongzhi.org import policies as org_policies


def _report_form(request: HttpRequest) -> ReportForm:
    places = ui_selectors.resident_places(request.user)
    if not places:
        raise PermissionDenied(_("您的账号尚未关联房屋，请联系社区工作人员"))
    name = getattr(getattr(request.user, "person", None), "name", "")  # as case_file takes it
    return ReportForm(
        request.POST or None,
        request.FILES or None,
        places=places,
        requester_name=name,
        owner=request.user,
    )


def _report_refused(request: HttpRequest, wait: int) -> HttpResponse:
    """Over the filing limit: the form again with what was typed and the photos kept before,
    saying when to retry. Newly chosen photos are not kept: decoding them is the work the limit
    keeps off the server (the view never runs)."""
    form = _report_form(request)
    form.is_valid()  # reads the kept photos' token (the new files' first bytes, no more)
    form.add_error(None, too_many_message(wait))
    reshow_kept_photos(request, form)
    return render(request, "cases/report.html", {"form": form})


@login_required
@rate_limited(
    FILING_RATE_BUCKET, "GONGZHI_FILING_RATE_PER_MINUTE", 10, per_user=True, refused=_report_refused
)
def report(request: HttpRequest) -> HttpResponse:
    form = _report_form(request)
    if request.method != "POST":
        return render(request, "cases/report.html", {"form": form})
    if form.is_valid():
        data = form.cleaned_data
        compound, building, unit = ui_selectors.place_nodes(request.user, data["place"])
        try:
            case = file_with_kept(
                request,
                form,
                compound=compound,
                building=building,
                unit=unit,
                channel=Channel.ONLINE,
                type=data["type"],
                title=data["title"],
                content=data["content"],
                is_public=data["is_public"],
                photos=data["photos"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, aliases={"file": "photos"})
        else:
            messages.success(
                request, _("您的诉求已受理，编号 %(number)s") % {"number": case.number}
            )
            return redirect("cases:detail", case.pk)
    keep_refused_photos(request, form, images_only=True)
    return render(request, "cases/report.html", {"form": form})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.my_cases(request.user), 20).get_page(request.GET.get("page"))
    # A resident reports for a home of theirs; staff without one record demands at the desk.
    context = {
        "page": page,
        "may_report": bool(ui_selectors.resident_places(request.user)),
        "is_staff_member": org_policies.is_staff_member(request.user),
    }
    return render(request, "cases/mine.html", context)


@login_required
@require_POST
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    """The requester rates online: 已解决/未解决 and five levels, once per round (S5)."""
    resolved = request.POST.get("resolved") == "1"  # the form has checked it when `done` runs
    return perform(
        request,
        pk,
        Action.VISIT,
        RateForm,
        services.case_visit,
        done=lambda case: _rated(case, resolved=resolved),
    )


def _rated(case: Any, *, resolved: bool) -> str:
    """What happens next, in the resident's words and by what they chose: closed, or worked on
    again because the problem is not solved, or because they are not satisfied (S5)."""
    if case.status != Status.REOPENED:
        return _("已回访评价，诉求已办结，感谢您的评价。")
    if resolved:
        return _("已回访评价：您对办理结果不满意，诉求已重新办理，请留意办理进度。")
    return _("已回访评价：问题未解决，诉求已重新办理，请留意办理进度。")
