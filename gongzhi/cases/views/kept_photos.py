"""The photos of a refused filing form (我要反映, 登记诉求), kept instead of lost: a browser
never refills a file input, so the server keeps the valid ones and the form shows them again
(gongzhi/cases/pending_uploads.py says how, and for how long)."""

from types import SimpleNamespace
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.cases import attachments
from gongzhi.cases.forms.kept_photos import KeptPhotosForm
from gongzhi.cases.models import Case
from gongzhi.cases.pending_uploads import kept_upload_get
from gongzhi.cases.services.pending_uploads import case_file_with_kept, pending_keep

# Over the filing limit the newly chosen photos are not checked nor kept (that work is what the
# limit spares the server); those kept before stay, and this is said beside them.
NEW_PHOTOS_NOT_KEPT = gettext_noop(
    "提交过于频繁，刚才新选的照片没有保存，请稍后重新选择后再提交（已保留的照片仍在）。"
)


def file_with_kept(request: HttpRequest, form: KeptPhotosForm, **details: Any) -> Case:
    """`case_file` for a valid form, with the photos it kept from an earlier refusal."""
    return case_file_with_kept(actor=request.user, batch=form.kept_batch, kept=form.kept, **details)


def keep_refused_photos(request: HttpRequest, form: KeptPhotosForm, *, images_only: bool) -> None:
    """The form is refused: keep its valid photos with those it already kept (less the ones
    ticked for removal), and show them. A changed or foreign token keeps nothing."""
    if form.token_refused:
        return
    files = request.FILES.getlist("photos")
    if not files and form.kept_batch is None:
        return
    kept = pending_keep(
        actor=request.user,
        batch=form.kept_batch,
        remove=form.kept_removed,
        files=files,
        images_only=images_only,
    )
    if not form.has_error("photos"):  # the field names the first bad file itself
        for name, why in kept.refused:
            form.add_error("photos", _("「%(name)s」：%(why)s") % {"name": name, "why": why})
    form.show_kept(kept.token, kept.items)


def reshow_kept_photos(request: HttpRequest, form: KeptPhotosForm) -> None:
    """Over the filing limit: the form shows again the photos its token names (kept another
    KEEP_FOR, less those ticked for removal) and keeps none of the newly chosen: no upload is
    decoded, re-encoded or made a thumbnail of while the limit refuses the form."""
    if form.kept_batch is None:  # no batch yet: the field says its files were not kept
        return
    kept = pending_keep(actor=request.user, batch=form.kept_batch, remove=form.kept_removed)
    form.show_kept(kept.token, kept.items)
    if request.FILES.getlist("photos"):
        form.add_error("photos", _(NEW_PHOTOS_NOT_KEPT))


@login_required
def kept_photo(request: HttpRequest, pk: int) -> FileResponse:
    """A kept photo's thumbnail, only to the account that chose it (404 for anyone else)."""
    item = kept_upload_get(request.user, pk)
    if item.thumbnail:  # a PDF has none: served as it is, as a download
        item = SimpleNamespace(content_type="image/jpeg", file=item.thumbnail)
    response = attachments.download(item, "photo")
    response["Cache-Control"] = "private, no-store"
    return response
