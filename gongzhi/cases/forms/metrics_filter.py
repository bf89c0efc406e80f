"""The metrics page's choice (办理指标) as the page needs it, on top of `MetricsFilterForm`:
periods end today while they run (本月 on 2 December is 12月1日—12月2日, as on the dashboard and
the monthly report, in the heading, the Excel title and the file name), a period wholly in the
future is refused (both as `PeriodDatesForm.so_far` does for 热点议题 too), and the grouping's
message names the choices as the list does."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from gongzhi.cases.forms.filing import MetricsFilterForm
from gongzhi.cases.metrics import Grouping
from gongzhi.cases.periods import matching_preset_so_far


class MetricsPeriodForm(MetricsFilterForm):
    group = forms.ChoiceField(
        label=gettext_lazy("分组"),
        choices=Grouping.choices,
        required=False,
        error_messages={"invalid_choice": gettext_lazy("请选择按小区、社区或承办单位分组")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors or "range" not in data:
            return data
        period = self.so_far(data["range"], self.today)
        data["range"] = period
        data["period"] = matching_preset_so_far(period, self.today)
        self.data["start"], self.data["end"] = period.first.isoformat(), period.last.isoformat()
        return data
