"""Forms of the street's settings (设置): shape only; `services.configuration` checks meaning."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.choices import Category, Level
from gongzhi.cases.forms.fields import StyledForm
from gongzhi.cases.models import SlaPolicy
from gongzhi.org.models import Compound, PropertyCompany


def _count(label: str, help_text: str = "", required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        required=required,
        # No min_value: the service's range check ("应在 1 到 8784 之间") is the one message.
        error_messages={"required": _("请填写此项"), "invalid": _("请填写整数")},
    )


class SlaPolicyForm(StyledForm):
    name = forms.CharField(label=_("名称"), max_length=50)
    respond_minutes = _count(_("响应（签收）时限，分钟"), _("交办后须在此时间内签收"))
    clock = forms.ChoiceField(
        label=_("处置时限的计时方式"),
        choices=[
            (SlaPolicy.Clock.HOURS, _("自然小时（7×24，节假日照常计时）")),
            (SlaPolicy.Clock.WORKING_DAYS, _("工作日（不含交办当日，至第 N 个工作日 23:59:59）")),
        ],
        widget=forms.RadioSelect,
    )
    resolve_hours = _count(_("处置时限，小时"), _("按自然小时计时时填写"), required=False)
    resolve_working_days = _count(_("处置时限，工作日"), _("按工作日计时时填写"), required=False)
    escalation_hours = _count(
        _("超时升级后，上一级的处置时限（小时）"), _("按自然小时计时时填写"), required=False
    )
    escalation_working_days = _count(
        _("超时升级后，上一级的处置时限（工作日）"),
        _("按工作日计时时填写：不含升级当日，至第 N 个工作日 23:59:59，节假日和调休按工作日历"),
        required=False,
    )
    warn_percent = _count(_("到期预警：剩余时间不足时限的百分之几时提醒"))
    max_extensions = _count(_("最多可延期次数"))
    extension_days = _count(_("每次最多延期天数（自然日）"))
    auto_close_days = _count(_("处置后居民未评价，几天后自动办结"))
    source = forms.CharField(label=_("依据"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("name", "source"):
            self.fields[name].error_messages["required"] = _("请填写此项")
            self.fields[name].error_messages["max_length"] = _("不能超过 %(limit_value)d 个字")


class RoutingRuleForm(StyledForm):
    compound = forms.ModelChoiceField(
        label=_("适用小区"),
        queryset=Compound.objects.none(),
        required=False,
        empty_label=_("全街道默认（小区未单独设置时适用）"),
    )
    category = forms.ChoiceField(label=_("诉求类别"), choices=Category.choices)
    level = forms.ChoiceField(label=_("派往"), choices=Level.choices)
    company = forms.ModelChoiceField(
        label=_("物业企业"),
        queryset=PropertyCompany.objects.order_by("name"),
        required=False,
        empty_label=_("该小区当前的物业企业"),
        help_text=_("仅派往小区时选择；不选则由小区当前签约的物业企业承办"),
    )
    department = forms.CharField(
        label=_("职能部门"),
        max_length=60,
        required=False,
        help_text=_("仅派往职能部门时填写，例如“区城管执法局”"),
    )

    def __init__(self, *args: Any, compounds: Any, street_wide: bool, **kwargs: Any) -> None:
        """`street_wide`: whether the user may set the defaults every street shares."""
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = compounds
        if not street_wide:
            self.fields["compound"].required = True
            self.fields["compound"].empty_label = _("请选择小区")
            self.fields["compound"].error_messages["required"] = _("请选择小区")
        self.fields["compound"].error_messages["invalid_choice"] = _("请选择您管辖范围内的小区")
        self.fields["company"].error_messages["invalid_choice"] = _("请选择物业企业")
        self.fields["department"].error_messages["max_length"] = _("不能超过 60 个字")
        for name in ("category", "level"):
            self.fields[name].error_messages["required"] = _("请选择此项")


class CalendarOverrideForm(StyledForm):
    date = forms.DateField(
        label=_("日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("请选择日期"), "invalid": _("日期格式应为 2027-01-01")},
    )
    is_workday = forms.TypedChoiceField(
        label=_("这一天"),
        choices=[("0", _("休息（放假）")), ("1", _("上班（调休上班日）"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择上班或休息")},
    )
    note = forms.CharField(
        label=_("依据"),
        max_length=200,
        help_text=_("例如“国务院办公厅关于2027年部分节假日安排的通知：元旦”"),
        error_messages={"required": _("请写明依据"), "max_length": _("不能超过 200 个字")},
    )
