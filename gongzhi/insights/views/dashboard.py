"""数据驾驶舱 (南湖超脑): the street's or community's cases at a glance."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from gongzhi.insights import policies


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    if not policies.can_view_analysis(request.user):
        raise PermissionDenied(_("仅街道、社区工作人员和小区党支部可查看数据驾驶舱"))
    return render(request, "insights/dashboard.html", {})
