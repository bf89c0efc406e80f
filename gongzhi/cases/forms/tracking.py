"""进度查询 at /track/: a case number and the phone given at filing (shape only; whether they
match is the selector's answer, the same for every mismatch)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.forms.fields import StyledForm
from gongzhi.cases.tracking import normalise_number, phone_digits


class TrackLookupForm(StyledForm):
    number = forms.CharField(
        label=_("诉求编号"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "placeholder": "NH202611290001",
                "autocomplete": "off",
                "autocapitalize": "characters",
            }
        ),
        error_messages={"required": _("请填写诉求编号")},
    )
    phone = forms.CharField(
        label=_("受理时登记的手机号码"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
        error_messages={"required": _("请填写手机号码")},
    )

    def clean_number(self) -> str:
        number = normalise_number(self.cleaned_data["number"])
        if not number:
            raise ValidationError(_("诉求编号格式不正确，应为回执上的“NH”加数字"))
        return number

    def clean_phone(self) -> str:
        digits = phone_digits(self.cleaned_data["phone"])
        if len(digits) != 11:
            raise ValidationError(_("请填写完整的 11 位手机号码"))
        return digits
