"""Writes of the photos kept for a refused filing form (see `gongzhi.cases.pending_uploads`):
keep the valid ones, file them with the case, and remove what is old.

Each is atomic; a stored file is removed once the rows that name it are gone for good (after
the commit), and a file written by a transaction that then fails is removed at once.
"""

import datetime as dt
import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from gongzhi.cases.attachments import (
    IMAGE_FORMATS,
    CheckedContent,
    checked_content,
    stored_name,
)
from gongzhi.cases.forms.fields import MAX_PHOTOS
from gongzhi.cases.models import Case
from gongzhi.cases.pending_uploads import (
    GONE,
    KEEP_FOR,
    PendingUpload,
    new_batch_key,
    sign,
)
from gongzhi.cases.services.intake import case_file

logger = logging.getLogger(__name__)

# `case_file`'s body in the transaction of `case_file_with_kept`, without a savepoint of its
# own (a SAVEPOINT and a RELEASE a filing): a refusal propagates through ours, which nothing
# here catches, and rolls it back whole (outermost: all of it; nested: to our savepoint).
_case_file_in_ours = transaction.atomic(savepoint=False)(case_file.__wrapped__)

# A batch holds what one refused form had: up to nine kept and nine newly chosen.
MAX_KEPT = 2 * MAX_PHOTOS
# An account keeps the batches of a few forms at once (a second tab; a desk registering two
# residents), the newest first, within a bound on its files: the oldest go beyond either.
MAX_BATCHES = 5
MAX_FILES_PER_OWNER = 4 * MAX_PHOTOS
THUMB_SIDE = 176  # pixels: the form shows 88 CSS pixels, sharp on a 2× phone screen
# Old rows removed by each write, so a quiet site without the scheduler still empties itself.
CLEAN_ON_WRITE = 50


@dataclass
class Kept:
    """The batch after a refused form: its token, its photos, the chosen files not kept."""

    token: str
    items: list[PendingUpload]
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file name, why)


def _delete_files_after_commit(names: list[str]) -> None:
    def delete() -> None:
        for name in names:
            try:
                PendingUpload.file.field.storage.delete(name)
            except OSError:  # already gone, or the disk refuses: the sweep is not blocked
                logger.warning("could not delete kept upload %s", name)

    if names:
        transaction.on_commit(delete)


def _delete_rows(rows: Iterable[PendingUpload]) -> int:
    rows = list(rows)
    PendingUpload.objects.filter(pk__in=[row.pk for row in rows]).delete()
    _delete_files_after_commit(
        [stored.name for row in rows for stored in (row.file, row.thumbnail) if stored]
    )
    return len(rows)


# Modes Pillow resizes smoothly as they are; the others (a palette, 1-bit, 16-bit) only by
# nearest pixel, as is a colour keyed transparent if its edges are to stay transparent.
_SMOOTH_MODES = frozenset({"L", "LA", "RGB", "RGBA", "CMYK"})


def thumbnail(content_type: str, content: bytes) -> bytes | None:
    """A JPEG of at most THUMB_SIDE pixels a side (an animation's first frame, transparency on
    white), or None for a PDF. `content` has passed `checked_content`: its size is sane.

    Made small before it is converted: a 48-megapixel photo in RGBA is some 200 MB and a pass
    over every pixel, for an 88-pixel preview."""
    if content_type not in IMAGE_FORMATS:
        return None
    side = (THUMB_SIDE, THUMB_SIDE)
    with Image.open(io.BytesIO(content)) as image:
        if image.mode in _SMOOTH_MODES and "transparency" not in image.info:
            image.thumbnail(side)  # a JPEG decodes at a fraction (draft), the rest is reduced
            small = image.convert("RGBA")
        else:
            image.thumbnail((4 * THUMB_SIDE, 4 * THUMB_SIDE), Image.Resampling.NEAREST)
            small = image.convert("RGBA")
            small.thumbnail(side)
    flat = Image.new("RGB", small.size, (255, 255, 255))
    flat.paste(small, mask=small.getchannel("A"))
    out = io.BytesIO()
    flat.save(out, "JPEG", quality=80)
    return out.getvalue()


def _remove_expired(now: dt.datetime, limit: int | None = None) -> int:
    old = PendingUpload.objects.filter(kept_at__lt=now - KEEP_FOR).order_by("kept_at")
    return _delete_rows(old[:limit] if limit else old)


def pending_keep(
    *,
    actor: Any,
    batch: str | None,
    remove: Iterable[int] = (),
    files: Iterable[Any] = (),
    images_only: bool = True,
) -> Kept:
    """Keep the valid `files` of a refused form with the photos of `batch` (a verified token's
    key, or None for a new one) except those in `remove`; a file that is not a valid photo is
    left out and named in `refused`. The batch's photos are kept another KEEP_FOR from now.
    The account's other batches stay (other forms open at once), but for the oldest beyond
    MAX_BATCHES batches or MAX_FILES_PER_OWNER files."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    written: list[str] = []
    try:
        with transaction.atomic():
            return _keep(actor, batch, set(remove), list(files), images_only, written)
    except BaseException:
        storage = PendingUpload.file.field.storage
        for name in written:  # rolled back: no row names them any more
            storage.delete(name)
        raise


def _keep(
    actor: Any,
    batch: str | None,
    remove: set[int],
    files: list[Any],
    images_only: bool,
    written: list[str],
) -> Kept:
    now = timezone.now()
    _remove_expired(now, CLEAN_ON_WRITE)
    # The account's rows, locked: a keep or filing from another tab that touches them waits.
    mine = list(PendingUpload.objects.select_for_update().filter(owner=actor))
    if batch is None:
        batch = new_batch_key()
    ours = [row for row in mine if row.batch == batch]
    _delete_rows(row for row in ours if row.pk in remove)
    items = [row for row in ours if row.pk not in remove]
    refused = []
    for upload in files[:MAX_PHOTOS]:  # the form refuses more than nine in one choice
        if len(items) >= MAX_KEPT:
            break
        try:
            content_type, content = checked_content(upload, images_only=images_only)
        except ValidationError as exc:
            refused.append((getattr(upload, "name", ""), "；".join(exc.messages)))
            continue
        item = PendingUpload(
            owner=actor, batch=batch, content_type=content_type, size=len(content), kept_at=now
        )
        item.file.save(stored_name(content_type), ContentFile(content), save=False)
        written.append(item.file.name)
        if (small := thumbnail(content_type, content)) is not None:
            item.thumbnail.save(stored_name("image/jpeg"), ContentFile(small), save=False)
            written.append(item.thumbnail.name)
        item.save()
        items.append(item)
    PendingUpload.objects.filter(pk__in=[item.pk for item in items]).update(kept_at=now)
    _evict_old_batches([row for row in mine if row.batch != batch], kept=len(items))
    return Kept(token=sign(actor, batch, [item.pk for item in items]), items=items, refused=refused)


def _evict_old_batches(others: list[PendingUpload], *, kept: int) -> None:
    """Remove the account's oldest other batches beyond MAX_BATCHES batches or
    MAX_FILES_PER_OWNER files in all, with the `kept` files of the batch just kept; their
    tokens then say the photos are gone (`pending_uploads.GONE`)."""
    batches: dict[str, list[PendingUpload]] = {}
    for row in others:
        batches.setdefault(row.batch, []).append(row)
    newest_first = sorted(
        batches.values(), key=lambda rows: max((r.kept_at, r.pk) for r in rows), reverse=True
    )
    room, files = MAX_BATCHES - (1 if kept else 0), MAX_FILES_PER_OWNER - kept
    evicted: list[PendingUpload] = []
    for rows in newest_first:
        if evicted or room < 1 or len(rows) > files:  # this one and every older one go
            evicted += rows
            continue
        room, files = room - 1, files - len(rows)
    _delete_rows(evicted)


@transaction.atomic
def case_file_with_kept(
    *, actor: Any, batch: str | None, kept: Iterable[PendingUpload], **details: Any
) -> Case:
    """`case_file` with the kept photos first, then the newly chosen ones (`photos`); the
    batch is removed with the filing, in its transaction: on a refusal everything stays kept.
    The kept photos are filed as they were kept (checked and re-encoded once, when kept)."""
    kept = list(kept)
    photos = list(details.pop("photos", None) or [])
    if batch is None:
        return _case_file_in_ours(actor=actor, photos=photos, **details)
    rows = PendingUpload.objects.select_for_update().filter(owner=actor, batch=batch)
    present = {row.pk: row for row in rows}
    if any(item.pk not in present for item in kept):  # filed from another tab since it was read
        raise ValidationError({"photos": str(GONE)})
    files = []
    for item in kept:
        row = present[item.pk]
        with row.file.open("rb") as stored:
            files.append(CheckedContent(row.content_type, stored.read()))
    case = _case_file_in_ours(actor=actor, photos=[*files, *photos], **details)
    _delete_rows(present.values())
    return case


def sweep_expired_uploads(now: dt.datetime) -> int:
    """The scheduler's sweep (settings.GONGZHI_SWEEPS): kept photos older than KEEP_FOR."""
    with transaction.atomic():
        return _remove_expired(now)
