"""A notice is written by whoever's action caused it and read later by someone else: each
reader reads it in their own language, whatever language the actor's page was in."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from gongzhi.cases import services
from gongzhi.cases.choices import Level
from gongzhi.core.models import Notification
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _inbox(user, language: str) -> str:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    return client.get(reverse("me:notifications")).content.decode()


def test_an_english_reader_reads_the_dispatch_notice_in_english(make, personas) -> None:
    p = personas
    with translation.override("en"):  # the worker's page is in English: the stored text is not
        case = make.assessed(title="楼道灯不亮")
        services.case_dispatch(case=case, actor=p.community_worker, level=Level.COMMUNITY)
    notice = Notification.objects.get(recipient=p.resident_a, kind="case.assigned")
    assert notice.title == "您的诉求已交办，由社区办理"  # email and SMS carry the platform's text

    english = _inbox(p.resident_a, "en")
    assert "Your request has been handed over to the community office" in english
    assert (
        f"Request {case.number} (楼道灯不亮) has been handed over to the community office"
        in english
    )
    assert "您的诉求已交办" not in english

    chinese = _inbox(p.resident_a, "zh-hans")
    assert "您的诉求已交办，由社区办理" in chinese
    assert "handed over" not in chinese


def test_a_notice_written_before_it_had_a_message_reads_as_stored(personas) -> None:
    Notification.objects.create(
        recipient=personas.resident_a,
        kind="case.created",
        title="旧通知：您的诉求已受理",
        created_at="2026-11-01T08:00:00+08:00",
    )
    assert "旧通知：您的诉求已受理" in _inbox(personas.resident_a, "en")
