import argparse
import datetime as dt
import json
import math

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.core.calendar import (
    STATUTORY_REST_DAYS,
    WorkingCalendar,
    add_clock_hours,
    local_zone,
    rest_days_entered,
    uncovered_years,
)
from gongzhi.core.command_checks import require_migrated_database

# Wide enough for any real deadline, narrow enough to answer at once and stay in range.
MAX_HOURS = 24 * 366 * 10  # 87,840: ten years
MAX_WORKING_DAYS = 2500  # about ten years of working days


def working_days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"工作日数应为整数，例如 5，而不是 {text!r}") from None
    if not 1 <= days <= MAX_WORKING_DAYS:
        raise argparse.ArgumentTypeError(f"工作日数应在 1 到 {MAX_WORKING_DAYS} 之间")
    return days


def hours(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"小时数应为数字，例如 24，而不是 {text!r}") from None
    if not (math.isfinite(value) and 0 < value <= MAX_HOURS):  # NaN fails every comparison
        raise argparse.ArgumentTypeError(
            f"小时数应大于 0 且不超过 {MAX_HOURS:,}（10 年），而不是 {text}"
        )
    return value


class Command(BaseCommand):
    help = "按工作日历计算期限 (print a deadline on the configured calendar)"

    def add_arguments(self, parser: CommandParser) -> None:
        # --start and the choice of --working-days or --hours are checked in handle(), so that
        # a missing or doubled option is explained in Chinese, not by argparse in English.
        parser.add_argument(
            "--start",
            help="开始时间，ISO 8601 格式，例如 2026-09-30T10:00 或 2026-09-30T10:00+08:00；"
            "不带时区偏移的时间按北京时间计",
        )
        parser.add_argument(
            "--working-days",
            type=working_days,
            help="按工作日计算：不含开始当日，至第 N 个工作日 23:59:59"
            f"（1 到 {MAX_WORKING_DAYS}）；与 --hours 二选一",
        )
        parser.add_argument(
            "--hours",
            type=hours,
            help=f"按自然小时计算（7×24，可带小数，最多 {MAX_HOURS:,}，即 10 年）；"
            "与 --working-days 二选一",
        )
        parser.add_argument("--json", action="store_true", help="以 JSON 输出开始时间、时限和期限")

    def handle(self, *args: object, **options: object) -> None:
        if not options["start"]:
            raise CommandError("请用 --start 指定开始时间，例如 --start 2026-09-30T10:00")
        if options["working_days"] is not None and options["hours"] is not None:
            raise CommandError("--working-days 与 --hours 只能指定其中一个")
        if options["working_days"] is None and options["hours"] is None:
            raise CommandError("请指定 --working-days（工作日数）或 --hours（小时数）")
        try:
            start = dt.datetime.fromisoformat(str(options["start"]))
        except ValueError as exc:
            raise CommandError(f"开始时间格式错误，应为 ISO 8601：{options['start']}") from exc
        if start.tzinfo is None:  # a time without offset is read as local time
            start = start.replace(tzinfo=local_zone())
        if options["working_days"] is not None:  # the calendar's overrides are in the database
            require_migrated_database()
        try:
            if options["working_days"] is not None:
                due = WorkingCalendar().add_working_days(start, int(options["working_days"]))
                mode, amount = "working_days", options["working_days"]
            else:
                due = add_clock_hours(start, float(options["hours"]))
                mode, amount = "hours", options["hours"]
        except OverflowError as exc:
            raise CommandError("期限超出了可计算的日期范围（公元 9999 年）") from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        due_local = due.astimezone(local_zone())
        if mode == "working_days":
            start_day = start.astimezone(local_zone()).date()
            years = uncovered_years(start_day, due_local.date())
            entered = rest_days_entered(years)
            for year in years:  # one line per year
                if entered.get(year):
                    missing = (
                        f"注意：{year} 年的法定节假日和调休安排尚未录入完整（已录入放假 "
                        f"{entered[year]} 天，法定节假日每年 {STATUTORY_REST_DAYS} 天）"
                    )
                else:
                    missing = f"注意：{year} 年的法定节假日和调休安排尚未录入"
                self.stderr.write(
                    f"{missing}，该年按周一至周五计算工作日（请在 设置 › 工作日历 中录入）"
                )
        if options["json"]:
            payload = {
                "start": start.astimezone(local_zone()).isoformat(),
                mode: amount,
                "deadline": due_local.isoformat(),
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
        else:
            self.stdout.write(due_local.isoformat())
