"""What the phone walkthrough of a resident found: the words after a rating, the resident's
own comment shown back (and to the staff who redo the work, S9), 待您评价 on the home page,
photos that open instead of downloading, and the filing form kept when over the limit."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from gongzhi.cases import selectors, services
from gongzhi.cases.choices import CaseType, Channel
from gongzhi.cases.models import Case, CaseRating
from gongzhi.cases.tests.conftest import png
from gongzhi.cases.workflow import Status
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

NOTE = "我是1栋1单元101的张三，电话13812341234，保洁还是没人来"
TRACES = ("张三", "13812341234", "1234-1234", "1单元101")


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _rate(client: Client, case: Case, resolved: str, level: str, note: str = ""):
    data = {"version": case.version, "resolved": resolved, "level": level, "note": note}
    return client.post(f"/cases/{case.pk}/rate", data, follow=True)


# --- 1. The message after rating says what the resident chose -------------------------------


@pytest.mark.parametrize(
    ("resolved", "level", "status", "message", "not_said"),
    [
        ("1", "satisfied", Status.CLOSED, "诉求已办结，感谢您的评价", "重新办理"),
        ("1", "dissatisfied", Status.REOPENED, "您对办理结果不满意，诉求已重新办理", "未解决"),
        ("1", "very_dissatisfied", Status.REOPENED, "您对办理结果不满意", "未解决"),
        ("0", "satisfied", Status.REOPENED, "问题未解决，诉求已重新办理", "不满意"),
        ("0", "dissatisfied", Status.REOPENED, "问题未解决，诉求已重新办理", "不满意"),
    ],
)
def test_the_message_after_rating_follows_what_was_chosen(
    personas, make, resolved, level, status, message, not_said
):
    case = make.resolved()
    response = _rate(_client(personas.resident_a), case, resolved, level)
    case.refresh_from_db()
    assert case.status == status
    flash = response.content.decode().split('data-testid="flash">', 1)[1].split("</div>", 1)[0]
    assert message in flash and not_said not in flash


# --- 2. The resident's own comment is shown back -------------------------------------------


def test_the_resident_sees_their_own_comment_under_my_rating(personas, make):
    case = make.resolved()
    client = _client(personas.resident_a)
    _rate(client, case, "0", "dissatisfied", note="灯还是不亮，晚上依旧很黑")
    page = client.get(f"/cases/{case.pk}/").content.decode()
    mine = page.split('data-testid="ratings"', 1)[1]
    assert "我的意见：灯还是不亮，晚上依旧很黑" in mine


def test_staff_see_why_the_resident_is_unhappy(personas, make):
    case = make.resolved()
    _rate(_client(personas.resident_a), case, "1", "very_dissatisfied", note="只修了一半")
    page = _client(personas.community_worker).get(f"/cases/{case.pk}/").content.decode()
    ratings = page.split('data-testid="ratings"', 1)[1].split("</ul>", 1)[0]
    assert "第 1 轮：已解决，非常不满意" in ratings
    assert "诉求人意见：只修了一半" in ratings


def _complaint_about_x_resolved(p) -> Case:
    case = services.case_file(
        actor=p.resident_a, compound=p.compound_a, channel=Channel.ONLINE,
        type=CaseType.COMPLAINT, title="楼道保洁一周没人来", content="楼道保洁一周没人来",
        requester=p.resident_a, unit=p.unit_a, respondent_company=p.company_x,
    )  # fmt: skip
    services.case_assess(case=case, actor=p.community_worker, category="property_service",
                         sla_class="property", urgency="normal")  # fmt: skip
    services.case_dispatch(case=case, actor=p.community_worker, level="compound",
                           company=p.company_x)  # fmt: skip
    services.case_accept(case=case, actor=p.property_a)
    services.case_start(case=case, actor=p.property_a)
    return services.case_resolve(
        case=case, actor=p.property_a, public_reply="已安排保洁。", evidence=[png()]
    )


def test_the_company_complained_about_reads_the_comment_without_who_wrote_it(personas, make):
    p = personas
    case = _complaint_about_x_resolved(p)
    _rate(_client(p.resident_a), case, "0", "dissatisfied", note=NOTE)
    case.refresh_from_db()
    assert case.status == Status.REOPENED

    page = _client(p.property_a).get(f"/cases/{case.pk}/").content.decode()
    ratings = page.split('data-testid="ratings"', 1)[1].split("</ul>", 1)[0]
    assert "保洁还是没人来" in ratings  # why it is sent back: the company must redo the work
    assert not any(trace in page for trace in TRACES)
    # The resident reads their own words whole.
    own = _client(p.resident_a).get(f"/cases/{case.pk}/").content.decode()
    assert NOTE in own


# --- 5. 待您评价 on the home page ----------------------------------------------------------


def test_home_lists_the_cases_waiting_for_my_rating(personas, make):
    waiting = make.resolved(title="楼道灯不亮")
    other = make.resolved(compound=personas.compound_b, requester=personas.resident_b)
    client = _client(personas.resident_a)
    home = client.get("/").content.decode()
    section = home.split('data-testid="awaiting-rating"', 1)[1].split("</section>", 1)[0]
    assert waiting.number in section and other.number not in section
    assert f'href="/cases/{waiting.pk}/#rate"' in section and "去评价" in section

    _rate(client, waiting, "1", "satisfied")
    assert 'data-testid="awaiting-rating"' not in client.get("/").content.decode()


def test_a_case_rated_this_round_is_not_waiting(personas, make):
    case = make.resolved()
    assert list(selectors.awaiting_my_rating(personas.resident_a)) == [case]
    assert list(selectors.awaiting_my_rating(personas.resident_b)) == []
    # A rating of this round (say a phone visit being recorded) takes it off the list.
    CaseRating.objects.create(
        case=case, round=case.round, resolved=True, level="satisfied", via="phone"
    )
    assert list(selectors.awaiting_my_rating(personas.resident_a)) == []


# --- 6. A photo opens on a page of its own; the file stays a download ------------------------


def test_tapping_a_thumbnail_opens_the_photo_with_a_way_back(personas, make):
    case = make.received(photos=[png("门口.png")])
    item = case.attachments.get()
    client = _client(personas.resident_a)
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'href="/cases/files/{item.pk}/view"' in detail

    page = client.get(f"/cases/files/{item.pk}/view")
    html = page.content.decode()
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert f'<img src="/cases/files/{item.pk}"' in html
    assert f'href="/cases/{case.pk}/"' in html and "返回诉求" in html
    assert _client(personas.resident_b).get(f"/cases/files/{item.pk}/view").status_code == 404


# --- 4. Over the filing limit the form comes back with what was typed -------------------------


@pytest.fixture
def one_window():
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, 30, tzinfo=dt.UTC), tick=False):
        yield


def test_over_the_filing_limit_the_typed_text_is_kept(personas, settings, one_window):
    settings.GONGZHI_FILING_RATE_PER_MINUTE = 1
    client = _client(personas.resident_a)
    data = {"place": f"unit:{personas.unit_a.pk}", "type": "help", "title": ""}
    first = client.post("/cases/new/", {**data, "content": "第一件事：楼道灯坏了"})
    assert first.status_code == 302

    refused = client.post("/cases/new/", {**data, "content": "第二件事：电梯异响很久了"})
    html = refused.content.decode()
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert 'data-testid="report-form"' in html
    assert "操作过于频繁，请 30 秒后再试" in html
    assert "第二件事：电梯异响很久了</textarea>" in html
    assert Case.objects.count() == 1
