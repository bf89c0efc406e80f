"""`seed_ai`: the AI grid worker's suggestions and the 研判 decisions on them for the demo's
recent cases (see `gongzhi.cases.seeding_ai`). Run by `seed_demo`; safe to run again. Only the
demo street's seeded history (`--street`, default the street `seed_demo` loads); without that
street it refuses and exits non-zero."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongzhi.cases.seeding_ai import suggest_recent
from gongzhi.cases.seeding_scope import add_street_argument, demo_street


class Command(BaseCommand):
    help = "为演示街道近一个月的模拟诉求补上AI网格员建议及研判采纳情况（可重复运行）。"

    def add_arguments(self, parser: CommandParser) -> None:
        add_street_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        street = demo_street(options["street"])
        started = time.monotonic()
        stored, decided = suggest_recent(street)
        seconds = time.monotonic() - started
        self.stdout.write(
            f"AI网格员建议：新增 {stored} 条，其中已研判 {decided} 条（{seconds:.1f} 秒）。"
        )
