"""Run every periodic sweep in settings.GONGZHI_SWEEPS; `--once` for one pass (tests, cron).

Each sweep is `f(now) -> int` (how many items it handled) and must be idempotent through
compare-and-swap, so any number of runners on any number of nodes is safe. One failing sweep
is logged and reported; the others still run.
"""

import logging
import signal
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("gongzhi.scheduler")


class Command(BaseCommand):
    help = "运行所有定时任务（SLA、升级、提醒、通知投递等）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="只运行一轮后退出")
        parser.add_argument(
            "--interval", type=float, default=60.0, help="两轮之间的间隔秒数（默认 60）"
        )

    def handle(self, *args: Any, once: bool = False, interval: float = 60.0, **opts: Any) -> None:
        self._stopping = False
        if once:
            self.run_pass()
            return
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        while not self._stopping:
            close_old_connections()  # a long-lived loop must not keep a broken connection
            started = time.monotonic()
            self.run_pass()
            close_old_connections()
            remaining = max(interval - (time.monotonic() - started), 0.0)
            while remaining > 0 and not self._stopping:
                time.sleep(min(remaining, 1.0))
                remaining -= 1.0
        self.stdout.write("调度器已停止。")

    def _stop(self, signum: int, frame: Any) -> None:
        self._stopping = True

    def run_pass(self) -> int:
        """One call of every sweep; returns how many sweeps failed."""
        failures = 0
        for path in settings.GONGZHI_SWEEPS:
            name = path.rsplit(".", 1)[-1]
            started = time.monotonic()
            try:
                count = int(import_string(path)(timezone.now()) or 0)
            except Exception as exc:  # one broken sweep must not stop the others
                failures += 1
                logger.exception("sweep %s failed", path)
                self.stderr.write(f"{name}：失败（{type(exc).__name__}: {exc}）")
                continue
            ms = int((time.monotonic() - started) * 1000)
            self.stdout.write(f"{name}：处理 {count} 项，用时 {ms} 毫秒")
        self.stdout.flush()  # a long-running loop's log must show up as it happens
        return failures
