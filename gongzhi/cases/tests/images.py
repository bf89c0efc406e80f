"""Small real image files made in code (no binary fixtures, no Pillow), and hostile ones."""

import struct
import zlib


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
