"""`seed_history_actors`: name the staff behind each step of the demo's history (see
`gongzhi.cases.seeding_actors`). Run by `seed_demo` after `seed_scale`; safe to run again.
Only the demo street's seeded history (`--street`, default the street `seed_demo` loads);
without that street it refuses and exits non-zero."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongzhi.cases.seeding_actors import name_history_actors
from gongzhi.cases.seeding_scope import add_street_argument, demo_street


class Command(BaseCommand):
    help = (
        "为演示街道历史模拟诉求的办理步骤补上经办人（研判、交办、签收、处置、回访等，可重复运行）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_street_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        street = demo_street(options["street"])
        started = time.monotonic()
        named = name_history_actors(street)
        seconds = time.monotonic() - started
        self.stdout.write(f"历史诉求经办人：补上 {named} 个步骤（{seconds:.1f} 秒）。")
