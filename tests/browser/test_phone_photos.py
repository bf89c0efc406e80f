"""Photos from a phone's camera: one over 5 MB is made smaller on the phone and filed, not
refused; ten chosen at once keep the first nine and name the tenth."""

import io

import pytest
from playwright.sync_api import expect

from gongzhi.cases.models import CaseAttachment
from gongzhi.cases.sla import ensure_default_policies
from gongzhi.org.testing import Personas
from tests.browser.steps import png, sign_in, upload

pytestmark = [pytest.mark.browser]

LIMIT = 5 * 1024 * 1024


def camera_jpeg() -> bytes:
    """A 4000 × 3000 camera photo of about 7 MB (noise compresses badly), stored sideways with
    an EXIF note to turn it upright (orientation 6), as phones store a portrait photo."""
    from PIL import Image

    bands = [Image.effect_noise((4000, 3000), 50).convert("L") for _ in range(3)]
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show
    out = io.BytesIO()
    Image.merge("RGB", bands).save(out, "JPEG", quality=85, exif=exif.tobytes())
    return out.getvalue()


def test_a_camera_photo_over_5_mb_is_made_smaller_and_filed(
    live_server, personas: Personas, phone_page, shots, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    ensure_default_policies()  # the live server's flush removed them
    photo = camera_jpeg()
    assert len(photo) > 6 * 1024 * 1024
    page, problems = phone_page
    sign_in(page, live_server.url, "resident_a")
    page.goto(f"{live_server.url}/cases/new/")
    page.get_by_label("反映内容").fill("楼道墙皮大面积脱落，见照片")
    photos = page.get_by_label("照片")
    photos.set_input_files(upload("张三家门口.jpg", photo, "image/jpeg"))

    # Made smaller on the phone, without a word of refusal, under a name that says nothing.
    page.wait_for_function(
        "input => input.files.length === 1 && input.files[0].name === 'upload.jpg'",
        arg=photos.element_handle(),
    )
    chosen = photos.evaluate("input => [input.files[0].size, input.files[0].type]")
    assert chosen[0] < LIMIT and chosen[1] == "image/jpeg"
    expect(page.get_by_test_id("file-check")).to_have_count(0)
    shots.take(page, "camera-photo-chosen")

    with page.expect_navigation():
        page.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("attachments").locator("img")).to_have_count(1)
    shots.take(page, "camera-photo-filed")
    stored = CaseAttachment.objects.get()
    assert stored.size < LIMIT
    from PIL import Image

    with stored.file.open("rb") as file, Image.open(file) as image:
        assert image.size == (1920, 2560)  # upright (the EXIF turn applied), 2560 px long side
    assert problems.failed == [] and problems.console_errors == []


def test_ten_photos_keep_the_first_nine_and_name_the_tenth(
    live_server, personas: Personas, phone_page, shots, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    ensure_default_policies()
    page, problems = phone_page
    sign_in(page, live_server.url, "resident_a")
    page.goto(f"{live_server.url}/cases/new/")
    page.get_by_label("反映内容").fill("小区门口垃圾堆放多日无人清运")
    photos = page.get_by_label("照片")
    photos.set_input_files([upload(f"现场{i}.png", png(), "image/png") for i in range(1, 11)])

    check = page.get_by_test_id("file-check")
    expect(check).to_contain_text("最多上传 9 张照片")
    expect(check).to_contain_text("「现场10.png」")
    expect(check).to_contain_text("以上照片未选入，已选的其他照片保留，可直接提交。")
    assert "文件" not in check.inner_text()
    names = photos.evaluate("input => Array.from(input.files).map((f) => f.name)")
    assert names == [f"现场{i}.png" for i in range(1, 10)]
    shots.take(page, "ten-photos")

    with page.expect_navigation():
        page.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("attachments").locator("img")).to_have_count(9)
    assert problems.failed == [] and problems.console_errors == []
