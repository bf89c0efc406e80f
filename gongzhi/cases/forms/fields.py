"""Shared form pieces: Bootstrap styling, multiple-file upload, upload limits."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

MAX_CONTENT = 5000
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 9
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")
PHOTO_TOO_BIG = "每张照片不能超过 5 MB"


class Styled:
    """Bootstrap classes on every widget, so templates render `{{ field }}` as is."""

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


class StyledForm(Styled, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each checked for size here, for content by the service."""

    def __init__(self, *args: Any, image_only: bool = False, **kwargs: Any) -> None:
        self.image_only = image_only
        accept = "image/*" if image_only else "image/*,application/pdf"
        widget = MultipleFileInput(
            attrs={
                "accept": accept,
                "data-max-bytes": MAX_PHOTO_BYTES,
                "data-too-big-message": PHOTO_TOO_BIG,
            }
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, widget=widget, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(f"最多上传 {MAX_PHOTOS} 个文件")
        if self.required and not files:
            raise ValidationError(self.error_messages["required"])
        for file in files:
            if file.size > MAX_PHOTO_BYTES:
                raise ValidationError(f"「{file.name}」超过 5 MB")
            if self.image_only and not file.name.lower().endswith(IMAGE_SUFFIXES):
                raise ValidationError(f"「{file.name}」不是图片，仅支持 JPG、PNG、GIF、WebP")
        return files


def title_from(content: str) -> str:
    """A resident may leave the title empty: the first line of the content stands in."""
    first = content.strip().splitlines()[0] if content.strip() else ""
    return first[:30] + ("…" if len(first) > 30 else "")
