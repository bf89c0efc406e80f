import datetime as dt
import json
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from gongzhi.core.calendar import WorkingCalendar
from gongzhi.core.models import CalendarOverride

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _deadline(*args: str) -> dict:
    out = StringIO()
    call_command("deadline", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_working_days_skip_national_day_and_count_the_make_up_saturday() -> None:
    # 2026 National Day: 1-7 October off; Saturday 10 October is a make-up workday (调休).
    result = _deadline("--start", "2026-09-30T10:00:00+08:00", "--working-days", "3")
    assert result["deadline"] == "2026-10-10T23:59:59+08:00"


@pytest.mark.django_db
def test_working_days_exclude_the_start_day_and_end_at_local_midnight() -> None:
    # Monday 2026-11-30 → five working days later is Monday 2026-12-07.
    result = _deadline("--start", "2026-11-30T08:30:00+08:00", "--working-days", "5")
    assert result["deadline"] == "2026-12-07T23:59:59+08:00"


@pytest.mark.django_db
def test_a_utc_start_is_read_in_local_time() -> None:
    # 2026-11-29T20:00Z is already Monday 30 November in Shanghai.
    result = _deadline("--start", "2026-11-29T20:00:00+00:00", "--working-days", "1")
    assert result["deadline"] == "2026-12-01T23:59:59+08:00"


@pytest.mark.django_db
def test_hours_are_clock_hours_through_weekends() -> None:
    result = _deadline("--start", "2026-10-01T09:00:00+08:00", "--hours", "24")
    assert result["deadline"] == "2026-10-02T09:00:00+08:00"


@pytest.mark.django_db
def test_administrator_override_wins_over_the_official_calendar() -> None:
    CalendarOverride.objects.create(date=dt.date(2026, 12, 1), is_workday=False, note="停电放假")
    start = dt.datetime(2026, 11, 30, 9, tzinfo=SHANGHAI)
    due = WorkingCalendar().add_working_days(start, 1)
    assert due.date() == dt.date(2026, 12, 2)


@pytest.mark.django_db
def test_bad_start_is_refused_in_chinese() -> None:
    with pytest.raises(CommandError, match="格式错误"):
        call_command("deadline", "--start", "昨天", "--working-days", "1")
