"""`seed_history_actors`: name the staff behind each step of the demo's history (see
`gongzhi.cases.seeding_actors`). Run by `seed_demo` after `seed_scale`; safe to run again."""

import time

from django.core.management.base import BaseCommand

from gongzhi.cases.seeding_actors import name_history_actors


class Command(BaseCommand):
    help = "为演示历史诉求的办理步骤补上经办人（研判、交办、签收、处置、回访等，可重复运行）。"

    def handle(self, *args: object, **options: object) -> None:
        started = time.monotonic()
        named = name_history_actors()
        seconds = time.monotonic() - started
        self.stdout.write(f"历史诉求经办人：补上 {named} 个步骤（{seconds:.1f} 秒）。")
