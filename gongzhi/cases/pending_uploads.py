"""Photos kept for a refused filing form (我要反映, 登记诉求): the model, the token that names
them, and the reads.

A browser never refills a file input, so a form the server refuses (text too short, a wrong
flat, the rate limit…) used to come back without the photos, and a resident picked up to nine
again over mobile data. The valid ones are now kept for an hour as `PendingUpload` rows, one
batch per refused form (an account keeps a few at once: a second tab, a desk registering two
residents), and the re-shown form carries a signed token naming the batch and its owner. Over
the rate limit only the photos kept before are shown again: new ones are not decoded then.
A table rather than a bare folder: the owner, the age and the batch are then queried and
deleted in the same transaction as the case that takes the photos, and the sweep finds what is
old by an index, not by listing a folder.

The token is signed (django.core.signing, its own salt) so that a changed or another account's
token is refused in words before anything is read; the batch key inside it is random, the file
names are random too (no name, phone, account or flat in a path), and the bytes are stored as
`attachments.checked_content` re-encodes them: without EXIF GPS and the like.
"""

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.attachments import EXTENSIONS

KEEP_FOR = dt.timedelta(hours=1)
_SALT = "gongzhi.cases.pending-uploads"

BAD_TOKEN = _("保留的照片凭证无效（可能被修改或不属于您的账号），请重新选择照片后提交。")
EXPIRED = _("保留的照片已超过 1 小时，已被清除，请重新选择照片后提交。")
# Within the hour, but the photos are gone: filed by another sending of the form (a double
# submit, the form sent from another tab) or given up for the account's newer forms.
GONE = _("保留的照片已不在（可能已随另一次提交登记），请重新选择照片后提交。")
# A batch's time is set just before its token is signed (the photos are checked in between):
# photos missing in the token's last minute were taken by the sweep at the hour.
_SWEEP_SLACK = dt.timedelta(minutes=1)


def _pending_path(instance: "PendingUpload", filename: str) -> str:
    # Random, and nothing of the uploader's: not their name, account, flat or file name (the
    # name given is `attachments.stored_name`'s, made from the proven type).
    suffix = filename.rsplit(".", 1)[-1]
    return f"pending/{secrets.token_hex(16)}.{suffix if suffix in EXTENSIONS.values() else 'bin'}"


class PendingUpload(models.Model):
    """One valid photo (or, at the staff desk, PDF) of a refused filing form, kept for an hour
    for its owner only, until the form is filed or the sweep removes it."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    batch = models.CharField(max_length=32)
    file = models.FileField(upload_to=_pending_path)
    # A small JPEG for the re-shown form: the phone is not sent the 5 MB photo back to show it.
    thumbnail = models.FileField(upload_to=_pending_path, blank=True)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(default=0)
    kept_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "暂存照片"
        ordering = ["id"]
        indexes = [models.Index(fields=["owner", "batch"], name="pending_upload_owner_batch")]

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def new_batch_key() -> str:
    return secrets.token_urlsafe(18)  # 144 random bits


def sign(owner: Any, batch: str, ids: list[int]) -> str:
    """The token the re-shown form carries: the batch, its owner and the photos it shows,
    signed and timestamped."""
    return signing.dumps({"b": batch, "u": owner.pk, "i": ids}, salt=_SALT)


@dataclass
class KeptBatch:
    """A verified token's batch: its key and its rows still kept (oldest first)."""

    key: str
    items: list[PendingUpload] = field(default_factory=list)


def kept_batch(owner: Any, token: str) -> KeptBatch:
    """The batch a token names, for its owner only. ValidationError (Chinese) for a token that
    was changed or belongs to another account ("bad_token"), has outlived KEEP_FOR ("expired"),
    or names photos no longer kept within the hour ("gone")."""
    try:
        value = signing.loads(token, salt=_SALT, max_age=KEEP_FOR)
    except signing.SignatureExpired:
        raise ValidationError(EXPIRED, code="expired") from None
    except signing.BadSignature:
        raise ValidationError(BAD_TOKEN, code="bad_token") from None
    if (
        not isinstance(value, dict)
        or value.get("u") != owner.pk
        or not isinstance(value.get("b"), str)
        or not isinstance(value.get("i"), list)
    ):
        raise ValidationError(BAD_TOKEN, code="bad_token")
    key, ids = value["b"], [pk for pk in value["i"] if isinstance(pk, int)]
    items = list(kept_items(owner, key).filter(pk__in=ids))
    if len(items) != len(set(ids)):
        raise _missing(token)
    return KeptBatch(key=key, items=items)


def _missing(token: str) -> ValidationError:
    """Why a valid token's photos are missing: swept at the hour, or removed before it."""
    try:
        signing.loads(token, salt=_SALT, max_age=KEEP_FOR - _SWEEP_SLACK)
    except signing.SignatureExpired:
        return ValidationError(EXPIRED, code="expired")
    return ValidationError(GONE, code="gone")


def kept_items(owner: Any, batch: str) -> models.QuerySet[PendingUpload]:
    return PendingUpload.objects.filter(
        owner=owner, batch=batch, kept_at__gte=timezone.now() - KEEP_FOR
    )


def kept_upload_get(owner: Any, pk: int) -> PendingUpload:
    """A kept photo, only to the account that chose it and only while it is kept (else 404)."""
    if not getattr(owner, "is_authenticated", False):
        raise Http404
    try:
        return PendingUpload.objects.get(pk=pk, owner=owner, kept_at__gte=timezone.now() - KEEP_FOR)
    except PendingUpload.DoesNotExist:
        raise Http404 from None
