"""Small image files made in code (no binary fixtures), and hostile ones.

`png_bytes` and the header-only JPEG, GIF and WebP are made by hand (their headers are what the
upload checks read); `photo` makes real, decodable images with Pillow, with metadata on demand.
"""

import io
import struct
import zlib
from typing import Any

from PIL import Image, PngImagePlugin


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bytes(width: int = 1, height: int = 1, *, rows: bool = True) -> bytes:
    """A valid greyscale PNG; with `rows=False` only the header (for huge declared sizes)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = (
        zlib.compress(b"".join(b"\x00" + b"\x80" * width for _ in range(height))) if rows else b""
    )
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", pixels)
        + _chunk(b"IEND", b"")
    )


def jpeg_bytes(width: int = 1, height: int = 1) -> bytes:
    """A baseline JPEG's headers: SOI, a JFIF APP0, an EXIF-sized APP1, SOF0, EOI."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    app1 = b"\xff\xe1" + struct.pack(">H", 2 + 4000) + b"Exif\x00\x00" + b"\x00" * 3994
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + app1 + sof + b"\xff\xd9"


def gif_bytes(width: int = 1, height: int = 1) -> bytes:
    return b"GIF89a" + struct.pack("<HH", width, height) + b"\x00\x00\x00" + b"\x3b"


def webp_bytes(width: int = 1, height: int = 1) -> bytes:
    """An extended-format (VP8X) WebP header."""
    body = b"VP8X" + struct.pack("<I", 10) + b"\x00\x00\x00\x00"
    body += (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body


HTML_AS_PNG = b"<!doctype html><script>alert(document.cookie)</script>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)


GPS_IFD = 0x8825  # EXIF pointer to the GPS block
ORIENTATION = 0x0112
MAKE, MODEL = 0x010F, 0x0110


def exif_with_gps(orientation: int = 1) -> Image.Exif:
    """A phone's EXIF: camera model, orientation and where the photo was taken."""
    exif = Image.Exif()
    exif[MAKE], exif[MODEL], exif[ORIENTATION] = "Canon", "Canon EOS R6 SN 0123456789", orientation
    exif[GPS_IFD] = {1: "N", 2: (30.0, 31.0, 12.5), 3: "E", 4: (114.0, 20.0, 1.0)}
    return exif


def photo(
    fmt: str = "JPEG", size: tuple[int, int] = (40, 20), mode: str = "RGB", **save: Any
) -> bytes:
    """A real image in `fmt`; `save` are Pillow's save options (exif=, icc_profile=, pnginfo=)."""
    image = Image.new(mode, size, 128 if mode in ("L", "P") else (200, 60, 20))
    image.paste(0 if mode in ("L", "P") else (0, 0, 0), (0, 0, size[0] // 2, size[1] // 2))
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "Nanhu Rd 1, 30.52,114.33")  # Latin-1: a tEXt chunk
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>GPS 30.52,114.33</x:xmpmeta>")
    return photo("PNG", mode="RGBA", pnginfo=info)


def animated_gif(frames: int = 3, size: tuple[int, int] = (8, 8), **save: Any) -> bytes:
    images = [Image.new("RGB", size, (60 * n, 0, 255 - 60 * n)) for n in range(frames)]
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=70, loop=0, **save)
    return out.getvalue()
