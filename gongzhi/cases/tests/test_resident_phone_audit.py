"""What a phone audit of the resident's pages found: photos judged by their content (an iPhone's
JPEG may be called .HEIC; a real HEIC gets advice), the photo limit said before sending, the
refusals in the reader's language, a second rating through the link told plainly, and the
resident's own page showing the deadline and whether they agreed to publish."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.test import Client
from django.utils import timezone

from gongzhi.cases import attachments, workflow
from gongzhi.cases.forms import ReportForm
from gongzhi.cases.models import Case, CaseAttachment
from gongzhi.cases.tests.images import photo, png_bytes
from gongzhi.cases.tests.test_tracking import WalkIn
from gongzhi.cases.tracking import tracking_token
from gongzhi.cases.workflow import CaseChanged
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

# The first bytes of an iPhone photo saved as HEIC (an ISO media file, brand "heic").
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
HEIC_ADVICE = "暂不支持 HEIC 格式，请在手机相机设置中选择“兼容性最佳”，或改为 JPG 后上传"
ALREADY_RATED = "您已评价过本轮办理结果，每轮只能评价一次"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _report(client: Client, personas, photos):
    data = {
        "type": "help",
        "title": "",
        "content": "楼道灯坏了一周，晚上很黑",
        "place": f"unit:{personas.unit_a.pk}",
        "photos": photos,
    }
    return client.post("/cases/new/", data, follow=True)


def _errors(page: str) -> list[str]:
    return re.findall(r'data-testid="field-error">(.*?)</div>', page)


def _upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_a_jpeg_an_iphone_called_heic_is_filed_by_its_content(personas) -> None:
    client = _client(personas.resident_a)
    iphone = _upload("photo.HEIC", photo("JPEG"), "image/heic")

    page = _report(client, personas, [iphone]).content.decode()

    assert _errors(page) == []
    case = Case.objects.get()
    assert f"您的诉求已受理，编号 {case.number}" in page
    stored = CaseAttachment.objects.get(case=case)
    assert stored.content_type == "image/jpeg"


def test_a_real_heic_photo_is_refused_with_what_to_do(personas) -> None:
    client = _client(personas.resident_a)

    response = _report(client, personas, [_upload("IMG_0001.heic", HEIC, "image/heic")])

    page = response.content.decode()
    assert response.status_code == 200 and not Case.objects.exists()
    assert _errors(page) == [f"「IMG_0001.heic」：{HEIC_ADVICE}"]
    # The service says the same to whatever sends one (the API, staff's evidence field).
    with pytest.raises(ValidationError) as refused:
        attachments.checked_content(_upload("x.heic", HEIC), images_only=False)
    assert refused.value.message_dict == {"file": [HEIC_ADVICE]}


def test_a_file_that_is_no_image_is_refused_whatever_its_name() -> None:
    form = ReportForm(
        {"type": "help", "content": "楼道灯坏了", "place": "unit:1"},
        {"photos": [_upload("photo.jpg", b"<html>not a photo</html>")]},
        places=[("unit:1", "1单元101")],
    )
    assert not form.is_valid()
    assert form.errors["photos"] == ["「photo.jpg」不是图片，仅支持 JPG、PNG、GIF、WebP"]


def test_ten_photos_are_refused_as_photos_and_the_limit_is_said_beforehand(personas) -> None:
    client = _client(personas.resident_a)
    blank = client.get("/cases/new/").content.decode()
    field = re.search(r'<input type="file" name="photos"[^>]*>', blank)[0]
    # Said under the field, and given to the phone's own check (static/js/cases.js), which
    # refuses a tenth photo, a photo over 5 MB, a HEIC or a non-image before anything is sent.
    assert "最多 9 张，支持 JPG、PNG、GIF、WebP" in blank
    assert 'data-max-files="9"' in field and 'data-max-bytes="5242880"' in field
    assert 'data-too-many-message="最多上传 9 张照片"' in field
    assert f'data-heic-message="「%(name)s」：{HEIC_ADVICE}"' in field
    assert 'data-not-allowed-message="「%(name)s」不是图片，仅支持 JPG、PNG、GIF、WebP"' in field

    photos = [_upload(f"p{i}.png", png_bytes(2, 2), "image/png") for i in range(10)]
    page = _report(client, personas, photos).content.decode()

    assert _errors(page) == ["最多上传 9 张照片"]
    assert not Case.objects.exists()


def test_upload_refusals_are_said_in_the_readers_language(monkeypatch) -> None:
    """The refusals are translated when raised (they were plain Chinese strings)."""
    monkeypatch.setattr(attachments, "_", lambda message: f"[en] {message}")
    refusals = [
        (b"<svg></svg>", False, attachments.NOT_ALLOWED),
        (b"%PDF-1.4 a pdf", True, attachments.NOT_AN_IMAGE),
        (b"\xff\xd8\xff\xd9", False, attachments.CORRUPT),
        (png_bytes(20_000, 20_000, rows=False), False, attachments.TOO_MANY_PIXELS),
    ]
    for data, images_only, chinese in refusals:
        with pytest.raises(ValidationError) as refused:
            attachments.checked_content(_upload("f", data), images_only=images_only)
        assert refused.value.message_dict == {"file": [f"[en] {chinese}"]}


def test_a_stale_form_is_refused_in_the_readers_language(monkeypatch) -> None:
    monkeypatch.setattr(workflow, "gettext", lambda message: f"[en] {message}")
    assert str(CaseChanged()) == "[en] 该诉求已被他人处理，请刷新后重试"


def _link(case: Case) -> str:
    return f"/track/{case.number}/{tracking_token(case)}/"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", ALREADY_RATED), ("en", "You have already rated the result of this round")],
)
def test_rating_twice_through_the_link_says_it_was_rated(make, language, expected) -> None:
    """Two tabs of the link: the second rating is refused as already given, in the page's
    language, not as "someone else handled it"."""
    case = WalkIn(make.p).resolved()  # a requester without an account rates by the link
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    form = {"resolved": "1", "level": "satisfied", "version": case.version}
    first = client.post(_link(case) + "rate", form)
    assert first.status_code == 302

    second = client.post(_link(case) + "rate", form, follow=True).content.decode()

    assert expected in second
    assert "该诉求已被他人处理" not in second
    assert case.ratings.count() == 1


def test_a_stale_link_form_after_another_change_still_says_so(make) -> None:
    """Not rated yet, the case changed under the form (by staff): nothing to misread."""
    case = WalkIn(make.p).resolved()  # a requester without an account rates by the link
    version = case.version
    Case.objects.filter(pk=case.pk).update(version=F("version") + 1)
    client = Client()
    form = {"resolved": "1", "level": "satisfied", "version": version}

    page = client.post(_link(case) + "rate", form, follow=True).content.decode()

    assert "该诉求已被他人处理，请刷新后重试" in page and ALREADY_RATED not in page
    assert not case.ratings.exists()


def test_the_residents_page_shows_the_deadline_and_whether_it_may_be_published(
    personas, make
) -> None:
    case = make.resolved()
    client = _client(personas.resident_a)

    page = client.get(f"/cases/{case.pk}/").content.decode()

    due = timezone.localtime(case.due_at).strftime("%Y-%m-%d %H:%M")
    assert re.search(r'data-testid="case-deadline">\s*' + re.escape(due), page)
    assert re.search(r'data-testid="case-public">不公开<', page)
    track = Client().get(_link(case)).content.decode()
    assert re.search(r'data-testid="track-deadline">\s*' + re.escape(due), track)

    Case.objects.filter(pk=case.pk).update(is_public=True)
    again = client.get(f"/cases/{case.pk}/").content.decode()
    assert re.search(r'data-testid="case-public">可以公开（隐去个人信息）<', again)


def test_a_case_not_yet_dispatched_shows_its_time_limit_on_the_residents_page(
    personas, make
) -> None:
    case = make.assessed()
    page = _client(personas.resident_a).get(f"/cases/{case.pk}/").content.decode()
    deadline = re.search(r'data-testid="case-deadline">(.*?)</dd>', page, re.S)[1].strip()
    track = Client().get(_link(case)).content.decode()
    assert deadline and deadline in track  # the same words as the link's page


def test_a_long_status_wraps_on_a_phone(personas, make) -> None:
    """The English "Resolved, awaiting return visit" is wider than half a phone's screen."""
    case = make.resolved()
    pages = [
        _client(personas.resident_a).get(f"/cases/{case.pk}/").content.decode(),
        Client().get(_link(case)).content.decode(),
    ]
    for page in pages:
        badge = re.search(r'<span class="([^"]*)" data-testid="status">', page)[1]
        assert "gz-badge-wrap" in badge.split()
    # The receipt's caption under the QR code wraps within its 46 mm column.
    css = (Path(django_settings.BASE_DIR) / "static/css/receipt.css").read_text()
    caption = re.search(r"\.gz-receipt-qr figcaption \{([^}]*)\}", css)[1]
    assert "nowrap" not in caption
