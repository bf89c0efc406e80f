"""Hotline (12345) work-order import: upload → the domain import → count or row errors."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from gongzhi.cases import import_columns, imports
from gongzhi.cases.forms import ImportForm
from gongzhi.cases.views.staff import can_dispatch_any


@login_required
def hotline_import(request: HttpRequest) -> HttpResponse:
    """All or nothing: any bad row lists its errors and nothing is imported."""
    if not can_dispatch_any(request.user):
        raise PermissionDenied(_("仅社区或街道工作人员可导入工单"))
    form = ImportForm(request.POST or None, request.FILES or None)
    result, errors = None, []
    if request.method == "POST" and form.is_valid():
        try:
            result = imports.import_hotline(form.cleaned_data["file"], actor=request.user)
        except imports.ImportFailed as exc:
            errors = exc.errors
    context = {
        "form": form,
        "result": result,
        "errors": errors,
        "required": import_columns.REQUIRED,
        "optional": import_columns.OPTIONAL,
    }
    return render(request, "cases/import.html", context, status=400 if errors else 200)
