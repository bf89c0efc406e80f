"""`manage.py backup [--dir DIR] [--keep N]`: one online backup of the whole database.

SQLite → `var/backups/gongzhi-YYYYmmdd-HHMMSS.sqlite3` (online backup API), PostgreSQL
(DATABASE_URL) → `….dump` (`pg_dump -Fc`); a manifest `….json` beside it holds the row counts
and the audit chain's head of the same snapshot. Safe while the service is running.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from gongzhi.core import backups


class Command(BaseCommand):
    help = "在线备份整个数据库（SQLite 在线备份 / pg_dump），并写出行数与审计链头清单"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", help="备份目录（默认 var/backups）")
        parser.add_argument(
            "--keep", type=int, default=0, help="只保留最新的 N 份备份（默认 0：全部保留）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["keep"] < 0:
            raise CommandError(
                _("--keep 应为 0（全部保留）或正整数，而不是 %(keep)s；未备份")
                % {"keep": options["keep"]}
            )
        try:
            path, manifest = backups.backup(Path(options["dir"]) if options["dir"] else None)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest.counts.values())
        self.stdout.write(
            f"备份完成：{path}（{len(manifest.counts)} 张表，{rows} 行，"
            f"审计链 {manifest.audit_seq} 条，链头 {manifest.audit_hash}）"
        )
        if options["keep"] > 0:
            for old in backups.prune(path.parent, options["keep"]):
                self.stdout.write(f"已删除旧备份：{old}")
