"""The preferences form: shape only; `services.preference_update` checks meaning."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import NotificationPreference
from gongzhi.core.notifications.kinds import kinds_for

_TIME_ERRORS = {
    "required": _("请填写时间。"),
    "invalid": _("请输入有效的时间，例如 22:00。"),
}


class PreferenceForm(forms.Form):
    email_enabled = forms.BooleanField(label=_("邮件通知"), required=False)
    sms_enabled = forms.BooleanField(label=_("短信通知"), required=False)
    # Not required: a form posted without it (an old page) keeps the stored choice.
    language = forms.ChoiceField(
        label=_("邮件和短信语言"),
        help_text=_("邮件和短信使用所选语言；站内通知跟随页面语言。"),
        choices=NotificationPreference.LANGUAGES,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("请选择简体中文或 English。")},
    )
    # Ticked: also by email and text message. Stored the other way round, as the kinds that
    # stay in the inbox (`muted_kinds`), so that a kind added later is sent until muted.
    sent_kinds = forms.MultipleChoiceField(
        label=_("以下类型也发邮件和短信给我"),
        help_text=_("打勾的类型会同时发邮件和短信；不打勾的只在站内“我的通知”里提醒。"),
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
    # What `notices.urgent_for` makes urgent, in the reader's words.
    urgent_bypasses_quiet_hours = forms.BooleanField(
        label=_("以下紧急事项在免打扰时段也立即通知我"),
        help_text=_(
            "诉求升级、疑似紧急诉求、紧急或特急诉求的通知；等到时段结束就会错过时限的事项"
            "（如夜间交办、须在 15 分钟内签收的诉求，当晚到期的办理期限）；"
            "按小时计时的类别（如物业类、紧急类）的新诉求和研判、签收、交办超时。"
            "其余通知（如一般督办）在时段结束后发送。"
        ),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        staff: bool = False,
        muted: list[str] | None = None,
        email: bool = True,
        phone: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # A resident sees only the kinds they may receive, not the staff's 研判超时 and the like.
        choices = list(kinds_for(staff=staff).items())
        self.fields["sent_kinds"].choices = choices
        self._muted = list(muted or [])
        self.initial.setdefault(
            "sent_kinds", [key for key, _label in choices if key not in self._muted]
        )
        if not staff:  # the urgent exception applies to staff only (quiet_hours.py)
            del self.fields["urgent_bypasses_quiet_hours"]
        # No address on file: the box cannot be ticked (`preference_update` refuses it too).
        for name, present, hint in (
            ("email_enabled", email, _("账户登记电子邮箱后才能开启。")),
            ("sms_enabled", phone, _("账户登记手机号后才能开启。")),
        ):
            if not present:
                self.fields[name].widget.attrs["disabled"] = True
                self.fields[name].help_text = hint

    def error_summary(self) -> list[dict[str, str]]:
        """The field errors listed above the form (templates/_error_summary.html), each with the
        id to go to: a group of boxes (语言, 类型) has no id of its own, so its first box."""
        items = []
        for bound in self:
            target = bound.id_for_label or (f"{bound.auto_id}_0" if bound.auto_id else "")
            label = str(bound.label or "")
            items += [{"id": target, "label": label, "message": str(e)} for e in bound.errors]
        return items

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("language"):
            cleaned.pop("language", None)  # not posted: unchanged
        if "sent_kinds" in cleaned:
            offered = [key for key, _label in self.fields["sent_kinds"].choices]
            sent = set(cleaned.pop("sent_kinds"))
            # Unticked kinds are muted; a muted kind this user is not offered stays muted.
            cleaned["muted_kinds"] = [k for k in offered if k not in sent] + [
                k for k in self._muted if k not in offered
            ]
        return cleaned
