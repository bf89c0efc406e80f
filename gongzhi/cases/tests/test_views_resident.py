"""Resident pages: filing from the phone form, 我的诉求, the case page, rating once per round."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gongzhi.cases.models import Case, CaseAttachment
from gongzhi.cases.tests.conftest import PNG, png
from gongzhi.cases.workflow import Status
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


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
        "is_public": "on",
    }
    data.update(overrides)
    return client.post("/cases/new/", data, follow=True)


def test_resident_files_from_the_phone_form_and_sees_number_and_timeline(personas) -> None:
    client = _client(personas.resident_a)
    form = client.get("/cases/new/").content.decode()
    assert "我要反映" in form and "1单元101（我家）" in form

    response = _report(client, personas, photos=[png("a.png"), png("b.png")])

    case = Case.objects.get()
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/cases/{case.pk}/"
    assert f"您的诉求已受理，编号 {case.number}" in page
    assert 'data-testid="case-number">' + case.number in page
    assert "受理" in page and "本人" in page  # the timeline, with who did it
    assert case.title == "楼道灯坏了一周，晚上很黑" and case.unit == personas.unit_a
    assert case.is_public and case.requester == personas.resident_a
    assert CaseAttachment.objects.filter(case=case).count() == 2
    mine = client.get("/cases/mine/").content.decode()
    assert case.number in mine


def test_the_resident_reads_a_staff_members_surname_not_their_offices(personas, make) -> None:
    """Staff display names often read "华锦社区·刘洋": the resident's timeline says 刘*."""
    worker = personas.community_worker
    worker.display_name = "华锦社区·刘洋"
    worker.save(update_fields=["display_name"])
    case = make.dispatched(requester=personas.resident_a)
    page = _client(personas.resident_a).get(f"/cases/{case.pk}/").content.decode()
    assert "刘*" in page and "华*" not in page and "刘洋" not in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"content": ""}, "请填写反映内容"),
        ({"content": "   "}, "请填写反映内容"),
        ({"content": "长" * 5001}, "反映内容不能超过 5000 字"),
        ({"place": "unit:999999"}, "请选择您所在小区的房屋、楼栋或公共区域"),
        ({"place": "compound:0"}, "请选择您所在小区的房屋、楼栋或公共区域"),
        (
            {"photos": [SimpleUploadedFile("x.jpg", b"just text, not a picture")]},
            "「x.jpg」不是图片，仅支持 JPG、PNG、GIF、WebP<",  # no "或 PDF": see test_attachments
        ),
        ({"photos": [SimpleUploadedFile("notes.txt", b"just notes")]}, "「notes.txt」不是图片"),
        (
            {"photos": [SimpleUploadedFile("big.png", PNG + b"\x00" * (5 * 1024 * 1024))]},
            "「big.png」超过 5 MB",
        ),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_saved(personas, overrides, message):
    response = _report(_client(personas.resident_a), personas, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Case.objects.exists() and not CaseAttachment.objects.exists()


def test_a_resident_cannot_file_for_another_compound(personas) -> None:
    place = f"unit:{personas.unit_b.pk}"
    response = _report(_client(personas.resident_a), personas, place=place)
    assert "请选择您所在小区的房屋、楼栋或公共区域" in response.content.decode()
    assert not Case.objects.exists()


def test_residents_see_only_their_own_cases(personas, make) -> None:
    own = make.received(title="我家门口积水")
    other = make.received(compound=personas.compound_b, requester=personas.resident_b)
    client = _client(personas.resident_a)
    mine = client.get("/cases/mine/").content.decode()
    assert own.number in mine and other.number not in mine
    assert client.get(f"/cases/{own.pk}/").status_code == 200
    assert client.get(f"/cases/{other.pk}/").status_code == 404
    assert client.get("/cases/").status_code == 302  # the work queue is for staff


def test_timeline_shows_staff_as_role_and_masked_name(personas, make) -> None:
    personas.community_worker.display_name = "刘洋"
    personas.community_worker.save(update_fields=["display_name"])
    case = make.dispatched()
    page = _client(personas.resident_a).get(f"/cases/{case.pk}/").content.decode()
    assert "社区工作者 刘*" in page  # assessed/dispatched by the community worker
    assert "研判" not in page  # the assessment is an internal event
    assert "交办" in page


def test_resident_rates_once_and_a_second_rating_is_refused(personas, make) -> None:
    case = make.resolved()
    client = _client(personas.resident_a)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "请评价本次办理结果" in page and "非常不满意" in page and "已更换楼道灯" in page

    data = {"version": case.version, "resolved": "1", "level": "satisfied"}
    response = client.post(f"/cases/{case.pk}/rate", data, follow=True)
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert "已回访评价" in response.content.decode()

    again = client.post(f"/cases/{case.pk}/rate", {**data, "version": case.version}, follow=True)
    assert "您已评价过本轮办理结果，每轮只能评价一次" in again.content.decode()
    # The same from a tab opened before rating (its version is stale): their own rating moved
    # the case, so they are not told that someone else did.
    stale = client.post(f"/cases/{case.pk}/rate", data, follow=True).content.decode()
    assert "您已评价过本轮办理结果，每轮只能评价一次" in stale
    assert "该诉求已被他人处理" not in stale
    assert case.ratings.count() == 1


def test_rating_needs_both_answers(personas, make) -> None:
    case = make.resolved()
    response = _client(personas.resident_a).post(
        f"/cases/{case.pk}/rate", {"version": case.version, "resolved": "1"}
    )
    assert response.status_code == 400 and "请选择满意度" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and not case.ratings.exists()


def test_unsatisfied_rating_reopens_the_case(personas, make) -> None:
    case = make.resolved()
    _client(personas.resident_a).post(
        f"/cases/{case.pk}/rate",
        {"version": case.version, "resolved": "0", "level": "dissatisfied", "note": "灯还是不亮"},
    )
    case.refresh_from_db()
    assert case.status == Status.REOPENED and case.round == 2


def test_my_cases_offers_each_user_the_way_to_file_they_have(personas) -> None:
    """A resident reports for their home; a grid worker, who has none, is offered 登记诉求
    instead of a 我要反映 button that ends in "您的账号尚未关联房屋"."""
    resident = _client(personas.resident_a).get("/cases/mine/").content.decode()
    assert 'href="/cases/new/"' in resident and 'href="/cases/intake/"' not in resident
    grid = _client(personas.grid_worker).get("/cases/mine/").content.decode()
    assert 'href="/cases/new/"' not in grid and 'href="/cases/intake/"' in grid
    assert _client(personas.grid_worker).get("/cases/new/").status_code == 403
