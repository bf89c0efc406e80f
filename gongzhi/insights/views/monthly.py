"""月度研判报告: one month's demands of the user's area, to read, print or download."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from gongzhi.insights import policies


@login_required
@require_GET
def monthly_report(request: HttpRequest) -> HttpResponse:
    if not policies.can_view_analysis(request.user):
        raise PermissionDenied(_("仅街道、社区工作人员和小区党支部可查看月度研判报告"))
    return render(request, "insights/monthly.html", {})
