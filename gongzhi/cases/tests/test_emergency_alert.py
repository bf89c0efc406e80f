"""An emergency waiting for 研判: when the AI grid worker reads emergency signs (gas smell, people
trapped in a lift …) in a case nobody has assessed yet, the community and street staff over it
are alerted at once, even in their quiet hours (S3's short clocks start only when a person
assesses it; G3: the AI only raises the alarm, a person decides)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from gongzhi.cases import services, sweeps
from gongzhi.cases.choices import CaseType, Channel
from gongzhi.core.models import Delivery, Notification

pytestmark = pytest.mark.django_db

GAS = "2栋1单元楼道里燃气味很浓，好像有人家漏气了，大家都不敢开灯"
LAMP = "3单元楼道灯坏了一周，晚上上下楼看不见，请尽快维修"
KIND = "case.emergency_suggested"
LATE_NIGHT = dt.datetime(2026, 12, 2, 23, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def _file(p, content, title="楼道问题"):
    return services.case_file(
        actor=p.grid_worker,
        compound=p.compound_a,
        channel=Channel.GRID_WORKER,
        type=CaseType.HELP,
        title=title,
        content=content,
        requester=p.resident_a,
    )


def test_a_gas_smell_alerts_the_community_and_the_street_not_the_property_company(make):
    p = make.p
    case = _file(p, GAS)
    alerts = Notification.objects.filter(kind=KIND)
    told = set(alerts.values_list("recipient__username", flat=True))
    assert {p.community_worker.username, p.street_officer.username} <= told
    assert p.property_a.username not in told and p.resident_a.username not in told
    alert = alerts.get(recipient=p.community_worker)
    assert alert.urgent and case.number in alert.body and "燃气" in alert.body
    assert alert.link.endswith(f"/cases/{case.pk}/")


def test_an_ordinary_demand_raises_no_alarm(make):
    _file(make.p, LAMP)
    assert not Notification.objects.filter(kind=KIND).exists()


def test_in_the_default_deferred_mode_the_scheduler_raises_it_once(make, settings):
    settings.GONGZHI_TRIAGE_AT_FILING = "deferred"
    case = _file(make.p, GAS)
    assert not Notification.objects.filter(kind=KIND).exists()  # nothing read it yet
    sweeps.sweep_missing_suggestions(timezone.now())
    sweeps.sweep_missing_suggestions(timezone.now())
    alerts = Notification.objects.filter(kind=KIND, recipient=make.p.community_worker)
    assert alerts.count() == 1 and case.number in alerts.get().body


def test_the_alarm_is_emailed_at_night_despite_quiet_hours(make):
    worker = make.p.community_worker
    worker.email = "huajin@example.com"
    worker.save(update_fields=["email"])
    with time_machine.travel(LATE_NIGHT, tick=False):
        _file(make.p, GAS)
        email = Delivery.objects.get(notification__kind=KIND, notification__recipient=worker)
        assert email.channel == "email" and email.next_attempt_at == timezone.now()
        # An ordinary filing's notice to the same worker waits for the morning.
        lamp = _file(make.p, LAMP)
        held = Delivery.objects.filter(notification__kind="case.created").get(
            notification__recipient=worker, notification__link=f"/cases/{lamp.pk}/"
        )
        assert held.next_attempt_at > timezone.now() + dt.timedelta(hours=7)
