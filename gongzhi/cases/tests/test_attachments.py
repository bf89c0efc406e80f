"""Uploads are checked by content, size and declared pixel count, and served as downloads."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from gongzhi.api.tests.conftest import bearer
from gongzhi.cases import attachments, services
from gongzhi.cases.models import Case, CaseAttachment
from gongzhi.cases.tests.images import (
    HTML_AS_PNG,
    SVG,
    gif_bytes,
    jpeg_bytes,
    photo,
    png_bytes,
    webp_bytes,
)

REFUSED = [
    ("html renamed to png", "photo.png", "image/png", HTML_AS_PNG, attachments.NOT_ALLOWED),
    ("svg", "drawing.svg", "image/svg+xml", SVG, attachments.NOT_ALLOWED),
    ("svg renamed to jpg", "photo.jpg", "image/jpeg", SVG, attachments.NOT_ALLOWED),
    ("png bomb", "bomb.png", "image/png", png_bytes(100_000, 100_000, rows=False),
     attachments.TOO_MANY_PIXELS),
    ("64 megapixels", "big.png", "image/png", png_bytes(8000, 8000, rows=False),
     attachments.TOO_MANY_PIXELS),
    ("one side too long", "strip.png", "image/png", png_bytes(20_000, 10, rows=False),
     attachments.TOO_MANY_PIXELS),
    ("jpeg bomb", "bomb.jpg", "image/jpeg", jpeg_bytes(65_000, 65_000),
     attachments.TOO_MANY_PIXELS),
    ("gif bomb", "bomb.gif", "image/gif", gif_bytes(65_535, 65_535), attachments.TOO_MANY_PIXELS),
    ("webp bomb", "bomb.webp", "image/webp", webp_bytes(16_000, 16_000),
     attachments.TOO_MANY_PIXELS),
    ("png without header", "broken.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
     attachments.CORRUPT),
    ("jpeg without frame", "broken.jpg", "image/jpeg", b"\xff\xd8\xff\xd9", attachments.CORRUPT),
    ("zero width", "empty.png", "image/png", png_bytes(0, 5, rows=False), attachments.CORRUPT),
    ("too large", "huge.png", "image/png", png_bytes(2, 2) + b"\x00" * (5 * 1024 * 1024),
     "文件大小不能超过 5 MB"),
]  # fmt: skip

DECLARED = [  # what the headers say, read without decoding
    ("png", png_bytes(40, 30), "image/png", (40, 30)),
    ("jpeg", jpeg_bytes(4000, 3000), "image/jpeg", (4000, 3000)),
    ("48-megapixel jpeg", jpeg_bytes(8000, 6000), "image/jpeg", (8000, 6000)),
    ("gif", gif_bytes(10, 10), "image/gif", (10, 10)),
    ("webp", webp_bytes(1080, 1920), "image/webp", (1080, 1920)),
]

ACCEPTED = [  # real images: they are decoded and stored re-encoded
    ("valid png", "photo.png", png_bytes(40, 30), "image/png", (40, 30)),
    ("valid jpeg", "photo.jpg", photo("JPEG", (400, 300)), "image/jpeg", (400, 300)),
    ("48-megapixel phone photo", "phone.jpg", photo("JPEG", (8000, 6000), mode="L"),
     "image/jpeg", (8000, 6000)),
    ("valid gif", "a.gif", photo("GIF", (10, 10), mode="P"), "image/gif", (10, 10)),
    ("valid webp", "a.webp", photo("WEBP", (108, 192)), "image/webp", (108, 192)),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(("what", "name", "declared", "content", "message"), REFUSED,
                         ids=[r[0] for r in REFUSED])  # fmt: skip
def test_a_dangerous_or_broken_upload_is_refused(make, personas, what, name, declared, content,
                                                 message):  # fmt: skip
    case = make.received()
    upload = SimpleUploadedFile(name, content, content_type=declared)
    with pytest.raises(ValidationError) as refused:
        services.attachment_add(case=case, actor=personas.resident_a, file=upload, kind="photo")
    assert message in str(refused.value)
    assert not CaseAttachment.objects.exists()


@pytest.mark.parametrize(("what", "content", "content_type", "size"), DECLARED,
                         ids=[d[0] for d in DECLARED])  # fmt: skip
def test_the_declared_size_is_read_from_the_header(what, content, content_type, size):
    assert attachments.image_size(content_type, content) == size
    attachments.check_dimensions(content_type, content)  # within the limits: no error


@pytest.mark.django_db
@pytest.mark.parametrize(("what", "name", "content", "content_type", "size"), ACCEPTED,
                         ids=[a[0] for a in ACCEPTED])  # fmt: skip
def test_a_valid_image_is_accepted(make, personas, what, name, content, content_type, size):
    assert attachments.image_size(content_type, content) == size
    case = make.received()
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    saved = services.attachment_add(case=case, actor=personas.resident_a, file=upload, kind="photo")
    assert saved.content_type == content_type  # from the bytes, not from the browser
    with saved.file.open("rb") as stored, Image.open(io.BytesIO(stored.read())) as image:
        assert image.size == size
        assert Image.MIME[image.format] == content_type
    assert saved.size == saved.file.size


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [("headers only.jpg", jpeg_bytes(20, 20)), ("headers only.gif", gif_bytes(4, 4)),
     ("headers only.webp", webp_bytes(4, 4)),
     ("cut short.jpg", photo("JPEG", (64, 64))[:300]),
     ("bad pixel data.png", png_bytes(4, 4)[:-30] + b"\x00" * 18 + png_bytes(4, 4)[-12:])],
)  # fmt: skip
def test_an_image_that_cannot_be_decoded_is_refused_as_corrupt(make, personas, name, content):
    case = make.received()
    upload = SimpleUploadedFile(name, content)
    with pytest.raises(ValidationError) as refused:
        services.attachment_add(case=case, actor=personas.resident_a, file=upload, kind="photo")
    assert refused.value.message_dict == {"file": [attachments.CORRUPT]}
    assert not CaseAttachment.objects.exists()


@pytest.mark.django_db
def test_the_stored_name_comes_from_the_content_not_the_uploader(make, personas):
    case = make.received()
    upload = SimpleUploadedFile("index.html", png_bytes(3, 3), content_type="text/html")
    saved = services.attachment_add(case=case, actor=personas.resident_a, file=upload, kind="photo")
    assert saved.file.name.endswith(".png") and "index" not in saved.file.name


@pytest.mark.django_db
def test_files_are_served_as_downloads_that_never_render(make, personas):
    case = make.received(photos=[SimpleUploadedFile("x.html", photo("JPEG", (20, 20)))])
    item = case.attachments.get()
    client = Client()
    client.force_login(personas.community_worker)
    response = client.get(f"/cases/files/{item.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == f'attachment; filename="{case.number}-{item.pk}.jpg"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")


@pytest.mark.django_db
def test_an_old_file_of_an_unknown_type_is_served_as_bytes(make, personas):
    case = make.received(photos=[SimpleUploadedFile("p.png", png_bytes())])
    CaseAttachment.objects.filter(case=case).update(content_type="text/html")
    client = Client()
    client.force_login(personas.community_worker)
    response = client.get(f"/cases/files/{case.attachments.get().pk}")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.django_db
def test_the_resident_form_refuses_an_html_page_named_like_a_photo(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = Client()
    client.force_login(personas.resident_a)
    response = client.post(
        "/cases/new/",
        {
            "place": f"unit:{personas.unit_a.pk}",
            "type": "help",
            "title": "楼道灯不亮",
            "content": "3单元楼道灯坏了",
            "photos": [SimpleUploadedFile("photo.png", HTML_AS_PNG, content_type="image/png")],
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    # The field takes photos, judged by their content: no word of PDF.
    assert "「photo.png」不是图片，仅支持 JPG、PNG、GIF、WebP<" in page
    assert attachments.NOT_ALLOWED not in page
    assert not Case.objects.exists() and not CaseAttachment.objects.exists()


@pytest.mark.django_db
def test_the_resident_form_refuses_a_pdf_named_like_a_photo(personas, settings, tmp_path):
    """The resident's photo field takes images only, whatever the file is called."""
    settings.MEDIA_ROOT = tmp_path
    client = Client()
    client.force_login(personas.resident_a)
    response = client.post(
        "/cases/new/",
        {
            "place": f"unit:{personas.unit_a.pk}",
            "type": "help",
            "content": "3单元楼道灯坏了",
            "photos": [SimpleUploadedFile("photo.jpg", b"%PDF-1.7 ...")],
        },
    )
    assert response.status_code == 200
    assert "「photo.jpg」不是图片，仅支持 JPG、PNG、GIF、WebP<" in response.content.decode()
    assert not Case.objects.exists() and not CaseAttachment.objects.exists()


@pytest.mark.django_db
def test_the_api_refuses_an_svg_and_a_bomb(make, personas):
    case = make.dispatched()
    client = bearer(personas.resident_a)
    for name, content in (("a.svg", SVG), ("b.png", png_bytes(50_000, 50_000, rows=False))):
        response = client.post(
            f"/api/v1/cases/{case.pk}/attachments",
            {"file": SimpleUploadedFile(name, content), "kind": "photo"},
        )
        assert response.status_code in (400, 422), response.content
        assert response.json()["message"]
    assert not CaseAttachment.objects.exists()
