"""A refused filing form keeps its valid photos: shown again as thumbnails (to their owner
only), filed with the case when the form is sent again, nine in all, and swept after an hour."""

import datetime as dt
import io
import re
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from gongzhi.cases.models import Case, CaseAttachment
from gongzhi.cases.pending_uploads import PendingUpload
from gongzhi.cases.services.pending_uploads import sweep_expired_uploads
from gongzhi.cases.tests.conftest import png
from gongzhi.cases.tests.images import photo
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

BAD_TOKEN = "保留的照片凭证无效（可能被修改或不属于您的账号），请重新选择照片后提交。"
EXPIRED = "保留的照片已超过 1 小时，已被清除，请重新选择照片后提交。"


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


def test_over_the_filing_limit_the_photos_are_kept(personas, settings) -> None:
    settings.GONGZHI_FILING_RATE_PER_MINUTE = 1
    client = _client(personas.resident_a)
    _report(client, personas, content="？？")  # the one filing a minute, used up

    response = _report(client, personas, photos=[_jpeg("a.jpg")])

    page = response.content.decode()
    assert not Case.objects.exists() and len(_thumbnails(page)) == 1
    assert "照片未能保留" not in page
