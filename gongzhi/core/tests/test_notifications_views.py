"""The inbox and preferences pages at /me/: each user sees and changes only their own."""

import datetime as dt

import pytest
from django.urls import reverse

from gongzhi.core.models import AuditRecord, Notification, NotificationPreference
from gongzhi.core.notifications import notify
from gongzhi.core.notifications.kinds import RESIDENT_KINDS
from gongzhi.org.testing import PASSWORD


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _note(user, title, key, link="/cases/7/"):
    return notify(recipient=user, kind="case.assigned", title=title, link=link, dedupe_key=key)


@pytest.mark.django_db
def test_a_user_never_sees_or_touches_another_users_notification(client, personas):
    theirs = _note(personas.resident_a, "张三的诉求已交办", "a1")
    _note(personas.resident_b, "李四的诉求已交办", "b1")
    _login(client, personas.resident_b)
    page = client.get(reverse("me:notifications")).content.decode()
    assert "李四的诉求已交办" in page and "张三的诉求已交办" not in page
    response = client.post(reverse("me:notification_read", args=[theirs.pk]))
    assert response.status_code == 404
    client.post(reverse("me:notifications_read_all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.django_db
def test_inbox_lists_unread_first_and_the_badge_counts_them(client, personas):
    old = _note(personas.resident_a, "较早的通知", "1")
    Notification.objects.filter(pk=old.pk).update(created_at=old.created_at - dt.timedelta(days=1))
    read = _note(personas.resident_a, "已读的新通知", "2")
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    _login(client, personas.resident_a)
    page = client.get(reverse("me:notifications")).content.decode()
    assert page.index("较早的通知") < page.index("已读的新通知")
    assert 'data-testid="notifications-badge"' in page
    badge = page.split('data-testid="notifications-badge"')[1].split("</a>")[0]
    assert ">1</span>" in badge


@pytest.mark.django_db
def test_mark_read_and_open_the_link(client, personas):
    note = _note(personas.resident_a, "请查看", "1")
    _login(client, personas.resident_a)
    response = client.post(reverse("me:notification_read", args=[note.pk]), {"go": "1"})
    assert response.status_code == 302 and response["Location"] == "/cases/7/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert client.get(reverse("me:notification_read", args=[note.pk])).status_code == 405


@pytest.mark.django_db
def test_mark_all_read(client, personas):
    for i in range(3):
        _note(personas.resident_a, f"通知{i}", str(i))
    _login(client, personas.resident_a)
    response = client.post(reverse("me:notifications_read_all"), follow=True)
    assert "已将 3 条通知标为已读" in response.content.decode()
    assert not Notification.objects.filter(read_at__isnull=True).exists()


@pytest.mark.django_db
def test_preferences_are_saved_and_audited(client, personas):
    _login(client, personas.resident_a)
    page = client.get(reverse("me:preferences")).content.decode()
    assert "138****1234" in page and "13812341234" not in page
    response = client.post(
        reverse("me:preferences"),
        {
            "sms_enabled": "on",
            "quiet_hours_enabled": "on",
            "quiet_start": "21:30",
            "quiet_end": "08:00",
            # Ticked: also by email and SMS; every kind but 请评价处置结果.
            "sent_kinds": sorted(RESIDENT_KINDS - {"case.rate_request"}),
        },
    )
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=personas.resident_a)
    assert (pref.sms_enabled, pref.email_enabled) == (True, False)
    assert (pref.quiet_start, pref.quiet_end) == (dt.time(21, 30), dt.time(8, 0))
    assert pref.muted_kinds == ["case.rate_request"]
    assert AuditRecord.objects.filter(
        action="notifications.preference_update", actor=personas.resident_a
    ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email_enabled": "on", "quiet_start": "22:00", "quiet_end": "07:00"}, "没有登记电子邮箱"),
        (
            {"quiet_hours_enabled": "on", "quiet_start": "22:00", "quiet_end": "22:00"},
            "开始时间和结束时间不能相同",
        ),
        ({"quiet_start": "25:00", "quiet_end": "07:00"}, "请输入有效的时间"),
        ({"quiet_start": "", "quiet_end": "07:00"}, "请填写时间"),
        ({"quiet_start": "22:00", "quiet_end": "07:00", "sent_kinds": ["x.y"]}, "未知的通知类型"),
    ],
)
def test_bad_preferences_show_a_chinese_error_and_change_nothing(client, personas, data, message):
    _login(client, personas.resident_a)
    response = client.post(reverse("me:preferences"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not NotificationPreference.objects.exists()


@pytest.mark.django_db
def test_only_staff_see_the_urgent_exception(client, personas):
    _login(client, personas.resident_a)
    assert (
        "urgent_bypasses_quiet_hours" not in client.get(reverse("me:preferences")).content.decode()
    )
    _login(client, personas.grid_worker)
    assert "urgent_bypasses_quiet_hours" in client.get(reverse("me:preferences")).content.decode()
