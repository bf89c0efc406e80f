"""`manage.py restore FILE [--force]`: restore a backup into the configured (empty) database.

Refuses a database that already has tables unless `--force`. Afterwards the row counts and the
audit chain's head must equal the backup's manifest, and the whole chain must verify; otherwise
the command fails (exit status 1) and says what differs. Stop the server and the scheduler first.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.core import backups


class Command(BaseCommand):
    help = "从备份恢复数据库（目标须为空库，除非 --force），恢复后校验行数和审计链"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="backup 命令写出的 .sqlite3 或 .dump 文件")
        parser.add_argument("--force", action="store_true", help="覆盖非空的目标数据库")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backups.restore(Path(options["file"]), force=options["force"])
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(result.counts.values())
        self.stdout.write(
            f"恢复完成：{len(result.counts)} 张表，{rows} 行；"
            f"审计链校验通过（{result.audit_seq} 条，链头 {result.audit_hash}）"
        )
