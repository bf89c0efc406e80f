"""The S3 defaults not pinned in test_sla.py: petitions (15 days to register, 60 days to
conclude, +30 days once), utilities (水电气热, 24 clock hours), complex (15 working days)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from gongzhi.cases import services
from gongzhi.cases.choices import Channel, SlaClass
from gongzhi.cases.models import SlaPolicy

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


def test_a_petition_registers_in_15_days_concludes_in_60_and_extends_30_days_once(
    make, personas
) -> None:
    p = personas
    start = at(2026, 10, 1, 9, 0)  # National Day: a petition's days are calendar days
    with time_machine.travel(start, tick=False):
        case = make.dispatched(sla_class=SlaClass.PETITION, channel=Channel.PETITION)
        assert case.respond_due_at == start + dt.timedelta(days=15)
        assert case.due_at == start + dt.timedelta(days=60)  # 30 Nov 2026, 09:00
        limit = case.due_at + dt.timedelta(days=30)
        with pytest.raises(ValidationError, match="最多延长 30 天"):
            services.case_extend(
                case=case,
                actor=p.street_officer,
                reason="需多部门会商",
                until=limit + dt.timedelta(minutes=1),
            )
        services.case_extend(case=case, actor=p.street_officer, reason="需多部门会商", until=limit)
        assert case.due_at == at(2026, 12, 30, 9, 0)
        with pytest.raises(ValidationError, match="延期次数已用完"):
            services.case_extend(
                case=case,
                actor=p.street_officer,
                reason="再延一次",
                until=limit + dt.timedelta(1),
            )
    policy = SlaPolicy.objects.get(code=SlaClass.PETITION)
    assert (policy.max_extensions, policy.extension_days) == (1, 30)


def test_utilities_are_due_in_24_clock_hours_even_on_a_holiday(make) -> None:
    with time_machine.travel(at(2026, 10, 1, 9, 0), tick=False):
        case = make.dispatched(sla_class=SlaClass.UTILITIES)
    assert case.due_at == at(2026, 10, 2, 9, 0)


def test_complex_cases_are_due_in_15_working_days(make) -> None:
    # Dispatched Wed 30 Sep 2026; 1-7 Oct are holidays, Sat 10 Oct is a make-up workday:
    # 8, 9, 10, 12-16, 19-23, 26, 27 Oct are the 15 working days.
    with time_machine.travel(at(2026, 9, 30, 10, 0), tick=False):
        case = make.dispatched(sla_class=SlaClass.COMPLEX)
    assert case.due_at == at(2026, 10, 27, 23, 59, 59)
