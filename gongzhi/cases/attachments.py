"""Validation of uploaded case files: images by magic bytes (no Pillow needed) or PDF, ≤ 5 MB."""

from typing import Any

from django.core.exceptions import ValidationError

MAX_BYTES = 5 * 1024 * 1024

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)


def sniff(head: bytes) -> str | None:
    """The content type the first bytes prove, or None."""
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def validate_upload(file: Any) -> str:
    """Return the proven content type or raise ValidationError (Chinese)."""
    size = getattr(file, "size", None)
    if size is None or size <= 0:
        raise ValidationError({"file": "文件为空"})
    if size > MAX_BYTES:
        raise ValidationError({"file": "文件大小不能超过 5 MB"})
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    content_type = sniff(head)
    if content_type is None:
        raise ValidationError({"file": "仅支持 JPG、PNG、GIF、WebP 图片或 PDF 文件"})
    return content_type
