"""One broken case must not stall the scheduler: the sweep skips it (logged) and every other
sweep still runs, pass after pass; `run_scheduler --once` then exits non-zero for cron."""

import datetime as dt
import io
import logging
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from gongzhi.cases import sweeps
from gongzhi.cases.choices import SlaClass
from gongzhi.cases.models import Case, SlaPolicy

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
PASS = dt.datetime(2026, 11, 3, 10, 0, tzinfo=SH)


def _world(make):
    """A: 物业类, breached first, but its class was saved with escalation_hours=0 (as the admin
    once allowed), so escalating it raises. B: 水电气热, breached after A. C: resolved, nobody
    rated it, due to close by itself."""
    with time_machine.travel(dt.datetime(2026, 10, 25, 8, 0, tzinfo=SH), tick=False):
        closing = make.resolved(sla_class=SlaClass.PROPERTY)
    with time_machine.travel(dt.datetime(2026, 11, 2, 8, 0, tzinfo=SH), tick=False):
        broken = make.accepted(sla_class=SlaClass.PROPERTY)
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=SH), tick=False):
        fine = make.accepted(sla_class=SlaClass.UTILITIES)
    SlaPolicy.objects.filter(code=SlaClass.PROPERTY).update(escalation_hours=0)
    return broken, fine, closing


def test_a_case_that_fails_is_skipped_and_the_other_sweeps_still_run(make, caplog) -> None:
    broken, fine, closing = _world(make)
    with caplog.at_level(logging.ERROR, logger="gongzhi.scheduler"):
        handled = sweeps.run_all(PASS)
    assert Case.objects.get(pk=fine.pk).escalation_level == 1  # escalated after the broken one
    assert Case.objects.get(pk=closing.pk).status == "closed"  # auto-close ran too
    broken.refresh_from_db()
    assert (broken.escalation_level, broken.breached_at) == (0, None)  # rolled back, retried
    assert handled.failures == 1
    assert f"sweep skipped case {broken.pk}" in caplog.text
    assert dict((name, count) for name, count, _ in handled.parts)["超时升级"] == 1

    again = sweeps.run_all(PASS + dt.timedelta(minutes=1))  # the next pass: same case, skipped
    assert (int(again), again.failures) == (0, 1)


def test_a_pass_that_skipped_a_case_exits_non_zero_and_says_so(make, settings) -> None:
    _world(make)
    settings.GONGZHI_SWEEPS = ["gongzhi.cases.sweeps.run_all"]
    out, err = io.StringIO(), io.StringIO()
    with time_machine.travel(PASS, tick=False), pytest.raises(CommandError, match="1 项失败"):
        call_command("run_scheduler", "--once", stdout=out, stderr=err)
    line = err.getvalue()
    assert line.startswith("2026-11-03 10:00:00 AI研判建议 0 件，")
    assert "超时升级 1 件（1 件出错，已跳过），回访预警 0 件，自动办结 1 件，用时 " in line
