"""The part of a filing form (我要反映, 登记诉求) that keeps its photos across a refusal: the
token of the photos kept server-side (`gongzhi.cases.pending_uploads`), the boxes that remove
them, and the nine-photo limit counted over the kept and the newly chosen together."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.forms.fields import FILES_NOT_KEPT, MAX_PHOTOS, StyledForm
from gongzhi.cases.pending_uploads import PendingUpload, kept_batch
from gongzhi.core.parsing import parse_id


class KeptPhotosForm(StyledForm):
    """A filing form whose valid photos outlive a refusal: the re-shown form carries the token
    of the photos kept server-side (`gongzhi.cases.pending_uploads`) and shows them, each with
    a box to remove it; filing takes them with the newly chosen ones, nine in all."""

    kept_token = forms.CharField(required=False, max_length=400, widget=forms.HiddenInput)
    max_photos = MAX_PHOTOS

    def __init__(self, *args: Any, owner: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.kept_batch: str | None = None  # the verified token's batch key
        self.kept: list[PendingUpload] = []  # its photos, less those ticked for removal
        self.kept_removed: list[int] = []
        self.token_refused = False  # a changed or foreign token: nothing is kept or filed
        self.photos_kept = False  # set by the view once the valid photos are kept again

    def _removals(self) -> list[int]:
        ids = self.data.getlist("kept_remove") if hasattr(self.data, "getlist") else []
        return [pk for pk in (parse_id(v) for v in ids) if pk is not None]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        token = (data.get("kept_token") or "").strip()
        if token and self.owner is not None:
            try:
                batch = kept_batch(self.owner, token)
            except ValidationError as exc:
                self.token_refused = exc.code == "bad_token"
                self.add_error(None, exc)
                return data
            self.kept_batch = batch.key
            self.kept_removed = self._removals()
            self.kept = [item for item in batch.items if item.pk not in self.kept_removed]
        new = len(data.get("photos") or [])
        if self.kept and len(self.kept) + new > MAX_PHOTOS:
            message = _(
                "最多上传 %(n)d 张照片：已保留 %(kept)d 张，又选了 %(new)d 张，"
                "请移除或少选 %(over)d 张"
            )
            counts = {"kept": len(self.kept), "new": new, "over": len(self.kept) + new - MAX_PHOTOS}
            self.add_error("photos", message % {"n": MAX_PHOTOS, **counts})
        return data

    def show_kept(self, token: str, items: list[PendingUpload]) -> None:
        """After a refusal: the form comes back holding these kept photos and their token."""
        self.data = self.data.copy()
        self.data["kept_token"] = token
        self.data.setlist("kept_remove", [])
        self.kept = items
        self.photos_kept = True

    def error_summary(self) -> list[dict[str, str]]:
        items = super().error_summary()
        if self.photos_kept:  # the chosen photos were kept: nothing to choose again
            items = [item for item in items if item["message"] != str(FILES_NOT_KEPT)]
        return items
