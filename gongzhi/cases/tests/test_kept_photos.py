"""A refused filing form keeps its valid photos: shown again as thumbnails (to their owner
only), filed with the case when the form is sent again, nine in all, and swept after an hour."""

import datetime as dt
import io
import re
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from gongzhi.cases.attachments import CheckedContent, checked_content
from gongzhi.cases.models import Case, CaseAttachment
from gongzhi.cases.pending_uploads import PendingUpload
from gongzhi.cases.services.pending_uploads import sweep_expired_uploads, thumbnail
from gongzhi.cases.tests.conftest import png
from gongzhi.cases.tests.images import photo
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

BAD_TOKEN = "保留的照片凭证无效（可能被修改或不属于您的账号），请重新选择照片后提交。"
EXPIRED = "保留的照片已超过 1 小时，已被清除，请重新选择照片后提交。"
GONE = "保留的照片已不在（可能已随另一次提交登记），请重新选择照片后提交。"
NEW_NOT_KEPT = "提交过于频繁，刚才新选的照片没有保存，请稍后重新选择后再提交（已保留的照片仍在）。"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.GONGZHI_FILING_RATE_PER_MINUTE = 1000
    return tmp_path


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _report(client: Client, personas, **overrides):
    data = {
        "type": "help",
        "title": "",
        "content": "楼道灯坏了一周，晚上很黑",
        "place": f"unit:{personas.unit_a.pk}",
    }
    data.update(overrides)
    return client.post("/cases/new/", data, follow=True)


def _jpeg(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, photo("JPEG", size=(800, 600)), content_type="image/jpeg")


def _token(page: str) -> str:
    found = re.search(r'name="kept_token" value="([^"]+)"', page)
    assert found, "the re-shown form carries no kept-photos token"
    return found.group(1)


def _thumbnails(page: str) -> list[str]:
    return re.findall(r'<img src="(/cases/new/kept/\d+)"', page)


def _refused_with_photos(client, personas, n: int = 2) -> str:
    photos = [_jpeg(f"IMG_{i}.jpg") for i in range(n)]
    response = _report(client, personas, content="？？", photos=photos)
    assert response.status_code == 200 and not Case.objects.exists()
    return response.content.decode()


def test_a_refused_form_shows_its_photos_kept_and_files_them_when_sent_again(
    personas, media, django_capture_on_commit_callbacks
) -> None:
    client = _client(personas.resident_a)
    page = _refused_with_photos(client, personas)
    assert "反映内容须包含文字" in page or "field-error" in page  # refused for the text
    thumbs = _thumbnails(page)
    assert len(thumbs) == 2
    assert "已保留您刚才选择的 2 张照片，无需重新选择" in page
    assert 'data-testid="files-not-kept"' not in page
    assert "刚才选择的文件没有保存" not in page
    shown = client.get(thumbs[0])
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert shown["Cache-Control"] == "private, no-store"
    with Image.open(io.BytesIO(b"".join(shown.streaming_content))) as small:
        assert small.size == (176, 132)  # a thumbnail, not the 800 × 600 photo sent back
    # Nothing of the resident's in a stored path: not the file name, account or flat.
    names = [Path(item.file.name).name for item in PendingUpload.objects.all()]
    assert all("IMG" not in n and "resident" not in n for n in names)

    with django_capture_on_commit_callbacks(execute=True):
        response = _report(client, personas, kept_token=_token(page))

    case = Case.objects.get()
    assert response.redirect_chain[-1][0] == f"/cases/{case.pk}/"
    photos = CaseAttachment.objects.filter(case=case)
    assert photos.count() == 2 and all(p.content_type == "image/jpeg" for p in photos)
    assert not PendingUpload.objects.exists()
    assert not any((media / "pending").iterdir())  # the kept copies are gone with the filing
    assert client.get(thumbs[0]).status_code == 404


def test_another_account_can_neither_see_nor_use_the_kept_photos(personas) -> None:
    owner = _client(personas.resident_a)
    page = _refused_with_photos(owner, personas)
    other = _client(personas.resident_b)

    assert other.get(_thumbnails(page)[0]).status_code == 404
    response = other.post(
        "/cases/new/",
        {
            "type": "help",
            "content": "电梯异响",
            "place": f"unit:{personas.unit_b.pk}",
            "kept_token": _token(page),
        },
    )
    assert response.status_code == 200 and BAD_TOKEN in response.content.decode()
    assert not Case.objects.exists()
    assert PendingUpload.objects.filter(owner=personas.resident_a).count() == 2
    assert not PendingUpload.objects.filter(owner=personas.resident_b).exists()


def test_a_changed_token_is_refused_in_words_and_changes_nothing(personas) -> None:
    client = _client(personas.resident_a)
    page = _refused_with_photos(client, personas)
    token = _token(page)
    before = list(PendingUpload.objects.values_list("pk", "file", "kept_at"))
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")

    response = _report(client, personas, kept_token=tampered, photos=[_jpeg("new.jpg")])

    text = response.content.decode()
    assert response.status_code == 200 and BAD_TOKEN in text
    assert not Case.objects.exists()
    assert list(PendingUpload.objects.values_list("pk", "file", "kept_at")) == before
    assert not _thumbnails(text)


def test_kept_and_new_photos_count_together_towards_nine(personas) -> None:
    client = _client(personas.resident_a)
    page = _refused_with_photos(client, personas, n=8)
    assert len(_thumbnails(page)) == 8

    response = _report(
        client, personas, kept_token=_token(page), photos=[_jpeg("9.jpg"), _jpeg("10.jpg")]
    )

    page = response.content.decode()
    assert response.status_code == 200 and not Case.objects.exists()
    assert "最多上传 9 张照片：已保留 8 张，又选了 2 张，请移除或少选 1 张" in page
    thumbs = _thumbnails(page)
    assert len(thumbs) == 10  # nothing chosen is lost: the resident picks which to remove
    drop = thumbs[0].rsplit("/", 1)[1]

    response = _report(client, personas, kept_token=_token(page), kept_remove=[drop])

    case = Case.objects.get()
    assert response.redirect_chain[-1][0] == f"/cases/{case.pk}/"
    assert CaseAttachment.objects.filter(case=case).count() == 9


def test_a_removed_kept_photo_is_not_filed(personas) -> None:
    client = _client(personas.resident_a)
    page = _refused_with_photos(client, personas, n=2)
    first = _thumbnails(page)[0].rsplit("/", 1)[1]

    _report(client, personas, kept_token=_token(page), kept_remove=[first], photos=[png()])

    case = Case.objects.get()
    kinds = sorted(CaseAttachment.objects.filter(case=case).values_list("content_type", flat=True))
    assert kinds == ["image/jpeg", "image/png"]  # the other kept one and the new one


def test_kept_photos_are_swept_after_an_hour_and_the_old_token_says_so(
    personas, media, django_capture_on_commit_callbacks
) -> None:
    client = _client(personas.resident_a)
    page = _refused_with_photos(client, personas)
    PendingUpload.objects.update(kept_at=timezone.now() - dt.timedelta(minutes=61))

    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_expired_uploads(timezone.now()) == 2

    assert not PendingUpload.objects.exists() and not any((media / "pending").iterdir())
    assert client.get(_thumbnails(page)[0]).status_code == 404
    # The token is as old as the photos it names (moved in the same hour as their time above).
    later = timezone.now() + dt.timedelta(minutes=61)
    with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
        response = _report(client, personas, kept_token=_token(page))
    assert EXPIRED in response.content.decode() and not Case.objects.exists()


def test_an_expired_token_is_refused_with_its_own_message(personas, settings) -> None:
    client = _client(personas.resident_a)
    page = _refused_with_photos(client, personas)
    later = timezone.now() + dt.timedelta(minutes=61)
    with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
        response = _report(client, personas, kept_token=_token(page))
    assert EXPIRED in response.content.decode()
    assert not Case.objects.exists()


def test_staff_intake_keeps_its_photos_too(personas) -> None:
    client = _client(personas.grid_worker)
    posted = {"channel": "visit", "type": "help", "compound": personas.compound_a.pk}
    pdf = SimpleUploadedFile("记录.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = client.post("/cases/intake/", {**posted, "content": "", "photos": [png(), pdf]})
    page = response.content.decode()
    assert response.status_code == 200 and len(_thumbnails(page)) == 1
    assert page.count('data-testid="kept-thumbnail"') == 2  # the photo, and the PDF's label
    assert "刚才选择的文件没有保存" not in page

    response = client.post(
        "/cases/intake/", {**posted, "content": "路灯不亮", "kept_token": _token(page)}
    )

    case = Case.objects.get()
    assert response.status_code == 302
    kinds = sorted(CaseAttachment.objects.filter(case=case).values_list("content_type", flat=True))
    assert kinds == ["application/pdf", "image/png"]


def test_over_the_filing_limit_no_photo_is_processed_and_the_kept_ones_stay(
    personas, settings
) -> None:
    settings.GONGZHI_FILING_RATE_PER_MINUTE = 1
    client = _client(personas.resident_a)
    page = _refused_with_photos(client, personas, n=2)  # the one filing a minute, used up
    token = _token(page)

    with mock.patch("PIL.Image.open", side_effect=Image.open) as decoded:
        for i in range(3):
            response = client.post(
                "/cases/new/",
                {
                    "type": "help",
                    "content": "楼道灯坏了一周，晚上很黑",
                    "place": f"unit:{personas.unit_a.pk}",
                    "kept_token": token,
                    "photos": [_jpeg(f"new_{i}_{n}.jpg") for n in range(3)],
                },
            )
            page = response.content.decode()
            assert response.status_code == 429
            assert "操作过于频繁" in page and NEW_NOT_KEPT in page
            assert len(_thumbnails(page)) == 2  # the two kept before, none of the new ones
            token = _token(page)

    assert decoded.call_count == 0  # no upload decoded, re-encoded or made a thumbnail of
    assert PendingUpload.objects.count() == 2
    settings.GONGZHI_FILING_RATE_PER_MINUTE = 1000
    response = _report(client, personas, kept_token=token)
    case = Case.objects.get()
    assert response.redirect_chain[-1][0] == f"/cases/{case.pk}/"
    assert CaseAttachment.objects.filter(case=case).count() == 2


def test_over_the_filing_limit_without_kept_photos_the_new_ones_are_said_not_kept(
    personas, settings
) -> None:
    settings.GONGZHI_FILING_RATE_PER_MINUTE = 1
    client = _client(personas.resident_a)
    _report(client, personas, content="？？")  # the one filing a minute, used up

    response = _report(client, personas, photos=[_jpeg("a.jpg")])

    page = response.content.decode()
    assert response.status_code == 429 and not Case.objects.exists()
    assert not _thumbnails(page) and not PendingUpload.objects.exists()
    assert 'data-testid="files-not-kept"' in page  # choose them again once the wait is over


def test_two_forms_open_at_once_keep_their_own_photos(personas) -> None:
    client = _client(personas.resident_a)
    first = _token(_refused_with_photos(client, personas, n=1))
    second = _token(_refused_with_photos(client, personas, n=2))  # another tab

    response = _report(client, personas, kept_token=first)
    case = Case.objects.get()
    assert response.redirect_chain[-1][0] == f"/cases/{case.pk}/"
    assert CaseAttachment.objects.filter(case=case).count() == 1

    response = _report(client, personas, kept_token=second)
    later = Case.objects.exclude(pk=case.pk).get()
    assert response.redirect_chain[-1][0] == f"/cases/{later.pk}/"
    assert CaseAttachment.objects.filter(case=later).count() == 2


def test_a_form_sent_twice_says_its_photos_went_with_the_first(personas) -> None:
    client = _client(personas.resident_a)
    token = _token(_refused_with_photos(client, personas))
    _report(client, personas, kept_token=token)
    assert Case.objects.count() == 1

    response = _report(client, personas, kept_token=token)  # the back button, sent again

    page = response.content.decode()
    assert GONE in page and EXPIRED not in page
    assert Case.objects.count() == 1


def test_the_oldest_of_many_open_forms_gives_way_and_says_so(personas) -> None:
    client = _client(personas.resident_a)
    tokens = [_token(_refused_with_photos(client, personas, n=1)) for _ in range(6)]

    assert PendingUpload.objects.count() == 5  # the newest five forms' photos
    page = _report(client, personas, kept_token=tokens[0]).content.decode()
    assert GONE in page and "1 小时" not in page
    assert not Case.objects.exists()
    _report(client, personas, kept_token=tokens[1])
    assert CaseAttachment.objects.filter(case=Case.objects.get()).count() == 1


def test_kept_photos_are_filed_as_kept_not_re_encoded_again(personas) -> None:
    client = _client(personas.resident_a)
    token = _token(_refused_with_photos(client, personas, n=1))
    with PendingUpload.objects.get().file.open("rb") as stored:
        kept = stored.read()

    _report(client, personas, kept_token=token)

    with CaseAttachment.objects.get(case=Case.objects.get()).file.open("rb") as stored:
        assert stored.read() == kept


def test_a_kept_pdf_is_not_filed_through_the_residents_form() -> None:
    checked = CheckedContent("application/pdf", b"%PDF-1.4\n%%EOF\n")
    with pytest.raises(ValidationError):
        checked_content(checked, images_only=True)
    assert checked_content(checked) == ("application/pdf", checked.content)


def _png_photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (3000, 2000), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def _transparent_gif() -> bytes:
    out = io.BytesIO()
    image = Image.new("P", (1600, 1200), 1)
    image.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    image.save(out, "GIF", transparency=1)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content_type", "make", "converted_at_most", "size", "middle"),
    [
        ("image/png", _png_photo, 176, (176, 117), (200, 30, 30)),
        # A palette is shrunk by nearest pixel first, then smoothly; transparent shows white.
        ("image/gif", _transparent_gif, 4 * 176, (176, 132), (255, 255, 255)),
    ],
)
def test_a_thumbnail_is_made_small_before_it_is_converted(
    content_type, make, converted_at_most, size, middle
) -> None:
    content, sizes = make(), []
    convert = Image.Image.convert

    def spy(image, *args, **kwargs):
        sizes.append(image.size)
        return convert(image, *args, **kwargs)

    with mock.patch.object(Image.Image, "convert", spy):
        small = thumbnail(content_type, content)

    assert sizes and max(max(seen) for seen in sizes) <= converted_at_most
    with Image.open(io.BytesIO(small)) as shown:
        assert shown.size == size
        pixel = shown.getpixel((size[0] // 2, size[1] // 2))
        assert all(abs(a - b) < 12 for a, b in zip(pixel, middle, strict=True))
