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


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--hours", "nan", "小时数应大于 0 且不超过 87,840（10 年）"),
        ("--hours", "inf", "小时数应大于 0 且不超过 87,840（10 年）"),
        ("--hours", "1e12", "小时数应大于 0 且不超过 87,840（10 年）"),
        ("--hours", "一天", "小时数应为数字"),
        ("--working-days", "2000000", "工作日数应在 1 到 2500 之间"),
        ("--working-days", "99999999", "工作日数应在 1 到 2500 之间"),
        ("--working-days", "1.5", "工作日数应为整数"),
    ],
)
def test_out_of_range_amounts_are_refused_in_chinese_at_once(option, value, message) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("deadline", "--start", "2026-12-28T10:00", option, value)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--start", "2026-12-28T10:00", "--working-days", "1", "--hours", "2"],
            "只能指定其中一个",
        ),
        (["--start", "2026-12-28T10:00"], "请指定 --working-days"),
        (["--hours", "2"], "请用 --start 指定开始时间"),
    ],
)
def test_a_missing_or_doubled_option_is_explained_in_chinese(args, message) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("deadline", *args)


@pytest.mark.django_db
def test_a_deadline_past_the_last_computable_day_is_refused() -> None:
    with pytest.raises(CommandError, match="超出了可计算的日期范围"):
        call_command("deadline", "--start", "9999-12-30T10:00", "--hours", "87840")


@pytest.mark.django_db
def test_ten_years_of_working_days_warn_once_per_uncovered_year() -> None:
    out, err = StringIO(), StringIO()
    call_command(
        "deadline", "--start", "2026-12-28T10:00", "--working-days", "2500", stdout=out, stderr=err
    )
    lines = err.getvalue().splitlines()
    years = [line.split(" 年")[0].removeprefix("注意：") for line in lines]
    assert years == [str(year) for year in range(2027, 2037)]
    assert out.getvalue().startswith("2036-")


def test_the_options_are_explained_in_chinese() -> None:
    from gongzhi.core.management.commands.deadline import Command

    text = Command().create_parser("manage.py", "deadline").format_help()
    assert "不带时区偏移的时间按北京时间计" in text
    assert "至第 N 个工作日 23:59:59" in text and "按自然小时计算" in text
    assert "以 JSON 输出" in text
