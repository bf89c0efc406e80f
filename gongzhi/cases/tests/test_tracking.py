"""受理回执 and 进度查询: a requester recorded by staff, without an account, follows the case by the
receipt's link or by number and phone, and rates it there once per round (S5), always masked
(G1, S9)."""

import datetime as dt
import re

import pytest
import segno
import time_machine
from django.test import Client

from gongzhi.cases import services
from gongzhi.cases.choices import CaseType, Category, Channel, Level, SlaClass, Urgency
from gongzhi.cases.models import Case, CaseEvent, CaseRating, EventKind
from gongzhi.cases.tests.conftest import CaseMaker, png
from gongzhi.cases.tracking import RECEIPT_LINK, tracking_token
from gongzhi.cases.workflow import Status
from gongzhi.core.models import AuditRecord, PhoneSms
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

NAME, PHONE = "夏静琳", "19900001234"
INTERNAL = "内部研判：该户曾多次投诉，注意沟通方式"
HANDLING = "内部处置说明：更换灯具两只"
SENT = "如诉求编号与登记的手机号一致，我们已将查询链接以短信发送到该手机"


class WalkIn(CaseMaker):
    """A visitor at the community desk: recorded by the grid worker, no account."""

    def received(self, **kw):
        return services.case_file(
            actor=self.p.grid_worker,
            compound=kw.pop("compound", self.p.compound_a),
            channel=Channel.VISIT,
            type=kw.pop("type", CaseType.HELP),
            title=kw.pop("title", "楼道灯不亮"),
            content=kw.pop("content", f"3单元楼道灯坏了一周，{NAME}，电话 {PHONE}"),
            requester_name=NAME,
            requester_phone=kw.pop("phone", PHONE),
            **kw,
        )

    def assessed(self, **kw):
        case = self.received(**kw)
        return services.case_assess(
            case=case,
            actor=self.p.community_worker,
            category=Category.REPAIR,
            sla_class=SlaClass.PROPERTY,
            urgency=Urgency.NORMAL,
            note=INTERNAL,
        )

    def resolved(self, **kw):
        case = self.in_progress(**kw)
        return services.case_resolve(
            case=case,
            actor=self._handler(case),
            public_reply="已更换楼道灯，恢复照明。",
            resolution_note=HANDLING,
            evidence=[png()],
        )


@pytest.fixture
def walk_in(make) -> WalkIn:
    return WalkIn(make.p)


def link(case: Case) -> str:
    return f"/track/{case.number}/{tracking_token(case)}/"


def signed_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_receipt_link_shows_progress_without_signing_in(walk_in) -> None:
    case = walk_in.accepted()
    response = Client().get(link(case))
    page = response.content.decode()
    assert response.status_code == 200
    assert case.number in page and "已签收" in page  # the status
    assert "办理过程" in page and "交办" in page and "签收" in page  # the requester's timeline
    assert "承办：" not in page or "测试物业X有限公司" in page  # organisations, never a person
    assert 'data-testid="track-deadline"' in page  # dispatched: the deadline
    assert "noindex" in response["X-Robots-Tag"] and "no-store" in response["Cache-Control"]


def test_a_wrong_token_or_number_is_404_and_the_same_404(walk_in) -> None:
    case, other = walk_in.received(), walk_in.received(title="垃圾未清运")
    token = tracking_token(case)
    tampered = ("1" if token[0] == "0" else "0") + token[1:]
    client = Client()
    urls = [
        f"/track/{case.number}/{tampered}/",
        f"/track/{case.number}/{tracking_token(other)}/",  # another case's token
        f"/track/NH209901019999/{token}/",  # no such case
        f"/track/{case.number}/{token[:-1]}/",  # cut short
    ]
    answers = [client.get(url) for url in urls]
    assert [r.status_code for r in answers] == [404] * 4
    # Nothing tells which was wrong: the pages differ only by the address itself (the language
    # switcher's `next`) and the per-request CSRF token.
    pages = {
        re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", r.content.decode().replace(url, ""))
        for url, r in zip(urls, answers, strict=True)
    }
    assert len(pages) == 1
    assert client.get(link(case)).status_code == 200


def test_a_new_secret_key_invalidates_printed_receipts(walk_in, settings) -> None:
    case = walk_in.received()
    old = link(case)
    settings.SECRET_KEY = "another-secret-key-" + "y" * 40
    assert Client().get(old).status_code == 404
    assert Client().get(link(case)).status_code == 200


def test_the_lookup_by_number_and_phone_texts_the_link_and_never_shows_it(walk_in) -> None:
    case = walk_in.received()
    client = Client()
    assert 'data-testid="track-lookup"' in client.get("/track/").content.decode()
    for number, phone in (
        (case.number, PHONE),
        (case.number.lower(), "199-0000-1234"),
        (f" {case.number} ", "+86 199 0000 1234"),
    ):
        response = client.post("/track/", {"number": number, "phone": phone})
        page = response.content.decode()
        assert response.status_code == 200 and SENT in page
        assert tracking_token(case) not in page and PHONE not in page
    # One text to the phone on file for the three lookups (at most one per case per 10 minutes).
    texts = PhoneSms.objects.filter(kind="case.tracking_link")
    assert [(t.phone, t.link.endswith(link(case))) for t in texts] == [(PHONE, True)]


def test_a_wrong_phone_and_an_unknown_number_get_one_neutral_answer(walk_in) -> None:
    case = walk_in.received()
    unrecorded = walk_in.received(phone="")  # recorded without a phone: never found by one
    client = Client()
    pages = [
        client.post("/track/", {"number": case.number, "phone": "19900009999"}),
        client.post("/track/", {"number": "NH209901019999", "phone": PHONE}),
        client.post("/track/", {"number": unrecorded.number, "phone": PHONE}),
        client.post("/track/", {"number": case.number, "phone": PHONE}),  # the right one
    ]
    for response in pages:
        assert response.status_code == 200
        assert SENT in response.content.decode()

    def answer(response) -> str:
        return re.search(r'data-testid="track-answer">(.*?)</div>', response.content.decode())[1]

    assert len({answer(r) for r in pages}) == 1
    short = client.post("/track/", {"number": case.number, "phone": "1990000"}).content.decode()
    assert "请填写完整的 11 位手机号码" in short and SENT not in short


@pytest.fixture
def one_window():
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, 30, tzinfo=dt.UTC), tick=False):
        yield


def test_the_lookup_is_rate_limited_per_address(walk_in, settings, one_window) -> None:
    settings.GONGZHI_TRACK_LOOKUP_RATE_PER_MINUTE = 3
    case = walk_in.received()
    guesser = Client(REMOTE_ADDR="10.0.0.7")
    for guess in ("19900000001", "19900000002", "19900000003"):
        response = guesser.post("/track/", {"number": case.number, "phone": guess})
        assert response.status_code == 200
    refused = guesser.post("/track/", {"number": case.number, "phone": PHONE})  # even the right one
    assert refused.status_code == 429 and int(refused["Retry-After"]) == 30
    assert "操作过于频繁，请 30 秒后再试" in refused.content.decode()
    assert guesser.get("/track/").status_code == 200  # reading the form is never counted
    other = Client(REMOTE_ADDR="10.0.0.8").post("/track/", {"number": case.number, "phone": PHONE})
    assert other.status_code == 200 and SENT in other.content.decode()


def test_the_link_rates_once_per_round(walk_in) -> None:
    case = walk_in.resolved()
    client = Client()
    page = client.get(link(case)).content.decode()
    assert 'data-testid="rate-form"' in page and "非常满意" in page and "未解决" in page
    assert "已更换楼道灯，恢复照明。" in page  # the public reply

    response = client.post(
        link(case) + "rate", {"resolved": "1", "level": "satisfied", "version": case.version}
    )
    assert response.status_code == 302 and response["Location"] == link(case)
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    rating = CaseRating.objects.get(case=case)
    assert (rating.by, rating.via, rating.level) == (None, "online", "satisfied")
    event = CaseEvent.objects.get(case=case, kind=EventKind.CLOSED)
    assert event.actor is None and event.payload["source"] == RECEIPT_LINK
    assert "凭回执链接评价" in event.note
    audit = AuditRecord.objects.filter(action="case.visit").get()
    assert audit.actor is None and audit.actor_label == "system"
    assert audit.detail["source"] == RECEIPT_LINK
    after = client.get(link(case)).content.decode()
    assert "已回访评价，诉求已办结" in after and 'data-testid="rate-form"' not in after
    assert "诉求人（凭回执链接）" in after

    version = case.version
    again = client.post(link(case) + "rate", {"resolved": "0", "level": "very_dissatisfied"})
    assert (
        "您已评价过本轮办理结果，每轮只能评价一次" in client.get(again["Location"]).content.decode()
    )
    case.refresh_from_db()
    assert (case.status, case.version, CaseRating.objects.count()) == (Status.CLOSED, version, 1)


def test_dissatisfied_through_the_link_reopens_the_case(walk_in) -> None:
    case = walk_in.resolved()
    client = Client()
    response = client.post(link(case) + "rate", {"resolved": "1", "level": "dissatisfied"})
    case.refresh_from_db()
    assert (case.status, case.round) == (Status.REOPENED, 2)
    assert "诉求已重新办理" in client.get(response["Location"]).content.decode()
    staff_page = signed_in(walk_in.p.community_worker).get(f"/cases/{case.pk}/").content.decode()
    assert "诉求人（凭回执链接）" in staff_page  # the staff timeline says who rated, and how
    ratings = re.search(r'data-testid="ratings">(.*?)</ul>', staff_page, re.S)[1]
    assert "凭回执链接评价" in ratings and "线上评价" not in ratings  # the record says the same


def test_a_rating_needs_the_right_link_a_choice_and_the_csrf_token(walk_in) -> None:
    case = walk_in.resolved()
    token = tracking_token(case)
    tampered = ("1" if token[0] == "0" else "0") + token[1:]
    data = {"resolved": "1", "level": "satisfied"}
    assert Client().post(f"/track/{case.number}/{tampered}/rate", data).status_code == 404
    missing = Client().post(link(case) + "rate", {"resolved": "1"})
    assert missing.status_code == 400 and "请选择满意度" in missing.content.decode()
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(link(case) + "rate", data).status_code == 403
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and not CaseRating.objects.exists()


def test_the_public_page_shows_no_phone_name_internal_note_or_staff_name(walk_in) -> None:
    walk_in.p.grid_worker.display_name = "王建国"
    walk_in.p.grid_worker.save(update_fields=["display_name"])
    case = walk_in.resolved()
    page = Client().get(link(case)).content.decode()
    for secret in (PHONE, NAME, INTERNAL, HANDLING, "王建国", "0000-1234"):
        assert secret not in page, secret
    assert "夏*" in page  # the requester masked, as on the receipt
    assert "网格员 王*" in page  # staff by role and masked name, as on the resident's own page


def test_the_receipt_has_the_tracking_qr_code_and_a_masked_requester(walk_in) -> None:
    case = walk_in.assessed()
    client = signed_in(walk_in.p.community_worker)
    staff_page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'href="/cases/{case.pk}/receipt"' in staff_page and "打印回执" in staff_page

    page = client.get(f"/cases/{case.pk}/receipt").content.decode()
    url = "http://testserver" + link(case)
    assert url in page and "<svg" in page and "凭回执扫码或登录查询进度" in page
    # The dark modules drawn are those of the QR code of that URL (4 modules of quiet zone).
    dark = re.compile(r'class="gz-qr">.*?stroke="#000" d="([^"]+)"', re.S)
    expected = segno.make(url, error="m").svg_inline(border=4, svgclass="gz-qr")
    assert dark.search(page)[1] == dark.search(expected)[1]
    assert case.number in page and "南湖测试街道" in page and "来访" in page
    assert "夏*" in page and NAME not in page and PHONE not in page
    assert "物业类：交办后 24 小时内处置" in page  # assessed: the promised time limit
    assert "data-print" in page and "js/print.js" in page  # the print button, no inline script


def test_the_receipt_links_to_the_configured_site(walk_in, settings) -> None:
    settings.GONGZHI_SITE_URL = "https://gongzhi.example.cn/"
    case = walk_in.received()
    page = signed_in(walk_in.p.grid_worker).get(f"/cases/{case.pk}/receipt").content.decode()
    assert 'href="/cases/"' in page and "工作台" in page and "交给诉求人" in page
    assert "https://gongzhi.example.cn" + link(case) in page
    assert "https://gongzhi.example.cn/track/" in page


def test_a_resident_finds_the_receipt_of_their_own_demand_on_its_page(make) -> None:
    case = make.received()  # filed online by resident_a
    client = signed_in(make.p.resident_a)
    own = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'href="/cases/{case.pk}/receipt"' in own and "受理回执" in own

    page = client.get(f"/cases/{case.pk}/receipt").content.decode()
    assert 'href="/cases/mine/"' in page and "工作台" not in page  # residents have no workbench
    assert "凭二维码随时查看办理进度" in page and "交给诉求人" not in page
    assert "http://testserver" + link(case) in page

    # Staff print no receipt for it: its requester follows and rates it signed in.
    staff = signed_in(make.p.community_worker).get(f"/cases/{case.pk}/receipt")
    assert staff.status_code == 403 and "无需打印受理回执" in staff.content.decode()
    neighbour = signed_in(make.p.resident_b).get(f"/cases/{case.pk}/").status_code
    assert neighbour == 404


def test_the_company_complained_about_gets_no_receipt(walk_in) -> None:
    p = walk_in.p
    case = walk_in.received(type=CaseType.COMPLAINT, title="物业不作为")
    case = services.case_assess(
        case=case,
        actor=p.community_worker,
        category=Category.PROPERTY_SERVICE,
        sla_class=SlaClass.PROPERTY,
        urgency=Urgency.NORMAL,
        respondent_company=p.company_x,
    )
    services.case_dispatch(
        case=case, actor=p.community_worker, level=Level.COMPOUND, company=p.company_x
    )
    company = signed_in(p.property_a)
    staff_page = company.get(f"/cases/{case.pk}/")
    assert staff_page.status_code == 200 and "打印回执" not in staff_page.content.decode()
    assert company.get(f"/cases/{case.pk}/receipt").status_code == 404
    assert signed_in(p.party_a).get(f"/cases/{case.pk}/receipt").status_code == 404  # masked view
    assert signed_in(p.community_worker).get(f"/cases/{case.pk}/receipt").status_code == 200


def test_the_sign_in_page_points_visitors_to_the_lookup() -> None:
    page = Client().get("/accounts/login/").content.decode()
    assert 'href="/track/"' in page
