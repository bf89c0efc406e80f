"""月度研判报告: one month of the user's area, to read, print or download (?format=xlsx)."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from gongzhi.insights import monthly, monthly_export, monthly_text, policies
from gongzhi.insights.forms import MonthlyReportForm


@login_required
@require_GET
def monthly_report(request: HttpRequest) -> HttpResponse:
    if not policies.can_view_analysis(request.user):
        raise PermissionDenied(_("仅街道、社区工作人员（含网格员）和小区党支部可查看月度研判报告"))
    form = MonthlyReportForm(request.GET, user=request.user)
    context = {"form": form, **monthly_text.page_words()}
    choice = form.choice()  # None: a wrong month or area, said on the page; no figures
    if choice is None:
        return render(request, "insights/monthly.html", context)
    month, area = choice
    report = monthly.cached_report(request.user, month=month, area=area)
    if request.GET.get("format") == "xlsx":
        return monthly_export.download(report)
    query = urlencode({"month": month.value, "area": area.value, "format": "xlsx"})
    context |= {"report": report, "xlsx": query}
    return render(request, "insights/monthly.html", context)
