"""The 楼盘表 pages of a compound: export as .xlsx, and import an uploaded file."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from gongzhi.org import policies, roster, selectors, services
from gongzhi.org.models import Compound

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("楼盘表文件（.xlsx，不超过 5 MB）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "form-control"}),
    )


def _roster_compound(request: HttpRequest, pk: int) -> Compound:
    """The compound, if the user may manage its roster; otherwise it does not exist for them."""
    compound = selectors.compound_get(request.user, pk)
    if not policies.can_manage_roster(request.user, compound):
        raise Http404
    return compound


@login_required
@require_GET
def roster_export(request: HttpRequest, pk: int) -> HttpResponse:
    compound = _roster_compound(request, pk)
    data = services.roster_export(actor=request.user, compound=compound)
    response = HttpResponse(data, content_type=XLSX)
    filename = _("%(name)s楼盘表.xlsx") % {"name": compound.name}
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"  # full phone and ID numbers inside
    return response


@login_required
@require_http_methods(["GET", "POST"])
def roster_import(request: HttpRequest, pk: int) -> HttpResponse:
    compound = _roster_compound(request, pk)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = roster.parse(upload, upload.name, compound=compound)
            report = services.roster_import(actor=request.user, compound=compound, rows=rows)
        except roster.RosterError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("楼盘表导入完成：%(report)s") % {"report": report})
            return redirect("org:compound", pk=compound.pk)
    context = {"compound": compound, "form": form, "errors": errors, "columns": roster.COLUMNS}
    return render(request, "org/roster_import.html", context)
