"""数据驾驶舱 (南湖超脑): the street's or community's cases at a glance."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from gongzhi.core.parsing import parse_id
from gongzhi.insights import dashboard as selectors
from gongzhi.insights import dashboard_cache, dashboard_charts, dashboard_topics, policies


def _community(request: HttpRequest) -> int | None:
    """The chosen community's id; None for none. A value that is no id raises Http404."""
    value = request.GET.get("community", "")
    if not value:
        return None
    community = parse_id(value)
    if community is None:
        raise Http404
    return community


def dashboard_context(user: Any, community_id: int | None = None) -> dict[str, Any]:
    """Every figure of the page, at one instant (a bounded number of queries)."""
    now = timezone.now()
    area = selectors.dashboard_area(user, community_id)
    month = selectors.month_figures(user, area, now)
    return {
        "area": area,
        "slot_minutes": dashboard_cache.SLOT_MINUTES,
        "now": now,
        "has_cases": selectors.any_cases(user, area),
        "tiles": selectors.now_tiles(user, area, now),
        "month": month,
        "rows": selectors.area_rows(user, area, now, month.this_period),
        "daily": dashboard_charts.daily_chart(user, area, now),
        "mix": dashboard_charts.month_mix(user, area, month.this_period, now),
        "topics": dashboard_topics.dashboard_topics(user, area, now),
        "street": selectors.street_cases(user, area),
    }


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    if not policies.can_view_analysis(request.user):
        raise PermissionDenied(_("仅街道、社区工作人员（含网格员）和小区党支部可查看数据驾驶舱"))
    try:
        context = dashboard_context(request.user, _community(request))
    except Http404:
        # Not a community of the list (a typed or stale link, another street's): the user's
        # whole area, with the message the other pages give, never another area's figures.
        context = dashboard_context(request.user, None)
        context["community_error"] = _("请从列表中选择社区")
    return render(request, "insights/dashboard.html", context)
