"""Concurrent sweepers on PostgreSQL: one 响应超时 event per missed 签收 deadline, whoever wins."""

import datetime as dt

import pytest
import time_machine
from django.db import connection

from gongzhi.cases import sweeps
from gongzhi.cases.choices import SlaClass
from gongzhi.cases.models import Case, CaseEvent
from gongzhi.cases.tests.test_concurrency import _race
from gongzhi.core.models import Notification

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent sessions"),
]


@pytest.mark.django_db(transaction=True)
def test_four_sweepers_record_a_missed_response_exactly_once(make, personas) -> None:
    start = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        cases = [make.dispatched(sla_class=SlaClass.PROPERTY) for _ in range(3)]
    now = start + dt.timedelta(minutes=20)  # 签收 was due at 08:15
    results = _race(4, lambda i: sweeps.sweep_respond_breaches(now))
    assert sum(results) == 3, results  # three missed responses, each recorded once in total
    for case in cases:
        case.refresh_from_db()
        assert case.respond_breached_at == now and case.escalation_level == 0
        assert CaseEvent.objects.filter(case=case, kind="respond_breached").count() == 1
        for user in (personas.property_a, personas.community_worker):
            told = Notification.objects.filter(
                recipient=user, kind="case.respond_overdue", link=f"/cases/{case.pk}/"
            )
            assert told.count() == 1
    assert sweeps.sweep_respond_breaches(now + dt.timedelta(minutes=5)) == 0
    assert not Case.objects.filter(respond_breached_at__isnull=True).exists()
