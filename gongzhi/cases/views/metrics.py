"""S8 metrics per compound for a period, as a table and a chart (data via json_script)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gongzhi.cases import metrics, policies
from gongzhi.cases.forms import MetricsFilterForm
from gongzhi.org import selectors as org_selectors

# (attribute of CaseMetrics, column title): the order of the table and the chart.
RATES = (
    ("response_rate", "响应率"),
    ("resolution_rate", "解决率"),
    ("satisfaction_rate", "满意率"),
    ("on_time_rate", "按时办结率"),
    ("return_rate", "退单率"),
    ("repeat_rate", "重复诉求率"),
)


def _chart(rows: list[tuple[Any, metrics.CaseMetrics]]) -> dict[str, Any]:
    def percent(ratio: metrics.Ratio) -> float | None:
        return None if ratio.percent is None else float(ratio.percent)

    return {
        "labels": [compound.name for compound, _ in rows],
        "series": [
            {"name": title, "values": [percent(getattr(m, attr)) for _, m in rows]}
            for attr, title in RATES
        ],
    }


@login_required
def metrics_page(request: HttpRequest) -> HttpResponse:
    if not policies.can_view_metrics(request.user):
        raise PermissionDenied("仅社区、街道及党支部可查看办理指标")
    communities = list(org_selectors.communities_for(request.user))
    form = MetricsFilterForm(request.GET or None, communities=communities)
    filters = form.filters()
    rows = metrics.metrics_by_compound(request.user, **filters)
    context = {
        "form": form,
        "rows": [(c, [getattr(m, attr) for attr, _ in RATES], m.total) for c, m in rows],
        "total": metrics.case_metrics(request.user, **filters),
        "rates": RATES,
        "chart": _chart(rows),
    }
    return render(request, "cases/metrics.html", context)
