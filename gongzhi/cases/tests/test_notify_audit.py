"""Issue #3, the notifications audit: what a notice says and to whom, when it wakes staff up,
and what the scheduler counts."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from gongzhi.cases import services, sweeps
from gongzhi.cases.choices import RatingLevel, RatingVia, SlaClass
from gongzhi.cases.models import Case
from gongzhi.core.masking import remove_contacts
from gongzhi.core.models import Delivery, Notification
from gongzhi.core.notifications import sms
from gongzhi.core.notifications.delivery import sms_message
from gongzhi.core.notifications.forms import PreferenceForm
from gongzhi.core.notifications.kinds import kinds_for
from gongzhi.core.notifications.sweeps import deliver_pending
from gongzhi.org.models import Person

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NIGHT = dt.datetime(2026, 12, 2, 23, 0, tzinfo=SHANGHAI)  # a Wednesday, in quiet hours
MORNING = dt.datetime(2026, 12, 3, 7, 0, tzinfo=SHANGHAI)  # the default quiet hours end
NOTE = "夏静琳业主（9栋1单元301，电话19900000372）多次来电催办，请尽快处理"


@pytest.fixture
def reachable(personas):
    p = personas
    for user in (p.property_a, p.community_worker, p.street_officer, p.resident_a):
        user.email = f"{user.username}@example.com"
        user.save(update_fields=["email"])
    return p


def _due(user, kind) -> set[dt.datetime]:
    rows = Delivery.objects.filter(notification__recipient=user, notification__kind=kind)
    return set(rows.values_list("next_attempt_at", flat=True))


def test_the_supervise_note_reaches_the_company_without_who_complained(make, personas) -> None:
    case = make.dispatched(requester_name="夏静琳")
    services.case_supervise(case=case, actor=personas.community_worker, reason=NOTE)
    notice = Notification.objects.get(recipient=personas.property_a, kind="case.supervised")
    for trace in ("夏静琳", "301", "0372", "199"):
        assert trace not in notice.body
    assert "多次来电催办" in notice.body


def test_a_room_in_the_residents_own_words_is_removed() -> None:
    assert "301" not in remove_contacts("我是301的业主，楼道灯坏了")
    assert "1201" not in remove_contacts("1201住户反映噪音")
    assert "302" not in remove_contacts("302号房漏水")
    for ordinary in ("我交了300元物业费", "请拨打12345热线", "2024年3月", "小区有300业主签名"):
        assert remove_contacts(ordinary) == ordinary


def test_a_supervise_at_night_on_an_ordinary_case_waits_for_the_morning(make, reachable) -> None:
    p = reachable
    with time_machine.travel(NIGHT - dt.timedelta(hours=3), tick=False):
        case = make.accepted()  # 物业类: 24 h, due tomorrow evening
    with time_machine.travel(NIGHT, tick=False):
        services.case_supervise(case=case, actor=p.community_worker, reason="请加快进度")
    assert _due(p.property_a, "case.supervised") == {MORNING}
    notice = Notification.objects.get(recipient=p.property_a, kind="case.supervised")
    assert not notice.urgent


def test_a_dispatch_to_sign_for_in_15_minutes_at_night_goes_out_at_once(make, reachable) -> None:
    p = reachable
    with time_machine.travel(NIGHT, tick=False):
        make.dispatched(sla_class=SlaClass.PROPERTY)
        now = timezone.now()
    assert _due(p.property_a, "case.assigned") == {now}


def test_the_preferences_page_says_what_comes_through_quiet_hours(client, personas) -> None:
    client.force_login(personas.property_a)
    page = client.get("/me/preferences/").content.decode()
    assert "须在 15 分钟内签收" in page and "一般督办" in page


def test_rating_it_satisfied_online_closes_without_telling_the_requester(make, personas) -> None:
    case = make.resolved()
    services.case_visit(
        case=case,
        actor=personas.resident_a,
        resolved=True,
        level=RatingLevel.SATISFIED,
        via=RatingVia.ONLINE,
    )
    assert Case.objects.get(pk=case.pk).status == "closed"
    assert not Notification.objects.filter(recipient=personas.resident_a, kind="case.closed")


def test_the_reopen_notice_names_the_round_and_the_comment(make, personas) -> None:
    case = make.resolved(requester_name="夏静琳")
    services.case_visit(
        case=case,
        actor=personas.community_worker,
        resolved=False,
        level=RatingLevel.DISSATISFIED,
        via=RatingVia.PHONE,
        note="灯还是不亮，我是301的业主夏静琳",
    )
    notice = Notification.objects.get(recipient=personas.property_a, kind="case.reopened")
    assert "第 2 次办理" in notice.body and "灯还是不亮" in notice.body
    assert "301" not in notice.body and "夏静琳" not in notice.body
    told = Notification.objects.get(recipient=personas.resident_a, kind="case.reopened")
    assert "重新办理" in told.title and "第 2 次办理" in told.body
    assert "case.reopened" in kinds_for(staff=False)


def test_the_deadline_warning_says_when_and_how_long_is_left(make, personas) -> None:
    case = make.accepted()
    now = case.warn_at + dt.timedelta(minutes=1)
    assert sweeps.sweep_warnings(now) == 1
    notice = Notification.objects.get(recipient=personas.property_a, kind="case.deadline_warning")
    due = timezone.localtime(case.due_at)
    assert f"办理期限 {due:%Y-%m-%d %H:%M}" in notice.body and "剩余约" in notice.body


def test_a_residents_rate_text_is_one_message_with_the_link(make, personas, settings) -> None:
    settings.GONGZHI_PUBLIC_BASE_URL = "https://gz.example.cn"
    personas.resident_a.person = Person.objects.create(name="居民", phone="13700002222")
    personas.resident_a.save(update_fields=["person"])
    case = make.resolved()
    notice = Notification.objects.get(recipient=personas.resident_a, kind="case.rate_request")
    text = sms_message(notice, "13700002222", staff=False).text
    assert len(text) <= 70 and f"https://gz.example.cn/cases/{case.pk}/" in text
    assigned = Notification.objects.get(recipient=personas.resident_a, kind="case.assigned")
    text = sms_message(assigned, "13700002222", staff=False).text
    assert len(text) <= 70 and "：诉求" not in text


class _Down:
    def send(self, message):
        raise sms.SmsError("provider down")


def test_the_scheduler_counts_only_what_was_sent(make, personas, settings) -> None:
    settings.GONGZHI_SMS_BACKEND = "gongzhi.cases.tests.test_notify_audit._Down"
    personas.property_a.person = Person.objects.create(name="物业", phone="13700001111")
    personas.property_a.save(update_fields=["person"])
    make.dispatched()
    Delivery.objects.update(status=Delivery.Status.PENDING, next_attempt_at=timezone.now())
    result = deliver_pending(timezone.now() + dt.timedelta(seconds=1))
    assert int(result) == 0 and result.parts[0] == ("通知投递", 0, 0)
    assert [name for name, count, _failed in result.parts[1:] if count] == ["待重试"]


def test_staff_settings_list_only_what_staff_receive(personas) -> None:
    labels = [
        str(label) for _value, label in PreferenceForm(staff=True).fields["sent_kinds"].choices
    ]
    for resident_only in ("请评价处置结果", "进度查询链接", "重复诉求已并入"):
        assert resident_only not in labels
    assert "诉求督办" in labels


def test_the_requesters_escalation_notice_is_not_urgent(make, personas) -> None:
    case = make.accepted()
    assert sweeps.sweep_breaches(case.due_at + dt.timedelta(minutes=1)) == 1
    mine = Notification.objects.get(recipient=personas.resident_a, kind="case.escalated")
    assert not mine.urgent
    assert Notification.objects.filter(kind="case.escalated", urgent=True).exists()
