"""Uploaded case files: checked by content, size and pixel count; served only as downloads.

An upload is accepted when its first bytes prove a JPEG, PNG, GIF, WebP or PDF (the name and
the browser's content type are ignored), it is at most 5 MB, and an image's header declares
sane dimensions: a few kilobytes of PNG can declare 100 000 × 100 000 pixels and take
gigabytes to decode (a decompression bomb), so the header is read here without decoding
(no Pillow). HTML, SVG and anything else are refused, whatever they are called.

Files are stored under a name made from the proven type, never the uploader's, and served
with `Content-Disposition: attachment`, `nosniff` and a sandboxing CSP, so that a file can
never run as a page of this site (an `<img>` still shows images: browsers ignore the
disposition of embedded images).
"""

import struct
from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 16_384  # pixels on either side
MAX_PIXELS = 50_000_000  # a 48-megapixel phone camera passes; a decompression bomb does not

NOT_ALLOWED = "仅支持 JPG、PNG、GIF、WebP 图片或 PDF 文件"
CORRUPT = "图片文件已损坏或格式不正确"
TOO_MANY_PIXELS = (
    f"图片尺寸过大（最多 {MAX_PIXELS // 1_000_000} 百万像素，单边不超过 {MAX_SIDE} 像素）"
)

EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/pdf": "pdf",
}

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


# --- Image dimensions from the header, without decoding ---------------------------------------


def _png_size(data: bytes) -> tuple[int, int] | None:
    # The IHDR chunk must come first: length 13, then width and height (big-endian).
    if len(data) < 24 or data[8:16] != b"\x00\x00\x00\x0dIHDR":
        return None
    return struct.unpack(">II", data[16:24])


def _gif_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 10:
        return None
    return struct.unpack("<HH", data[6:10])


_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # frame headers, not tables


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Walk the marker segments to the first start-of-frame, which holds height and width."""
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # no length field
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if length < 2:
            return None
        if marker in _JPEG_SOF:
            if pos + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return width, height
        if marker in (0xD9, 0xDA):  # end of image / start of scan before any frame
            return None
        pos += 2 + length
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


_SIZE_READERS = {
    "image/png": _png_size,
    "image/gif": _gif_size,
    "image/jpeg": _jpeg_size,
    "image/webp": _webp_size,
}


def image_size(content_type: str, data: bytes) -> tuple[int, int] | None:
    """(width, height) declared by an image's header, or None when it cannot be read."""
    reader = _SIZE_READERS.get(content_type)
    return reader(data) if reader else None


def check_dimensions(content_type: str, data: bytes) -> None:
    if content_type not in _SIZE_READERS:
        return
    size = image_size(content_type, data)
    if size is None or 0 in size:
        raise ValidationError({"file": CORRUPT})
    width, height = size
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise ValidationError({"file": TOO_MANY_PIXELS})


def validate_upload(file: Any) -> str:
    """Return the proven content type or raise ValidationError (Chinese)."""
    size = getattr(file, "size", None)
    if size is None or size <= 0:
        raise ValidationError({"file": "文件为空"})
    if size > MAX_BYTES:
        raise ValidationError({"file": "文件大小不能超过 5 MB"})
    file.seek(0)
    data = file.read(MAX_BYTES + 1)
    file.seek(0)
    if len(data) > MAX_BYTES:  # the declared size was wrong
        raise ValidationError({"file": "文件大小不能超过 5 MB"})
    content_type = sniff(data[:16])
    if content_type is None:
        raise ValidationError({"file": NOT_ALLOWED})
    check_dimensions(content_type, data)
    return content_type


def stored_name(content_type: str) -> str:
    """The name an upload is stored under: its proven type's extension, nothing of the
    uploader's name (a `.html` name must not reach a web server serving the media folder)."""
    return f"upload.{EXTENSIONS.get(content_type, 'bin')}"


def download(attachment: Any, filename: str) -> FileResponse:
    """Serve a stored case file as a download that no browser will render as a page."""
    content_type = attachment.content_type
    if content_type not in EXTENSIONS:
        content_type = "application/octet-stream"
    extension = EXTENSIONS.get(content_type, "bin")
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=f"{filename}.{extension}",
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
