"""Photos are stored without what they say about their taker: no EXIF (camera, GPS), no XMP,
no PNG text, no GIF comment; the orientation is applied and the colour profile kept."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from gongzhi.cases import attachments, services
from gongzhi.cases.choices import AttachmentKind
from gongzhi.cases.tests.images import (
    GPS_IFD,
    ORIENTATION,
    animated_gif,
    exif_with_gps,
    photo,
    png_with_text,
)

pytestmark = pytest.mark.django_db

ICC = b"\x00\x00\x02\x0cfake ICC profile for the test" + b"\x00" * 64


def _stored(attachment) -> bytes:
    with attachment.file.open("rb") as stored:
        return stored.read()


def _attach(make, personas, content: bytes, name: str = "IMG_0001.jpg"):
    case = make.received()
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
    return services.attachment_add(case=case, actor=personas.resident_a, file=upload, kind="photo")


def test_a_complaint_photo_reaches_the_property_company_without_gps_or_camera(make, personas):
    original = photo("JPEG", exif=exif_with_gps(), icc_profile=ICC)
    with Image.open(io.BytesIO(original)) as image:  # the upload does carry them
        assert image.getexif().get_ifd(GPS_IFD)
    case = make.received(photos=[SimpleUploadedFile("IMG_0001.jpg", original)])
    case = services.case_assess(
        case=case, actor=personas.community_worker, category="repair", sla_class="property",
        urgency="normal",
    )  # fmt: skip
    services.case_dispatch(
        case=case, actor=personas.community_worker, level="compound", company=personas.company_x
    )
    client = Client()
    client.force_login(personas.property_a)
    response = client.get(f"/cases/files/{case.attachments.get().pk}")
    assert response.status_code == 200
    downloaded = b"".join(response.streaming_content)
    assert downloaded != original
    assert b"Exif" not in downloaded and b"Canon" not in downloaded
    with Image.open(io.BytesIO(downloaded)) as image:
        assert image.format == "JPEG" and image.size == (40, 20)
        assert not image.getexif()  # no GPS, no camera model, nothing
        assert image.info.get("icc_profile") == ICC  # the colours still render as taken


def test_the_orientation_is_applied_before_the_tag_goes(make, personas):
    # 40 × 20, dark top-left quadrant, "rotate 90° clockwise to display" (orientation 6).
    saved = _attach(make, personas, photo("JPEG", (40, 20), exif=exif_with_gps(orientation=6)))
    with Image.open(io.BytesIO(_stored(saved))) as image:
        assert image.size == (20, 40)
        assert ORIENTATION not in image.getexif()
        rgb = image.convert("L")
        assert rgb.getpixel((15, 5)) < 40  # the dark corner is now top-right
        assert rgb.getpixel((5, 5)) > 60


def test_a_png_loses_its_text_chunks_and_keeps_every_pixel(make, personas):
    original = png_with_text()
    assert b"tEXt" in original and b"iTXt" in original
    saved = _attach(make, personas, original, "map.png")
    stored = _stored(saved)
    assert b"tEXt" not in stored and b"iTXt" not in stored and b"30.52" not in stored
    with Image.open(io.BytesIO(original)) as before, Image.open(io.BytesIO(stored)) as after:
        assert after.format == "PNG" and after.mode == before.mode
        assert after.tobytes() == before.tobytes()  # lossless stays lossless
        assert "Location" not in after.info and "XML:com.adobe.xmp" not in after.info


def test_a_gif_loses_its_comment_and_an_animation_keeps_its_frames(make, personas):
    still = photo("GIF", (6, 6), mode="P", comment=b"taken at 30.52,114.33")
    assert b"30.52" in still
    assert b"30.52" not in _stored(_attach(make, personas, still, "a.gif"))
    moving = animated_gif(frames=3, comment=b"taken at 30.52,114.33")
    stored = _stored(_attach(make, personas, moving, "b.gif"))
    assert b"30.52" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.n_frames == 3 and image.info.get("duration") == 70


def test_a_webp_loses_its_exif(make, personas):
    original = photo("WEBP", exif=exif_with_gps())
    assert b"EXIF" in original
    stored = _stored(_attach(make, personas, original, "a.webp"))
    assert b"EXIF" not in stored and b"Canon" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "WEBP" and image.size == (40, 20)


def test_evidence_photos_are_stored_without_metadata_too(make, personas):
    case = make.in_progress()
    evidence = SimpleUploadedFile("done.jpg", photo("JPEG", exif=exif_with_gps()))
    services.case_resolve(
        case=case, actor=personas.property_a, public_reply="已修好", evidence=[evidence]
    )
    saved = case.attachments.get(kind=AttachmentKind.EVIDENCE)
    with Image.open(io.BytesIO(_stored(saved))) as image:
        assert not image.getexif()


def test_a_pdf_is_stored_as_uploaded(make, personas):
    pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    case = make.received()
    saved = services.attachment_add(
        case=case, actor=personas.grid_worker, file=SimpleUploadedFile("a.pdf", pdf), kind="photo"
    )
    assert _stored(saved) == pdf and saved.size == len(pdf)


def test_an_animation_is_held_to_the_pixel_budget_of_one_photo(make, personas, monkeypatch):
    monkeypatch.setattr(attachments, "MAX_PIXELS", 100)  # 8 × 8 passes; three frames do not
    with pytest.raises(attachments.ValidationError) as refused:
        _attach(make, personas, animated_gif(frames=3, size=(8, 8)), "c.gif")
    assert refused.value.message_dict == {"file": [attachments.TOO_MANY_PIXELS]}
