"""Uploaded case files: checked by content, size and pixel count; stored without metadata;
served only as downloads.

An upload is accepted when its first bytes prove a JPEG, PNG, GIF, WebP or PDF (the name and
the browser's content type are ignored; a resident's photo field takes the images only), it is
at most 5 MB, and an image's header declares sane dimensions: a few kilobytes of PNG can
declare 100 000 × 100 000 pixels and take gigabytes to decode (a decompression bomb), so the
header is read here without decoding. HTML, SVG and anything else are refused, whatever they
are called.

Only then is an image decoded (Pillow) and stored re-encoded in its own format with nothing but
its pixels, its colour profile and an animation's timing: a phone photo's EXIF (camera, serial
number, GPS position), XMP, IPTC, a PNG's text chunks and a GIF's comments are dropped, since
the property company a complaint is about downloads its photos. The EXIF orientation is applied
to the pixels first, so the photo stays the right way up. An image Pillow cannot decode is
refused as corrupt. A PDF is stored as uploaded. Content that has passed these checks already
(`CheckedContent`: a kept photo of a refused filing form) is stored as it is, not re-encoded again.

Files are stored under a name made from the proven type, never the uploader's, and served
with `Content-Disposition: attachment`, `nosniff` and a sandboxing CSP, so that a file can
never run as a page of this site (an `<img>` still shows images: browsers ignore the
disposition of embedded images).
"""

import io
import struct
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from PIL import Image, ImageOps, ImageSequence

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 16_384  # pixels on either side
MAX_PIXELS = 50_000_000  # a 48-megapixel phone camera passes; a decompression bomb does not

# Marked for translation here, translated when raised (in the reader's language); tests compare
# with these Chinese texts.
NOT_ALLOWED = gettext_noop("仅支持 JPG、PNG、GIF、WebP 图片或 PDF 文件")
NOT_AN_IMAGE = gettext_noop("仅支持 JPG、PNG、GIF、WebP 图片")  # a field that takes photos only
CORRUPT = gettext_noop("图片文件已损坏或格式不正确")
# An iPhone's default photo format: a real image, but not one browsers show or Pillow reads.
HEIC = gettext_noop("暂不支持 HEIC 格式，请在手机相机设置中选择“兼容性最佳”，或改为 JPG 后上传")
_TOO_MANY_PIXELS = gettext_noop(
    "图片尺寸过大（最多 %(megapixels)d 百万像素，单边不超过 %(side)d 像素）"
)
_PIXEL_LIMITS = {"megapixels": MAX_PIXELS // 1_000_000, "side": MAX_SIDE}
TOO_MANY_PIXELS = _TOO_MANY_PIXELS % _PIXEL_LIMITS


def _too_many_pixels() -> str:
    return _(_TOO_MANY_PIXELS) % _PIXEL_LIMITS


IMAGE_FORMATS = {  # the images accepted, and their Pillow format
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
}
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


# The major brands of an ISO media file holding a HEIF image (an iPhone's .heic); "avif" is
# not one of them (an AVIF is refused as any other format would be).
_HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}
)


def is_heif(head: bytes) -> bool:
    """Whether the first bytes are those of a HEIF/HEIC image (an `ftyp` box first)."""
    return head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS


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
        raise ValidationError({"file": _(CORRUPT)})
    width, height = size
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise ValidationError({"file": _too_many_pixels()})


def _read_checked(file: Any, *, images_only: bool) -> tuple[str, bytes]:
    """The proven content type and the whole content, or raise ValidationError (Chinese)."""
    size = getattr(file, "size", None)
    if size is None or size <= 0:
        raise ValidationError({"file": _("文件为空")})
    if size > MAX_BYTES:
        raise ValidationError({"file": _("文件大小不能超过 5 MB")})
    file.seek(0)
    data = file.read(MAX_BYTES + 1)
    file.seek(0)
    if len(data) > MAX_BYTES:  # the declared size was wrong
        raise ValidationError({"file": _("文件大小不能超过 5 MB")})
    content_type = sniff(data[:16])
    if content_type is None and is_heif(data[:16]):
        raise ValidationError({"file": _(HEIC)})
    if images_only and content_type not in IMAGE_FORMATS:
        raise ValidationError({"file": _(NOT_AN_IMAGE)})
    if content_type is None:
        raise ValidationError({"file": _(NOT_ALLOWED)})
    check_dimensions(content_type, data)
    return content_type, data


@dataclass(frozen=True)
class CheckedContent:
    """What `checked_content` returned for an upload, kept by the server (a refused form's photo,
    `gongzhi.cases.pending_uploads`): filed as it is, not decoded and re-encoded a second time.
    Only server code makes one; an upload from a browser is never one."""

    content_type: str
    content: bytes


def checked_content(file: Any, *, images_only: bool = False) -> tuple[str, bytes]:
    """The proven content type and the bytes to store: an image re-encoded without its
    metadata, a PDF as uploaded, a `CheckedContent` as it is. Raises ValidationError (Chinese)
    for what is refused."""
    if isinstance(file, CheckedContent):
        if images_only and file.content_type not in IMAGE_FORMATS:
            raise ValidationError({"file": _(NOT_AN_IMAGE)})
        return file.content_type, file.content
    content_type, data = _read_checked(file, images_only=images_only)
    if content_type not in IMAGE_FORMATS:
        return content_type, data
    return content_type, without_metadata(content_type, data)


# --- Re-encoding images without their metadata (after the header checks above) ---------------

QUALITY = 90  # JPEG and lossy WebP


def without_metadata(content_type: str, data: bytes) -> bytes:
    """`data` decoded and re-encoded in the same format with only the pixels (orientation
    applied), the ICC profile, transparency and an animation's frame timing."""
    fmt = IMAGE_FORMATS[content_type]
    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as image:
            _check_decoded_size(image)
            return _reencode(image, fmt, lossless=data[12:16] == b"VP8L")
    except ValidationError:
        raise
    except Exception as exc:  # Pillow raises many unrelated types for a broken file
        raise ValidationError({"file": _(CORRUPT)}) from exc


def _check_decoded_size(image: Image.Image) -> None:
    width, height = image.size
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise ValidationError({"file": _too_many_pixels()})


def _reencode(image: Image.Image, fmt: str, *, lossless: bool) -> bytes:
    options: dict[str, Any] = {}
    if image.info.get("icc_profile") and fmt != "GIF":
        options["icc_profile"] = image.info["icc_profile"]
    if fmt == "JPEG" or (fmt == "WEBP" and not lossless):
        options["quality"] = QUALITY
    elif fmt == "WEBP":
        options["lossless"] = True
    if getattr(image, "n_frames", 1) > 1:
        frames = _frames(image)
        first = frames[0]
        options.update(save_all=True, append_images=frames[1:])
        options["duration"] = [frame.info.get("duration", 100) for frame in frames]
        if "loop" in image.info:
            options["loop"] = image.info["loop"]
    else:
        image.load()  # decodes every pixel: a truncated file fails here
        first = ImageOps.exif_transpose(image)
    for frame in [first, *options.get("append_images", ())]:
        _keep_only_pixel_info(frame)
    if "transparency" in first.info:
        options["transparency"] = first.info["transparency"]
    out = io.BytesIO()
    first.save(out, fmt, **options)
    return out.getvalue()


def _frames(image: Image.Image) -> list[Image.Image]:
    """Every frame of an animation, within the pixel budget of one large photo."""
    frames: list[Image.Image] = []
    budget = MAX_PIXELS
    for frame in ImageSequence.Iterator(image):
        budget -= frame.width * frame.height
        if budget < 0:
            raise ValidationError({"file": _too_many_pixels()})
        frames.append(frame.copy())
    return frames


def _keep_only_pixel_info(image: Image.Image) -> None:
    """Pillow writes some of `info` back on save (a JPEG or GIF comment, for one)."""
    image.info = {key: image.info[key] for key in ("transparency",) if key in image.info}


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
