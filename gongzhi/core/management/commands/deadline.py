import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.core.calendar import WorkingCalendar, add_clock_hours, local_zone, uncovered_years


class Command(BaseCommand):
    help = "按工作日历计算期限 (print a deadline on the configured calendar)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--start", required=True, help="ISO 8601 start time")
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--working-days", type=int)
        group.add_argument("--hours", type=float)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        try:
            start = dt.datetime.fromisoformat(str(options["start"]))
        except ValueError as exc:
            raise CommandError(f"开始时间格式错误，应为 ISO 8601：{options['start']}") from exc
        if start.tzinfo is None:  # a time without offset is read as local time
            start = start.replace(tzinfo=local_zone())
        try:
            if options["working_days"] is not None:
                due = WorkingCalendar().add_working_days(start, int(options["working_days"]))
                mode, amount = "working_days", options["working_days"]
            else:
                due = add_clock_hours(start, float(options["hours"]))
                mode, amount = "hours", options["hours"]
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        due_local = due.astimezone(local_zone())
        if mode == "working_days":
            start_day = start.astimezone(local_zone()).date()
            for year in uncovered_years(start_day, due_local.date()):
                self.stderr.write(
                    f"注意：{year} 年的法定节假日和调休安排尚未录入，该年按周一至周五计算工作日"
                    "（请在 设置 › 工作日历 中录入）"
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
