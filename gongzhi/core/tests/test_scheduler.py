"""run_scheduler: every sweep runs once per pass; one failing sweep does not stop the rest, and
`--once` then exits non-zero; each line carries the local time and the sweep's Chinese name."""

import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from gongzhi.core.models import Delivery
from gongzhi.core.notifications import notify

CALLS: list[dt.datetime] = []


def counting_sweep(now: dt.datetime) -> int:
    CALLS.append(now)
    return 3


def broken_sweep(now: dt.datetime) -> int:
    raise RuntimeError("数据库里有脏数据")


def _run(*args: str, fails: int = 0) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    if fails:
        with pytest.raises(CommandError, match=f"本轮有 {fails} 项失败") as raised:
            call_command("run_scheduler", *args, stdout=out, stderr=err)
        assert raised.value.returncode == 1  # cron and systemd see the failure
    else:
        call_command("run_scheduler", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_once_runs_every_sweep_and_survives_a_failing_one(personas, settings, tmp_path):
    settings.GONGZHI_SMS_OUTBOX = tmp_path / "sms.log"
    settings.GONGZHI_SWEEPS = [
        "gongzhi.core.tests.test_scheduler.broken_sweep",
        "gongzhi.core.tests.test_scheduler.no_such_sweep",
        "gongzhi.core.tests.test_scheduler.counting_sweep",
        "gongzhi.core.notifications.sweeps.deliver_pending",
    ]
    CALLS.clear()
    late = dt.datetime(2026, 3, 10, 23, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(late, tick=False):
        notify(recipient=personas.resident_a, kind="case.created", title="诉求已受理")
    morning = late + dt.timedelta(hours=8)
    with time_machine.travel(morning, tick=False):
        out, err = _run("--once", fails=2)
    assert "2026-03-11 07:00:00 broken_sweep 失败（RuntimeError: 数据库里有脏数据）" in err
    assert "2026-03-11 07:00:00 no_such_sweep 失败" in err
    assert "2026-03-11 07:00:00 counting_sweep 3 项，用时 0.0 秒" in out
    assert "2026-03-11 07:00:00 通知投递 1 条，用时 " in out
    assert CALLS == [morning]
    assert Delivery.objects.get().status == "sent"
    [line] = (tmp_path / "sms.log").read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["text"] == "【共治】诉求已受理"  # a resident's text is signed


@pytest.mark.django_db
def test_a_second_pass_does_nothing_more(personas, settings, tmp_path):
    settings.GONGZHI_SMS_OUTBOX = tmp_path / "sms.log"
    settings.GONGZHI_SWEEPS = ["gongzhi.core.notifications.sweeps.deliver_pending"]
    notify(recipient=personas.resident_a, kind="case.created", title="诉求已受理")
    Delivery.objects.update(next_attempt_at=Delivery.objects.get().created_at)
    first, _ = _run("--once")
    second, _ = _run("--once")
    assert " 通知投递 1 条，" in first
    assert " 通知投递 0 条，" in second
    assert len((tmp_path / "sms.log").read_text(encoding="utf-8").splitlines()) == 1


def test_the_default_sweeps_start_with_notification_delivery():
    from django.conf import settings

    assert settings.GONGZHI_SWEEPS[0] == "gongzhi.core.notifications.sweeps.deliver_pending"


@pytest.mark.parametrize("interval", ["-1", "0", "0.05", "nan", "inf", "一分钟"])
def test_an_interval_below_a_tenth_of_a_second_is_refused_in_chinese(interval, settings):
    settings.GONGZHI_SWEEPS = ["gongzhi.core.tests.test_scheduler.counting_sweep"]
    CALLS.clear()
    with pytest.raises(CommandError, match="间隔应"):
        call_command("run_scheduler", "--interval", interval)
    assert CALLS == []  # refused before any pass, not a tight loop


@pytest.mark.django_db
def test_a_clean_pass_exits_zero(settings):
    settings.GONGZHI_SWEEPS = ["gongzhi.core.tests.test_scheduler.counting_sweep"]
    out, err = _run("--once", "--interval", "1")
    assert " counting_sweep 3 项，用时 " in out and err == ""
