"""A requester without an account (a hotline order, a walk-in, a phone call recorded by staff)
hears of their case by one short text message at the mobile they gave: at filing with the
tracking link, on 延期, 已处置 (asking for a rating), 办结, 终止, 不予受理 and S6 repeats; never
twice, never in the night, never with their name, phone or the case's content (S9)."""

import datetime as dt
import re
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from gongzhi.cases import services
from gongzhi.cases.choices import Channel, NotAcceptedReason
from gongzhi.cases.imports import import_hotline
from gongzhi.cases.models import Case
from gongzhi.cases.services import notices
from gongzhi.cases.tests.conftest import png
from gongzhi.cases.tests.test_imports import GOOD, xlsx
from gongzhi.cases.tests.test_tracking import HANDLING, INTERNAL, NAME, PHONE, WalkIn
from gongzhi.core.models import Notification, NotificationPreference, PhoneSms
from gongzhi.core.notifications.sms import SmsError
from gongzhi.core.notifications.sweeps import deliver_pending

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
DAYTIME = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SH)
BASE = "https://gongzhi.example.cn"
LINK = re.compile(r"https://gongzhi\.example\.cn/track/\S+/")


class RecordingSms:
    """The SMS gateway, as the tests see it: every message handed to it, phone unmasked."""

    sent: list = []
    failures = 0  # how many of the next sends fail (the provider is down)

    def send(self, message) -> str:
        if RecordingSms.failures:
            RecordingSms.failures -= 1
            raise SmsError("HTTP 503 服务暂不可用")
        RecordingSms.sent.append(message)
        return f"rec-{len(RecordingSms.sent)}"


@pytest.fixture
def texts(settings, django_capture_on_commit_callbacks):
    settings.GONGZHI_SMS_BACKEND = "gongzhi.cases.tests.test_requester_sms.RecordingSms"
    settings.GONGZHI_PUBLIC_BASE_URL = BASE + "/"
    RecordingSms.sent = []
    RecordingSms.failures = 0
    return RecordingSms.sent


@pytest.fixture
def walk_in(make) -> WalkIn:
    return WalkIn(make.p)


def step(capture, action):
    """Run a service as a request would: its messages go out when its transaction commits."""
    with capture(execute=True):
        return action()


def path_of(text: str) -> str:
    found = LINK.search(text)
    assert found, text
    return urlsplit(found.group(0)).path


def without_link(text: str) -> str:
    return LINK.sub("", text)


def test_a_walk_in_gets_one_text_at_filing_with_a_working_tracking_link(
    walk_in, texts, django_capture_on_commit_callbacks
) -> None:
    with time_machine.travel(DAYTIME, tick=False):
        case = step(django_capture_on_commit_callbacks, walk_in.received)
    [message] = texts
    assert message.phone == PHONE
    assert message.text.startswith("【共治】") and "已受理" in message.text
    assert case.number in message.text
    page = Client().get(path_of(message.text))
    assert page.status_code == 200 and case.number in page.content.decode()
    # A rerun of the same step (a retried request, a replayed import) texts nobody again.
    with time_machine.travel(DAYTIME, tick=False):
        again = step(
            django_capture_on_commit_callbacks,
            lambda: notices.tell_requester(case, kind="case.created", title="t", key="created"),
        )
        assert deliver_pending(DAYTIME + dt.timedelta(hours=1)) == 0
    assert again == 0 and len(texts) == 1
    assert PhoneSms.objects.get().status == "sent"


def test_an_imported_hotline_order_texts_its_caller_once_without_personal_data(
    personas, texts, django_capture_on_commit_callbacks
) -> None:
    after_the_calls = dt.datetime(2026, 11, 25, 10, 0, tzinfo=SH)
    with time_machine.travel(after_the_calls, tick=False):
        step(django_capture_on_commit_callbacks, lambda: import_hotline(xlsx(GOOD)))
        step(django_capture_on_commit_callbacks, lambda: import_hotline(xlsx(GOOD)))
    case = Case.objects.get(external_order_no="12345-0001")
    [message] = texts  # the second order has no phone: nothing for it
    assert message.phone == "13700001111" and case.number in message.text
    assert "王" not in message.text and "13700001111" not in message.text
    assert "油烟" not in message.text and "南湖路" not in message.text
    assert Client().get(path_of(message.text)).status_code == 200


def test_resolution_asks_for_a_rating_by_text_and_the_link_rates(
    walk_in, texts, django_capture_on_commit_callbacks
) -> None:
    with time_machine.travel(DAYTIME, tick=False):
        case = step(django_capture_on_commit_callbacks, walk_in.resolved)
    created, rate = texts  # nothing for 研判, 交办, 签收 or 办理中
    assert "已受理" in created.text
    assert case.number in rate.text and "已处置" in rate.text and "评价" in rate.text
    client = Client()
    link = path_of(rate.text)
    assert 'name="level"' in client.get(link).content.decode()  # the rating form
    with time_machine.travel(DAYTIME + dt.timedelta(hours=1), tick=False):
        step(
            django_capture_on_commit_callbacks,
            lambda: client.post(
                link + "rate", {"resolved": "1", "level": "satisfied", "version": case.version}
            ),
        )
    case.refresh_from_db()
    assert case.status == "closed"
    assert "已办结" in texts[-1].text and len(texts) == 3


def test_an_unrated_case_that_closes_by_itself_is_texted_once(
    walk_in, texts, django_capture_on_commit_callbacks
) -> None:
    """S5: nobody rated it within the return-visit window, so the scheduler closes it; the
    requester hears that it is closed (and that they may report it again)."""
    from gongzhi.cases import sweeps

    with time_machine.travel(DAYTIME, tick=False):
        case = step(django_capture_on_commit_callbacks, walk_in.resolved)
    later = case.visit_due_at + dt.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert step(django_capture_on_commit_callbacks, lambda: sweeps.sweep_auto_close(later))
        step(django_capture_on_commit_callbacks, lambda: sweeps.sweep_auto_close(later))
    created, rate, closed = texts
    assert case.number in closed.text and "已办结" in closed.text


def test_account_holders_hear_of_an_automatic_or_an_exceptional_close(make, personas) -> None:
    """The requester with an account is told in the app: after the automatic close, and when a
    supervisor closes their reopened case with a reasoned exception (the reason is on their
    timeline too)."""
    from gongzhi.cases import sweeps
    from gongzhi.cases.choices import RatingLevel, RatingVia

    auto = make.resolved()
    later = auto.visit_due_at + dt.timedelta(minutes=1)
    sweeps.sweep_auto_close(later)
    [told] = Notification.objects.filter(recipient=personas.resident_a, kind="case.closed")
    assert told.title == "您的诉求已办结" and "自动办结" in told.body and auto.number in told.body
    reopened = services.case_visit(
        case=make.resolved(), actor=personas.resident_a, resolved=False,
        level=RatingLevel.DISSATISFIED, via=RatingVia.ONLINE,
    )  # fmt: skip
    reason = "已三次上门解释，诉求不属于物业责任"
    services.case_close_with_exception(
        case=reopened, actor=personas.community_worker, reason=reason
    )
    closed = Notification.objects.filter(recipient=personas.resident_a, kind="case.closed")
    assert closed.filter(body__contains=reason, body__startswith=f"诉求 {reopened.number}").exists()


def test_every_text_is_short_signed_and_free_of_the_requester_and_the_content(
    walk_in, texts, django_capture_on_commit_callbacks
) -> None:
    p = walk_in.p
    with time_machine.travel(DAYTIME, tick=False):
        case = step(django_capture_on_commit_callbacks, walk_in.in_progress)
        until = case.due_at + dt.timedelta(days=2)
        step(
            django_capture_on_commit_callbacks,
            lambda: services.case_extend(
                case=case, actor=p.community_worker, reason=f"等待配件，{NAME}同意", until=until
            ),
        )
        step(
            django_capture_on_commit_callbacks,
            lambda: services.case_terminate(
                case=case, actor=p.street_officer, reason=f"{NAME}已撤回，电话{PHONE}"
            ),
        )
        refused = step(django_capture_on_commit_callbacks, walk_in.received)
        step(
            django_capture_on_commit_callbacks,
            lambda: services.case_not_accept(
                case=refused, actor=p.community_worker, reason=NotAcceptedReason.ARBITRATION
            ),
        )
    kinds = [row.kind for row in PhoneSms.objects.order_by("id")]
    assert kinds == [
        "case.created",
        "case.extended",
        "case.terminated",
        "case.created",
        "case.not_accepted",
    ]
    extended = texts[1].text
    assert f"{until.astimezone(SH):%Y-%m-%d %H:%M}" in extended and case.number in extended
    assert "终止" in texts[2].text and "不予受理" in texts[4].text
    for message in texts:
        assert message.text.startswith("【共治】") and path_of(message.text)
        assert len(without_link(message.text)) <= 70
        for secret in (NAME, "夏", PHONE, "1234", "3单元", "楼道灯", "配件", INTERNAL, HANDLING):
            assert secret not in message.text


def test_filing_at_night_texts_at_seven_in_the_morning(
    walk_in, texts, django_capture_on_commit_callbacks
) -> None:
    night = dt.datetime(2026, 3, 10, 23, 0, tzinfo=SH)
    morning = dt.datetime(2026, 3, 11, 7, 0, tzinfo=SH)
    with time_machine.travel(night, tick=False):
        step(django_capture_on_commit_callbacks, walk_in.received)
        assert deliver_pending(night) == 0
    assert texts == []
    early = morning - dt.timedelta(minutes=1)
    with time_machine.travel(early, tick=False):
        assert deliver_pending(early) == 0
    assert texts == []
    with time_machine.travel(morning, tick=False):
        assert deliver_pending(morning) == 1
        assert deliver_pending(morning) == 0
    assert len(texts) == 1 and "已受理" in texts[0].text


@pytest.mark.parametrize("phone", ["", "027-87654321", "87654321", "2990000123", "199000012345"])
def test_no_text_without_a_valid_mobile(walk_in, texts, phone) -> None:
    with time_machine.travel(DAYTIME, tick=False):
        case = walk_in.resolved(phone=phone)
    assert case.status == "resolved"
    assert not PhoneSms.objects.exists() and texts == []


def test_a_mobile_written_with_spaces_or_country_code_is_texted_as_digits(
    walk_in, texts, django_capture_on_commit_callbacks
) -> None:
    with time_machine.travel(DAYTIME, tick=False):
        step(
            django_capture_on_commit_callbacks, lambda: walk_in.received(phone="+86 199 0000 1234")
        )
    assert [m.phone for m in texts] == [PHONE]


def test_a_requester_with_an_account_keeps_the_in_app_notices_and_gets_no_bare_text(
    make, personas, texts, django_capture_on_commit_callbacks
) -> None:
    with time_machine.travel(DAYTIME, tick=False):
        step(
            django_capture_on_commit_callbacks,
            lambda: make.resolved(requester_name=NAME, requester_phone=PHONE),
        )
    kinds = set(
        Notification.objects.filter(recipient=personas.resident_a).values_list("kind", flat=True)
    )
    assert {"case.created", "case.rate_request"} <= kinds
    assert not PhoneSms.objects.exists()
    assert all(PHONE != message.phone for message in texts)


def test_staff_notices_never_text_the_requester(
    walk_in, texts, django_capture_on_commit_callbacks
) -> None:
    p = walk_in.p
    with time_machine.travel(DAYTIME, tick=False):
        case = step(django_capture_on_commit_callbacks, walk_in.accepted)
        step(
            django_capture_on_commit_callbacks,
            lambda: services.case_supervise(case=case, actor=p.street_officer, reason="请加快办理"),
        )
    assert [row.kind for row in PhoneSms.objects.all()] == ["case.created"]


def test_a_failed_send_is_retried_by_the_sweep_and_goes_out_once(
    walk_in, texts, settings, django_capture_on_commit_callbacks
) -> None:
    settings.GONGZHI_NOTIFY_BACKOFF_SECONDS = 60
    RecordingSms.failures = 1
    with time_machine.travel(DAYTIME, tick=False):
        step(django_capture_on_commit_callbacks, walk_in.received)
    row = PhoneSms.objects.get()
    assert (row.status, row.attempts, texts) == ("pending", 1, [])
    assert "503" in row.last_error
    assert row.next_attempt_at == DAYTIME + dt.timedelta(seconds=60)
    later = DAYTIME + dt.timedelta(seconds=60)
    with time_machine.travel(later, tick=False):
        assert deliver_pending(later) == 1
        assert deliver_pending(later) == 0
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2) and len(texts) == 1


def test_repeats_hear_by_text_that_they_joined_and_how_the_case_ended(
    walk_in, texts, django_capture_on_commit_callbacks
) -> None:
    p = walk_in.p
    with time_machine.travel(DAYTIME, tick=False):
        original = step(django_capture_on_commit_callbacks, walk_in.in_progress)
        repeat = step(
            django_capture_on_commit_callbacks,
            lambda: services.case_file(
                actor=p.grid_worker,
                compound=p.compound_a,
                channel=Channel.PHONE,
                type=original.type,
                title="楼道灯还是不亮",
                content="同一盏灯",
                requester_name="李四",
                requester_phone="13900005678",
                duplicate_of=original,
            ),
        )
        step(
            django_capture_on_commit_callbacks,
            lambda: services.case_resolve(
                case=original,
                actor=p.property_a,
                public_reply="已更换楼道灯。",
                evidence=[png()],
            ),
        )
    theirs = [m for m in texts if m.phone == "13900005678"]
    joined, outcome = theirs
    assert original.number in joined.text and "已并入" in joined.text
    assert original.number in outcome.text and "已处置" in outcome.text
    # Each link opens the repeat's own page, not the original's (never another's case).
    for message in theirs:
        assert repeat.number in path_of(message.text)
        assert Client().get(path_of(message.text)).status_code == 200
    assert len([m for m in texts if m.phone == PHONE]) == 2  # 受理 and the rating request


def test_a_number_that_is_an_accounts_own_follows_that_accounts_choices(
    walk_in, personas, texts, django_capture_on_commit_callbacks
) -> None:
    """A resident with an account called the desk instead of filing in the app: the number
    they gave is their own, so their 通知设置 apply (texts off, a muted kind, quiet hours)."""
    own = personas.resident_a.person.phone
    owner = personas.resident_a
    NotificationPreference.objects.create(user=owner, sms_enabled=False)
    with time_machine.travel(DAYTIME, tick=False):
        step(django_capture_on_commit_callbacks, lambda: walk_in.received(phone=own))
    assert texts == [] and not PhoneSms.objects.exists()

    NotificationPreference.objects.filter(user=owner).update(
        sms_enabled=True, muted_kinds=["case.created"]
    )
    with time_machine.travel(DAYTIME, tick=False):
        step(django_capture_on_commit_callbacks, lambda: walk_in.received(phone=own))
    assert texts == []

    # Their own quiet hours (from 09:00 to 12:00) hold the text until they end.
    NotificationPreference.objects.filter(user=owner).update(
        muted_kinds=[], quiet_start=dt.time(9, 0), quiet_end=dt.time(12, 0)
    )
    with time_machine.travel(DAYTIME, tick=False):
        step(django_capture_on_commit_callbacks, lambda: walk_in.received(phone=own))
    assert texts == []
    assert PhoneSms.objects.get().next_attempt_at == DAYTIME.replace(hour=12)
    assert deliver_pending(DAYTIME.replace(hour=12)) == 1
    [message] = texts
    assert message.phone == own and "已受理" in message.text


def test_a_number_of_no_account_is_texted_by_day_with_default_quiet_hours(
    walk_in, texts, django_capture_on_commit_callbacks
) -> None:
    """The contrast: a stranger's number ignores any account's settings; 22:00–07:00 only."""
    NotificationPreference.objects.create(
        user=walk_in.p.resident_a, sms_enabled=False, quiet_start=dt.time(9, 0)
    )
    with time_machine.travel(DAYTIME, tick=False):
        step(django_capture_on_commit_callbacks, walk_in.received)
    [message] = texts
    assert message.phone == PHONE


def test_a_text_held_for_the_night_is_cancelled_if_its_owner_switches_texts_off_meanwhile(
    walk_in, personas, texts, django_capture_on_commit_callbacks
) -> None:
    own, owner = personas.resident_a.person.phone, personas.resident_a
    late_evening = DAYTIME.replace(hour=22, minute=30)
    with time_machine.travel(late_evening, tick=False):
        step(django_capture_on_commit_callbacks, lambda: walk_in.received(phone=own))
    assert texts == [] and PhoneSms.objects.get().status == "pending"  # held till 07:00
    NotificationPreference.objects.create(user=owner, sms_enabled=False)
    morning = (late_evening + dt.timedelta(days=1)).replace(hour=7, minute=0)
    deliver_pending(morning)
    assert texts == []
    assert PhoneSms.objects.get().status == "cancelled"


def test_a_request_to_rate_held_for_the_night_is_not_sent_once_the_case_is_rated(
    walk_in, texts, django_capture_on_commit_callbacks
) -> None:
    """Resolved late in the evening, the 请评价 text waits for the morning; the requester rates
    at night through the link of their filing text: the morning does not ask them again."""
    with time_machine.travel(DAYTIME, tick=False):
        case = step(django_capture_on_commit_callbacks, walk_in.in_progress)
    [created] = texts
    late_evening = DAYTIME.replace(hour=22, minute=30)
    with time_machine.travel(late_evening, tick=False):
        case = step(
            django_capture_on_commit_callbacks,
            lambda: services.case_resolve(
                case=case,
                actor=walk_in._handler(case),
                public_reply="已更换楼道灯，恢复照明。",
                evidence=[png()],
            ),
        )
    assert PhoneSms.objects.get(kind="case.rate_request").status == "pending"
    link = path_of(created.text)
    with time_machine.travel(late_evening + dt.timedelta(minutes=40), tick=False):
        Client().post(
            link + "rate", {"resolved": "1", "level": "satisfied", "version": case.version}
        )
    morning = (late_evening + dt.timedelta(days=1)).replace(hour=7, minute=0)
    deliver_pending(morning)
    assert PhoneSms.objects.get(kind="case.rate_request").status == "cancelled"
    assert [t for t in texts if "评价" in t.text] == []
    assert "已办结" in texts[-1].text
