"""S8 metrics for a period, by compound, community or party: a table, a chart (data via
json_script, drawn by static/js/cases.js) and the same table as an Excel file (?format=xlsx)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.cases import metrics, policies, suggestion_stats
from gongzhi.cases.forms import MetricsFilterForm
from gongzhi.cases.forms.metrics_filter import MetricsPeriodForm
from gongzhi.cases.metrics import RATES, Grouping
from gongzhi.cases.metrics_export import write_metrics
from gongzhi.cases.periods import Preset
from gongzhi.org import selectors as org_selectors
from gongzhi.org.grant_labels import community_label
from gongzhi.org.models import Compound

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The column of the groups; a party is a company, or 社区/街道/职能部门 handling it themselves.
GROUP_COLUMNS = {
    Grouping.COMPOUND: gettext_lazy("小区"),
    Grouping.COMMUNITY: gettext_lazy("社区"),
    Grouping.PARTY: gettext_lazy("承办单位"),
}
FORMULAS = (
    gettext_lazy(
        "响应率＝按时签收÷交办次数；解决率＝回访已解决÷回访数；满意率＝（非常满意＋满意＋基本满意）÷回访数；"
        "按时办结率＝未超时办结÷办结数；退单率＝被退单÷已交办；重复诉求率＝重复反映÷全部诉求。"
    ),
    gettext_lazy(
        "诉求按受理时间计入期间，合计按诉求计算；按小区、社区分组时每件诉求只计入一行，"
        "各行相加等于合计。"
    ),
    gettext_lazy(
        "响应率按交办计算：期间内的每次交办、改派各计一次（不论诉求何时受理），"
        "在该次交办的签收期限内签收计为按时签收；签收期限未到且尚未签收的暂不计入；"
        "诉求重办或改派后再次交办另计一次，不改变此前期间的响应率。"
    ),
)
# Who is charged with what when grouped by party (metrics.py's docstring).
PARTY_NOTE = gettext_lazy(
    "按承办单位分组时，各单位只计本单位所办：每次交办或改派计入被交办单位的已交办，"
    "该单位在本次签收期限内签收计为按时签收，由该单位退回计为被退单；回访和办结计入处置该轮诉求的单位"
    "（诉求升级后由社区、街道或职能部门处置的，计入该层级，不计入原物业公司）；"
    "诉求数和重复反映计入诉求当前的承办单位（重复反映随所并入的原诉求）。"
    "一件诉求可能先后计入几个单位，各行的分子、分母相加不一定等于合计，"
    "诉求数和响应率的分子、分母相加等于合计。"
)


def _covered(user: Any, communities: list[Any]) -> dict[int, str]:
    """What the figures of each community cover for `user`: the community, or, for a reader of
    only some of its compounds (a party branch of one compound), those compounds by name."""
    counts = dict(
        Compound.objects.filter(community__in=communities)
        .values("community")
        .annotate(n=Count("id"))
        .values_list("community", "n")
    )
    covered = {}
    for community in communities:
        name = community_label(community.name)
        if community.compound_count < counts.get(community.pk, 0):
            names = org_selectors.compounds_for(user, community).values_list("name", flat=True)
            name = "、".join(names) or name
        covered[community.pk] = name
    return covered


def _rows(
    group: str, rows: list[tuple[metrics.Group, metrics.CaseMetrics]], covered: dict[int, str]
) -> list[Any]:
    if group == Grouping.COMMUNITY:
        return [(covered.get(g.key) or community_label(g.name), m) for g, m in rows]
    return [(g.name, m) for g, m in rows]


def _cells(m: metrics.CaseMetrics) -> list[tuple[metrics.RateColumn, metrics.Ratio]]:
    return [(rate, getattr(m, rate.attr)) for rate in RATES]


def _chart(rows: list[tuple[str, metrics.CaseMetrics]]) -> dict[str, Any]:
    def percent(ratio: metrics.Ratio) -> float | None:
        return None if ratio.percent is None else float(ratio.percent)

    return {
        "labels": [name for name, _m in rows],
        "series": [
            {"name": str(rate.title), "values": [percent(getattr(m, rate.attr)) for _n, m in rows]}
            for rate in RATES
        ],
    }


def _subject(form: MetricsFilterForm, covered: dict[int, str]) -> dict[str, str]:
    """The heading's words: grouping, period and what the figures cover: a community, or the
    compounds of it the reader sees (`_covered`)."""
    data = form.cleaned_data
    community = form.communities.get(data.get("community"))
    if community is None and len(form.communities) == 1:  # a community worker's own
        community = next(iter(form.communities.values()))
    return {
        "group": str(Grouping(data["group"]).label),
        "period": data["range"].label,
        "community": covered[community.pk] if community else _("全部社区"),
    }


def _note(group: str) -> str:
    notes = [*FORMULAS, PARTY_NOTE] if group == Grouping.PARTY else FORMULAS
    return "".join(map(str, notes))


def _download(
    form: MetricsFilterForm, subject: dict[str, str], rows: list[Any], total: metrics.CaseMetrics
) -> HttpResponse:
    period = form.cleaned_data["range"]
    dates = {"first": period.first.isoformat(), "last": period.last.isoformat()}
    data = write_metrics(
        title=_("办理指标（按%(group)s）：%(period)s，%(community)s") % subject,
        sheet=_("按%(group)s %(first)s至%(last)s") % {**subject, **dates},
        group_title=str(GROUP_COLUMNS[form.cleaned_data["group"]]),
        rows=rows,
        total=total,
        note=_note(form.cleaned_data["group"]),
    )
    response = HttpResponse(data, content_type=XLSX)
    filename = _("办理指标_按%(group)s_%(first)s至%(last)s.xlsx") % {**subject, **dates}
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
def metrics_page(request: HttpRequest) -> HttpResponse:
    if not policies.can_view_metrics(request.user):
        raise PermissionDenied(_("仅街道、社区工作人员（含网格员）和小区党支部可查看办理指标"))
    communities = list(org_selectors.communities_for(request.user))
    form = MetricsPeriodForm(request.GET, communities=communities)
    context: dict[str, Any] = {"form": form, "rates": RATES, "presets": Preset.choices[:-1]}
    if not form.is_valid():
        return render(request, "cases/metrics.html", context)
    group, filters = form.cleaned_data["group"], form.filters()
    covered = _covered(request.user, communities)
    rows = _rows(group, metrics.metrics_by(request.user, group=group, **filters), covered)
    total = metrics.case_metrics(request.user, **filters)
    subject = _subject(form, covered)
    if request.GET.get("format") == "xlsx":
        return _download(form, subject, rows, total)
    context |= {
        "subject": subject,
        "group_column": GROUP_COLUMNS[group],
        "rows": [(name, m.total, _cells(m)) for name, m in rows],
        "total": (total.total, _cells(total)),
        "active_period": form.cleaned_data["period"],
        "chart": _chart(rows),
        "download_query": form.query(format="xlsx"),
        "formulas": _note(group),
        "adoption": suggestion_stats.adoption(request.user, **filters),
    }
    return render(request, "cases/metrics.html", context)
