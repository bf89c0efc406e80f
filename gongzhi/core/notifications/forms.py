"""The preferences form: shape only; `services.preference_update` checks meaning."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.notifications.kinds import kinds_for

_TIME_ERRORS = {
    "required": _("请填写时间。"),
    "invalid": _("请输入有效的时间，例如 22:00。"),
}


class PreferenceForm(forms.Form):
    email_enabled = forms.BooleanField(label=_("邮件通知"), required=False)
    sms_enabled = forms.BooleanField(label=_("短信通知"), required=False)
    muted_kinds = forms.MultipleChoiceField(
        label=_("以下类型只在站内提醒，不发邮件和短信"),
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"invalid_choice": _("未知的通知类型：%(value)s")},
    )
    quiet_hours_enabled = forms.BooleanField(label=_("启用免打扰时段"), required=False)
    quiet_start = forms.TimeField(
        label=_("免打扰开始"),
        input_formats=["%H:%M", "%H:%M:%S"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages=_TIME_ERRORS,
    )
    quiet_end = forms.TimeField(
        label=_("免打扰结束"),
        input_formats=["%H:%M", "%H:%M:%S"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages=_TIME_ERRORS,
    )
    urgent_bypasses_quiet_hours = forms.BooleanField(
        label=_("紧急事项（如诉求升级）在免打扰时段也立即通知我"), required=False
    )

    def __init__(self, *args: Any, staff: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A resident sees only the kinds they may receive, not the staff's 研判超时 and the like.
        self.fields["muted_kinds"].choices = list(kinds_for(staff=staff).items())
        if not staff:  # the urgent exception applies to staff only (quiet_hours.py)
            del self.fields["urgent_bypasses_quiet_hours"]
