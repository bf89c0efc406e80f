"""Shared form pieces: Bootstrap styling, multiple-file upload, upload limits, text fields
whose errors name them (Django's own too-long message reads badly in Chinese)."""

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.cases import attachments
from gongzhi.cases.periods import EARLIEST, LATEST, Period, so_far
from gongzhi.cases.texts import has_words, too_long_message_lazy

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 9
# Said by the phone before the form is sent (static/js/cases.js), "%(name)s" filled in there.
FILE_TOO_BIG = _("「%(name)s」超过 5 MB")
NOT_A_PHOTO = _("「%(name)s」不是图片，仅支持 JPG、PNG、GIF、WebP")
NOT_AN_UPLOAD = _("「%(name)s」不是图片或 PDF，仅支持 JPG、PNG、GIF、WebP 图片或 PDF 文件")
HEIC_REFUSED = _(
    "「%(name)s」：暂不支持 HEIC 格式，请在手机相机设置中选择“兼容性最佳”，或改为 JPG 后上传"
)
PHOTOS_DROPPED = _("以上照片未选入，已选的其他照片保留，可直接提交。")
FILES_DROPPED = _("以上文件未选入，已选的其他文件保留，可直接提交。")
TOO_MANY_PHOTOS = _("最多上传 %(n)d 张照片")
TOO_MANY_FILES = _("最多上传 %(n)d 张照片或文件")


def formatted_lazy(message: Any, **params: Any) -> Any:
    """`message % params`, translated when it is shown (a lazy message's `%` is not lazy)."""
    return lazy(lambda: str(message) % params, str)()


# Said beside a file field (and in the error summary) when a refused form asks for its files
# again: a browser never keeps a chosen file across a page load.
FILES_NOT_KEPT = _("表单有误，刚才选择的文件没有保存：改正后请重新选择。")


class StyledBoundField(forms.BoundField):
    """A field with errors is marked `is-invalid` (Bootstrap's red border), whether its errors
    are the form's own or a service's added after validation: marked as it is drawn."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if self.errors and not widget.is_hidden:
            # These attrs replace the widget's own: keep its classes.
            css = attrs.get("class", widget.attrs.get("class", ""))
            attrs["class"] = f"{css} is-invalid".strip()
        return attrs


class Styled:
    """Bootstrap classes on every widget, so templates render `{{ field }}` as is."""

    bound_field_class = StyledBoundField

    def error_summary(self) -> list[dict[str, str]]:
        """The field errors listed above the form (cases/_fields.html), in the fields' order,
        each with the id of the input to go to ("" for a hidden field, which has none), and
        the reminder to choose again the files a refused form did not keep."""
        form: Any = self
        items = []
        for bound in form:
            target = "" if bound.is_hidden else bound.id_for_label or _first_choice_id(bound)
            label = "" if bound.is_hidden else str(bound.label or "")
            items += [{"id": target, "label": label, "message": str(e)} for e in bound.errors]
            if (
                form.errors
                and bound.widget_type == "multiplefile"
                and bound.html_name in form.files
            ):
                items.append({"id": target, "label": label, "message": str(FILES_NOT_KEPT)})
        return items

    def style_fields(self) -> None:
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            elif isinstance(widget, forms.HiddenInput | forms.CheckboxSelectMultiple):
                continue
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def _first_choice_id(bound: forms.BoundField) -> str:
    """A radio group's label points at no input: go to its first choice (Django's id)."""
    return f"{bound.auto_id}_0" if bound.auto_id and bound.field.widget.use_fieldset else ""


def _attrs(attrs: dict[str, Any]) -> str:
    """HTML attributes in their order, as django/forms/widgets/attrs.html writes them."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class QuickSelect(forms.Select):
    """A <select> written in Python, the same markup as Django's: Django renders every option
    through two templates, which on the work queue's filter boxes (some 60 options on each
    page view) cost more than the page's database reads."""

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> str:
        widget = self.get_context(name, value, attrs)["widget"]
        options = []
        for group_name, group_choices, _index in widget["optgroups"]:
            items = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((o["value"], _attrs(o["attrs"]), o["label"]) for o in group_choices),
            )
            options.append(
                format_html('<optgroup label="{}">{}</optgroup>', group_name, items)
                if group_name
                else items
            )
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            _attrs(widget["attrs"]),
            mark_safe("".join(options)),  # noqa: S308 - each piece escaped by format_html
        )


class StyledForm(Styled, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


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


class PeriodDatesForm(StyledForm):
    """The two dates of a chosen period (办理指标, 热点议题): the end day included. Subclasses
    add their quick choices and set `field_order`, and turn the chosen days into the days
    looked at with `so_far`, so that both pages refuse and cut a period alike."""

    start = DayField(
        label=_("开始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "invalid": _("开始日期无效，请按“2026-11-01”的格式填写"),
            "no_such_day": _("开始日期无效：没有“%(value)s”这一天，请检查月份和日期"),
        },
    )
    end = DayField(
        label=_("结束日期（含）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "invalid": _("结束日期无效，请按“2026-11-30”的格式填写"),
            "no_such_day": _("结束日期无效：没有“%(value)s”这一天，请检查月份和日期"),
        },
    )

    @staticmethod
    def chosen_dates(data: dict[str, Any]) -> Period:
        """The custom period typed in: both days, within the calendar the pages know, in order."""
        start, end = data.get("start"), data.get("end")
        if not start or not end:
            raise ValidationError(gettext("自定义期间须填写开始日期和结束日期"))
        if not (EARLIEST <= start <= LATEST and EARLIEST <= end <= LATEST):
            raise ValidationError(gettext("日期须在2000年1月1日至2099年12月31日之间"))
        if end < start:
            raise ValidationError(gettext("结束日期不能早于开始日期"))
        return Period(start, end)

    @staticmethod
    def so_far(chosen: Period, today: dt.date) -> Period:
        """The chosen days up to today (本月 on 2 December is 12月1日—12月2日); a period wholly
        in the future is refused, rather than shown empty without a word."""
        if chosen.first > today:
            raise ValidationError(
                gettext("所选期间（%(period)s）还没有到，请选择今天（%(today)s）及以前的日期"),
                params={"period": chosen.label, "today": today.isoformat()},
            )
        return so_far(chosen, today)


class Textarea(forms.Textarea):
    """A textarea whose line breaks count once: browsers count one character per line break
    but send two (CR LF), so a text that fitted was refused.

    Its limit is `data-maxlength`, not `maxlength`: a browser cuts a pasted text at `maxlength`
    without a word, and a resident loses the end of a long complaint, often the demand itself.
    The counter (static/js/gongzhi.js) shows how much is over; the form refuses it in words and
    gives the whole text back to shorten."""

    def build_attrs(self, base_attrs: Any, extra_attrs: Any = None) -> dict[str, Any]:
        attrs = super().build_attrs(base_attrs, extra_attrs)
        if "maxlength" in attrs:
            attrs["data-maxlength"] = attrs.pop("maxlength")
        return attrs

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = super().value_from_datadict(data, files, name)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each checked for size here, and for what its first bytes
    prove (never its name: an iPhone may call a JPEG "photo.HEIC"); by content again by the
    service. The phone checks the same before sending (static/js/cases.js, by the data-
    attributes), so that a wrong file is never sent over mobile data."""

    def __init__(self, *args: Any, image_only: bool = False, **kwargs: Any) -> None:
        self.image_only = image_only
        accept = "image/*" if image_only else "image/*,application/pdf"
        widget = MultipleFileInput(
            attrs={
                "accept": accept,
                "data-max-bytes": MAX_PHOTO_BYTES,
                "data-max-files": MAX_PHOTOS,
                "data-images-only": "1" if image_only else "0",
                "data-too-big-message": FILE_TOO_BIG,
                "data-not-allowed-message": NOT_A_PHOTO if image_only else NOT_AN_UPLOAD,
                "data-heic-message": HEIC_REFUSED,
                "data-dropped-message": PHOTOS_DROPPED if image_only else FILES_DROPPED,
            }
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, widget=widget, **kwargs)

    def too_many_message(self) -> Any:
        """Lazy: put in the widget's attrs once, at import; said in the reader's language."""
        return formatted_lazy(TOO_MANY_PHOTOS if self.image_only else TOO_MANY_FILES, n=MAX_PHOTOS)

    def widget_attrs(self, widget: Any) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "data-too-many-message": self.too_many_message()}

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(self.too_many_message())
        if self.required and not files:
            raise ValidationError(self.error_messages["required"])
        for file in files:
            if file.size > MAX_PHOTO_BYTES:
                raise ValidationError(FILE_TOO_BIG % {"name": file.name})
            if self.image_only:
                self._check_is_image(file)
        return files

    @staticmethod
    def _check_is_image(file: Any) -> None:
        file.seek(0)
        head = file.read(16)
        file.seek(0)
        if attachments.sniff(head) in attachments.IMAGE_FORMATS:
            return
        message = HEIC_REFUSED if attachments.is_heif(head) else NOT_A_PHOTO
        raise ValidationError(message % {"name": file.name})


def words_required(message: str) -> Any:
    """A validator: the text has a letter, digit or Chinese character, not only "😡"."""

    def validate(value: str) -> None:
        if value and not has_words(value):
            raise ValidationError(message, code="no_words")

    return validate


def text_field(label: str, name: Any, max_length: int, **kwargs: Any) -> forms.CharField:
    """A text field whose too-long message names it ("备注不能超过 500 字"); `name` is the
    label's short form, lazily translated."""
    messages = {"max_length": too_long_message_lazy(name, max_length)}
    messages.update(kwargs.pop("error_messages", {}))
    return forms.CharField(label=label, max_length=max_length, error_messages=messages, **kwargs)
