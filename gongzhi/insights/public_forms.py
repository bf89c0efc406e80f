"""The choices of the public pages (透明小区): a month of a street's figures, and the filters of
its published cases. Anyone may send anything here: what is not offered is refused with a
message in Chinese and shows nothing."""

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.cases.choices import Category
from gongzhi.cases.forms.fields import StyledForm
from gongzhi.cases.periods import local_today
from gongzhi.cases.public_selectors import State
from gongzhi.insights.forms import Month, parse_month
from gongzhi.insights.public import MONTHS_SHOWN, public_months
from gongzhi.org.grant_labels import community_label
from gongzhi.org.models import Community, Street


class PublicMonthForm(StyledForm):
    """Always bound (to the query string): nothing chosen means last month."""

    month = forms.CharField(label=gettext_lazy("月份"), required=False, widget=forms.Select)

    def __init__(self, data: Any, *, today: dt.date | None = None) -> None:
        super().__init__(data or {})
        self.months = public_months(today or local_today())
        self.fields["month"].widget.choices = [(m.value, m.label) for m in self.months]

    def clean_month(self) -> Month:
        raw = (self.cleaned_data.get("month") or "").strip()
        if not raw:
            return self.months[1]
        month = parse_month(raw)
        if month is None or month not in self.months:
            raise ValidationError(
                _("只能查看%(first)s至%(last)s的数据（本月及此前 %(n)d 个月），请从列表中选择"),
                params={
                    "first": self.months[-1].label,
                    "last": self.months[0].label,
                    "n": MONTHS_SHOWN,
                },
            )
        return month

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors:  # the list shows the month the figures are of, the default too
            self.data = self.data.copy()
            self.data["month"] = data["month"].value
        return data

    def chosen(self) -> Month | None:
        return self.cleaned_data["month"] if self.is_valid() else None


class PublicCaseFilterForm(StyledForm):
    community = forms.TypedChoiceField(
        label=gettext_lazy("社区"), coerce=int, required=False, empty_value=None
    )
    category = forms.ChoiceField(label=gettext_lazy("类别"), required=False)
    state = forms.ChoiceField(
        label=gettext_lazy("办理状态"),
        required=False,
        choices=[
            (State.ALL, gettext_lazy("全部状态")),
            (State.IN_PROGRESS, gettext_lazy("办理中")),
            (State.CLOSED, gettext_lazy("已办结")),
        ],
    )

    def __init__(self, data: Any, *, street: Street) -> None:
        super().__init__(data or {})
        communities = Community.objects.filter(street=street).order_by("id")
        self.fields["community"].choices = [
            ("", _("全部社区")),
            *((c.pk, community_label(c.name)) for c in communities),
        ]
        self.fields["category"].choices = [("", _("全部类别")), *Category.choices]
        for field in self.fields.values():  # one row without visible labels
            field.widget.attrs.setdefault("aria-label", str(field.label))

    def filters(self) -> dict[str, Any] | None:
        """The list's filters, or None when one is not a choice offered."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        return {
            "community_id": data["community"],
            "category": data["category"],
            "state": data["state"],
        }
