"""`seed_ai`: the AI grid worker's suggestions and the 研判 decisions on them for the demo's
recent cases (see `gongzhi.cases.seeding_ai`). Run by `seed_demo`; safe to run again."""

import time

from django.core.management.base import BaseCommand

from gongzhi.cases.seeding_ai import suggest_recent


class Command(BaseCommand):
    help = "为近一个月的演示诉求补上AI网格员建议及研判采纳情况（可重复运行）。"

    def handle(self, *args: object, **options: object) -> None:
        started = time.monotonic()
        stored, decided = suggest_recent()
        seconds = time.monotonic() - started
        self.stdout.write(
            f"AI网格员建议：新增 {stored} 条，其中已研判 {decided} 条（{seconds:.1f} 秒）。"
        )
