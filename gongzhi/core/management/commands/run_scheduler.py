"""Run every periodic sweep in settings.GONGZHI_SWEEPS; `--once` for one pass (tests, cron).

Each sweep is `f(now) -> int` (how many items it handled) and must be idempotent through
compare-and-swap, so any number of runners on any number of nodes is safe. One failing sweep
is logged and reported; the others still run. Each sweep prints one line: local time, its
Chinese name and counts, time taken. `--once` exits 1 when anything failed (for cron).
"""

import argparse
import logging
import math
import signal
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string

from gongzhi.core.command_checks import require_migrated_database

logger = logging.getLogger("gongzhi.scheduler")

# What the operator reads for each sweep of settings.GONGZHI_SWEEPS (another: its function name).
SWEEP_NAMES = {
    "gongzhi.core.notifications.sweeps.deliver_pending": ("通知投递", "条"),
    "gongzhi.cases.sweeps.run_all": ("办理时限", "件"),
    "gongzhi.core.ratelimit.sweep_expired_counters": ("清理过期限流计数", "条"),
    "gongzhi.cases.services.pending_uploads.sweep_expired_uploads": ("清理暂存照片", "张"),
}
# Below this a loop only hammers the database (0 or a negative number is a typo); a tenth of a
# second is left for tests that drive a scheduler hard (tests/faults).
MIN_INTERVAL = 0.1


def interval_seconds(text: str | float) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"间隔应为秒数，例如 60，而不是 {text!r}") from None
    if not (math.isfinite(value) and value >= MIN_INTERVAL):  # NaN fails every comparison
        raise argparse.ArgumentTypeError(f"间隔应至少为 {MIN_INTERVAL:g} 秒，而不是 {text}")
    return value


class Command(BaseCommand):
    help = "运行所有定时任务（SLA、升级、提醒、通知投递等）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="只运行一轮后退出")
        parser.add_argument(
            "--interval",
            type=interval_seconds,
            default=60.0,
            help=f"两轮之间的间隔秒数（默认 60，至少 {MIN_INTERVAL:g}）",
        )

    def handle(self, *args: Any, once: bool = False, interval: float = 60.0, **opts: Any) -> None:
        try:
            interval = interval_seconds(interval)  # also when called with interval=…
        except argparse.ArgumentTypeError as exc:
            raise CommandError(str(exc)) from None
        require_migrated_database()  # else every sweep fails with a traceback, every pass
        self._stopping = False
        if once:
            failures = self.run_pass()
            if failures:
                raise CommandError(f"本轮有 {failures} 项失败，详见上方和日志", returncode=1)
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
        """One call of every sweep; returns how many sweeps (or items within one) failed."""
        failures = 0
        for path in settings.GONGZHI_SWEEPS:
            name, unit = SWEEP_NAMES.get(path, (path.rsplit(".", 1)[-1], "项"))
            now = timezone.now()
            stamp = f"{timezone.localtime(now):%Y-%m-%d %H:%M:%S}"
            started = time.monotonic()
            try:
                result = import_string(path)(now)
            except Exception as exc:  # one broken sweep must not stop the others
                failures += 1
                logger.exception("sweep %s failed", path)
                self.stderr.write(f"{stamp} {name} 失败（{type(exc).__name__}: {exc}）")
                continue
            seconds = time.monotonic() - started
            failures += getattr(result, "failures", 0)
            parts = getattr(result, "parts", None) or [(name, int(result or 0), 0)]
            counts = "，".join(_count(part, unit) for part in parts)
            line = f"{stamp} {counts}，用时 {seconds:.1f} 秒"
            (self.stderr if getattr(result, "failures", 0) else self.stdout).write(line)
        self.stdout.flush()  # a long-running loop's log must show up as it happens
        return failures


def _count(part: tuple[str, int | None, int], unit: str) -> str:
    """ "超时升级 1 件", "超时升级 失败", "超时升级 1 件（1 件出错，已跳过）"."""
    name, count, failed = part
    if count is None:
        return f"{name} 失败"
    if failed:
        return f"{name} {count} {unit}（{failed} {unit}出错，已跳过）"
    return f"{name} {count} {unit}"
