"""notify(): dedupe, preferences, quiet hours, retries with backoff, masking of SMS text."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from gongzhi.core.models import Delivery, Notification, NotificationPreference
from gongzhi.core.notifications import notification_answered, notify
from gongzhi.core.notifications.delivery import attempt
from gongzhi.core.notifications.sms import SmsError
from gongzhi.core.notifications.sweeps import deliver_pending

SH = ZoneInfo("Asia/Shanghai")
DAYTIME = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SH)


class FailingSms:
    """An SMS provider that is down."""

    def send(self, message):
        raise SmsError("HTTP 503 服务暂不可用")


class RejectingSms:
    def send(self, message):
        raise SmsError("isv.MOBILE_NUMBER_ILLEGAL: 非法手机号", permanent=True)


@pytest.fixture
def outbox(settings, tmp_path):
    settings.GONGZHI_SMS_BACKEND = "gongzhi.core.notifications.sms.ConsoleSmsBackend"
    settings.GONGZHI_SMS_OUTBOX = tmp_path / "sms.log"
    return tmp_path / "sms.log"


def sms_lines(path):
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _assigned(user, key="case:1:assigned:1", **extra):
    return notify(
        recipient=user,
        kind="case.assigned",
        title="新的诉求已交办给您",
        body="诉求 NH20260310-0001：楼道灯不亮",
        link="/cases/1/",
        dedupe_key=key,
        **extra,
    )


@pytest.mark.django_db
def test_the_same_dedupe_key_never_produces_a_second_message(
    personas, outbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(DAYTIME, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            first = _assigned(personas.resident_a)
            second = _assigned(personas.resident_a)
        again = _assigned(personas.resident_a)
    assert first is not None
    assert second is None and again is None
    assert Notification.objects.filter(recipient=personas.resident_a).count() == 1
    assert len(sms_lines(outbox)) == 1
    # The key is per recipient: someone else may receive the same key.
    assert _assigned(personas.resident_b) is not None


@pytest.mark.django_db
def test_the_sms_is_sent_after_commit_not_before(
    personas, outbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(DAYTIME, tick=False):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            _assigned(personas.resident_a)
        assert sms_lines(outbox) == []
        for callback in callbacks:
            callback()
    [line] = sms_lines(outbox)
    assert line["phone"] == "138****1234"
    assert "新的诉求已交办给您" in line["text"]
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.status, delivery.attempts) == ("sms", "sent", 1)


@pytest.mark.django_db
def test_by_default_the_scheduler_sends_so_no_request_waits_for_the_provider(
    personas, outbox, django_capture_on_commit_callbacks, settings
):
    settings.GONGZHI_DELIVER_AT = "scheduler"  # the production default
    with time_machine.travel(DAYTIME, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            _assigned(personas.resident_a)
        assert sms_lines(outbox) == []
        assert Notification.objects.filter(recipient=personas.resident_a).count() == 1  # inbox
        assert deliver_pending(timezone.now()) == 1
        assert deliver_pending(timezone.now()) == 0  # never twice
    [line] = sms_lines(outbox)
    assert "新的诉求已交办给您" in line["text"]


@pytest.mark.django_db
def test_a_rolled_back_caller_leaves_no_notification_and_sends_nothing(
    personas, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _assigned(personas.resident_a)
                raise RuntimeError("the case service failed")
        except RuntimeError:
            pass
    assert not Notification.objects.exists()
    assert sms_lines(outbox) == []


@pytest.mark.django_db
def test_a_channel_switched_off_gets_no_delivery_row(personas, outbox):
    NotificationPreference.objects.create(user=personas.resident_a, sms_enabled=False)
    personas.resident_b.email = "lisi@example.cn"
    personas.resident_b.save()
    NotificationPreference.objects.create(user=personas.resident_b, email_enabled=False)
    with time_machine.travel(DAYTIME, tick=False):
        assert _assigned(personas.resident_a) is not None  # in-app is always on
        _assigned(personas.resident_b)
    assert not Delivery.objects.filter(notification__recipient=personas.resident_a).exists()
    assert list(
        Delivery.objects.filter(notification__recipient=personas.resident_b).values_list(
            "channel", flat=True
        )
    ) == ["sms"]


@pytest.mark.django_db
def test_no_address_means_no_delivery_and_muted_kinds_stay_in_app(personas, outbox):
    # Staff persona without phone or email: in-app only.
    _assigned(personas.property_a)
    assert not Delivery.objects.exists()
    NotificationPreference.objects.create(user=personas.resident_a, muted_kinds=["case.assigned"])
    personas.resident_b.is_active = False  # a deactivated account gets no SMS either
    personas.resident_b.save()
    with time_machine.travel(DAYTIME, tick=False):
        assert _assigned(personas.resident_a) is not None
        assert _assigned(personas.resident_b) is not None
    assert not Delivery.objects.exists()


@pytest.mark.django_db
def test_email_goes_through_the_django_backend(
    personas, outbox, django_capture_on_commit_callbacks, settings
):
    settings.GONGZHI_SITE_URL = "https://gongzhi.example.cn"
    personas.resident_a.email = "zhangsan@example.cn"
    personas.resident_a.save()
    with time_machine.travel(DAYTIME, tick=False), django_capture_on_commit_callbacks(execute=True):
        _assigned(personas.resident_a)
    [message] = mail.outbox
    assert message.to == ["zhangsan@example.cn"]
    assert message.subject == "【共治】新的诉求已交办给您"
    assert "https://gongzhi.example.cn/cases/1/" in message.body
    email = Delivery.objects.get(channel="email")
    assert (
        email.status == "sent" and email.provider_message_id == message.extra_headers["Message-ID"]
    )


@pytest.mark.django_db
def test_quiet_hours_defer_external_messages_to_their_end(
    personas, outbox, django_capture_on_commit_callbacks
):
    late = dt.datetime(2026, 3, 10, 23, 30, tzinfo=SH)
    with time_machine.travel(late, tick=False), django_capture_on_commit_callbacks(execute=True):
        note = _assigned(personas.resident_a)
    delivery = Delivery.objects.get(notification=note)
    assert delivery.next_attempt_at == dt.datetime(2026, 3, 11, 7, 0, tzinfo=SH)
    assert sms_lines(outbox) == []  # nothing at 23:30
    assert Notification.objects.get().read_at is None  # but the inbox has it already
    with time_machine.travel(dt.datetime(2026, 3, 11, 6, 59, tzinfo=SH), tick=False):
        assert deliver_pending(dt.datetime(2026, 3, 11, 6, 59, tzinfo=SH)) == 0
    assert sms_lines(outbox) == []
    seven = dt.datetime(2026, 3, 11, 7, 0, tzinfo=SH)
    with time_machine.travel(seven, tick=False):
        assert deliver_pending(seven) == 1
    assert len(sms_lines(outbox)) == 1


@pytest.mark.django_db
def test_quiet_hours_after_midnight_end_the_same_morning(personas, outbox):
    with time_machine.travel(dt.datetime(2026, 3, 11, 1, 15, tzinfo=SH), tick=False):
        note = _assigned(personas.resident_a)
    assert Delivery.objects.get(notification=note).next_attempt_at == dt.datetime(
        2026, 3, 11, 7, 0, tzinfo=SH
    )


@pytest.mark.django_db
def test_custom_quiet_hours_and_disabled_quiet_hours(personas, outbox):
    pref = NotificationPreference.objects.create(
        user=personas.resident_a, quiet_start=dt.time(12, 0), quiet_end=dt.time(14, 0)
    )
    with time_machine.travel(dt.datetime(2026, 3, 10, 12, 30, tzinfo=SH), tick=False):
        note = _assigned(personas.resident_a, key="k1")
        assert Delivery.objects.get(notification=note).next_attempt_at == dt.datetime(
            2026, 3, 10, 14, 0, tzinfo=SH
        )
        pref.quiet_hours_enabled = False
        pref.save()
        note = _assigned(personas.resident_a, key="k2")
        assert Delivery.objects.get(notification=note).next_attempt_at == dt.datetime(
            2026, 3, 10, 12, 30, tzinfo=SH
        )


@pytest.mark.django_db
def test_urgent_kinds_reach_staff_in_quiet_hours_but_never_wake_residents(personas, outbox):
    from gongzhi.org.models import Person

    staff = personas.grid_worker
    staff.person = Person.objects.create(name="王网格", phone="13700001111")
    staff.save()
    late = dt.datetime(2026, 3, 10, 23, 30, tzinfo=SH)
    morning = dt.datetime(2026, 3, 11, 7, 0, tzinfo=SH)
    with time_machine.travel(late, tick=False):
        for user in (staff, personas.resident_a):
            notify(recipient=user, kind="case.escalated", title="诉求已升级", dedupe_key="esc:1")
        notify(recipient=staff, kind="case.assigned", title="新的交办", dedupe_key="as:1")
        notify(
            recipient=staff, kind="case.assigned", title="紧急交办", dedupe_key="as:2", urgent=True
        )
    due = {
        (d.notification.recipient_id, d.notification.title): d.next_attempt_at
        for d in Delivery.objects.select_related("notification")
    }
    assert due[(staff.pk, "诉求已升级")] == late
    assert due[(staff.pk, "紧急交办")] == late
    assert due[(staff.pk, "新的交办")] == morning
    assert due[(personas.resident_a.pk, "诉求已升级")] == morning
    # A staff member may opt out of the exception.
    NotificationPreference.objects.create(user=staff, urgent_bypasses_quiet_hours=False)
    with time_machine.travel(late, tick=False):
        note = notify(recipient=staff, kind="case.escalated", title="再次升级", dedupe_key="esc:2")
    assert Delivery.objects.get(notification=note).next_attempt_at == morning


@pytest.mark.django_db
def test_failures_are_retried_with_exponential_backoff_then_marked_failed(personas, settings):
    settings.GONGZHI_SMS_BACKEND = "gongzhi.core.tests.test_notifications.FailingSms"
    settings.GONGZHI_NOTIFY_MAX_ATTEMPTS = 4
    settings.GONGZHI_NOTIFY_BACKOFF_SECONDS = 60
    t = DAYTIME
    with time_machine.travel(t, tick=False):
        note = _assigned(personas.resident_a)
    delivery = Delivery.objects.get(notification=note)
    for number, wait in ((1, 60), (2, 120), (3, 240)):
        with time_machine.travel(t, tick=False):
            assert deliver_pending(t) == 0  # tried, not sent: waits for a retry
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("pending", number)
        assert delivery.next_attempt_at == t + dt.timedelta(seconds=wait)
        assert "503" in delivery.last_error
        early = t + dt.timedelta(seconds=wait - 1)
        with time_machine.travel(early, tick=False):
            assert deliver_pending(early) == 0  # not due yet
        t += dt.timedelta(seconds=wait)
    with time_machine.travel(t, tick=False):
        assert deliver_pending(t) == 0  # failed for good, not a delivery
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 4)
    with time_machine.travel(t + dt.timedelta(days=1), tick=False):
        assert deliver_pending(t + dt.timedelta(days=1)) == 0  # failed rows stay failed


@pytest.mark.django_db
def test_a_permanent_provider_error_fails_at_once(personas, settings):
    settings.GONGZHI_SMS_BACKEND = "gongzhi.core.tests.test_notifications.RejectingSms"
    with time_machine.travel(DAYTIME, tick=False):
        _assigned(personas.resident_a)
        deliver_pending(DAYTIME)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert "MOBILE_NUMBER_ILLEGAL" in delivery.last_error


@pytest.mark.django_db
def test_a_sent_or_claimed_delivery_is_never_attempted_again(personas, outbox):
    with time_machine.travel(DAYTIME, tick=False):
        note = _assigned(personas.resident_a)
        delivery = Delivery.objects.get(notification=note)
        assert attempt(delivery.pk) == "sent"
        assert attempt(delivery.pk) == ""
        assert deliver_pending(DAYTIME) == 0
    assert len(sms_lines(outbox)) == 1


@pytest.mark.django_db
def test_a_sender_that_died_mid_send_is_not_retried(personas, outbox):
    with time_machine.travel(DAYTIME, tick=False):
        note = _assigned(personas.resident_a)
    Delivery.objects.filter(notification=note).update(
        status="sending", attempts=1, claimed_at=DAYTIME
    )
    later = DAYTIME + dt.timedelta(minutes=11)
    with time_machine.travel(later, tick=False):
        assert deliver_pending(later) == 0
    delivery = Delivery.objects.get()
    assert delivery.status == "failed" and "不再重试" in delivery.last_error
    assert sms_lines(outbox) == []


@pytest.mark.django_db
def test_a_channel_switched_off_after_notify_is_cancelled_not_sent(personas, outbox):
    with time_machine.travel(dt.datetime(2026, 3, 10, 23, 0, tzinfo=SH), tick=False):
        note = _assigned(personas.resident_a)
    NotificationPreference.objects.create(user=personas.resident_a, sms_enabled=False)
    morning = dt.datetime(2026, 3, 11, 7, 0, tzinfo=SH)
    with time_machine.travel(morning, tick=False):
        deliver_pending(morning)
    assert Delivery.objects.get(notification=note).status == "cancelled"
    assert sms_lines(outbox) == []


@pytest.mark.django_db
def test_a_notice_answered_overnight_is_not_sent_in_the_morning(personas, outbox):
    """A 请评价 held by quiet hours, rated before they end: the inbox shows it read, and the
    morning's text does not ask for what was done."""
    with time_machine.travel(dt.datetime(2026, 3, 10, 23, 0, tzinfo=SH), tick=False):
        note = _assigned(personas.resident_a, key="case:1:rate:1")
        notification_answered(recipient_id=personas.resident_a.pk, dedupe_key="case:1:rate:1")
    morning = dt.datetime(2026, 3, 11, 7, 0, tzinfo=SH)
    with time_machine.travel(morning, tick=False):
        deliver_pending(morning)
    assert Delivery.objects.get(notification=note).status == "cancelled"
    assert sms_lines(outbox) == []
    note.refresh_from_db()
    assert note.read_at is not None


@pytest.mark.django_db
def test_an_sms_never_carries_another_persons_phone_or_id(personas, outbox):
    with time_machine.travel(DAYTIME, tick=False):
        notify(
            recipient=personas.resident_a,
            kind="case.assigned",
            title="李四 13912345678 的诉求",
            body="联系人13912345678，身份证42010619850202567X",
            dedupe_key="pii",
        )
        deliver_pending(DAYTIME)
    raw = outbox.read_text(encoding="utf-8")
    assert "13912345678" not in raw and "42010619850202567X" not in raw
    [line] = sms_lines(outbox)
    assert "139****5678" in line["text"] and "139****5678" in line["params"]["title"]


@pytest.mark.django_db
def test_notify_rejects_malformed_calls(personas):
    for bad in (
        {"kind": "assigned", "title": "x"},
        {"kind": "case.assigned", "title": "x", "link": "https://evil.example/"},
        {"kind": "case.assigned", "title": "x", "link": "//evil.example/"},
        {"kind": "case.assigned", "title": "  "},
    ):
        with pytest.raises(ValueError):
            notify(recipient=personas.resident_a, **bad)
    assert not Notification.objects.exists()
