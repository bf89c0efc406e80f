"""The metrics page's choice (办理指标) as the page needs it, on top of `MetricsFilterForm`:
periods end today while they run (本月 on 2 December is 12月1日—12月2日, as on the dashboard and
the monthly report, in the heading, the Excel title and the file name), a period wholly in the
future is refused, a date that does not exist (2026-02-30) is called that rather than
mis-shaped, and the grouping's message names the choices as the list does."""

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.cases.forms.filing import MetricsFilterForm
from gongzhi.cases.metrics import Grouping
from gongzhi.cases.periods import matching_preset_so_far, so_far

_DATE_SHAPE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


class DayField(forms.DateField):
    """A date as 2026-11-01; one of that shape that is no day of the calendar (2026-02-30)
    gets its own message ("no_such_day"), not "use this format"."""

    def to_python(self, value: Any) -> dt.date | None:
        try:
            return super().to_python(value)
        except ValidationError:
            text = value.strip() if isinstance(value, str) else ""
            if _DATE_SHAPE.match(text):
                raise ValidationError(
                    self.error_messages["no_such_day"], code="no_such_day", params={"value": text}
                ) from None
            raise


class MetricsPeriodForm(MetricsFilterForm):
    start = DayField(
        label=gettext_lazy("开始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "invalid": gettext_lazy("开始日期无效，请按“2026-11-01”的格式填写"),
            "no_such_day": gettext_lazy("开始日期无效：没有“%(value)s”这一天，请检查月份和日期"),
        },
    )
    end = DayField(
        label=gettext_lazy("结束日期（含）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "invalid": gettext_lazy("结束日期无效，请按“2026-11-30”的格式填写"),
            "no_such_day": gettext_lazy("结束日期无效：没有“%(value)s”这一天，请检查月份和日期"),
        },
    )
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
        chosen = data["range"]
        if chosen.first > self.today:
            raise ValidationError(
                _("所选期间（%(period)s）还没有到，请选择今天（%(today)s）及以前的日期"),
                params={"period": chosen.label, "today": self.today.isoformat()},
            )
        period = so_far(chosen, self.today)
        data["range"] = period
        data["period"] = matching_preset_so_far(period, self.today)
        self.data["start"], self.data["end"] = period.first.isoformat(), period.last.isoformat()
        return data
