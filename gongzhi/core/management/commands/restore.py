"""`manage.py restore FILE [--force] [--no-manifest]`: restore a backup into the configured
(empty) database.

The file must be a backup of the configured engine, with its manifest (`….json`) beside it
unless `--no-manifest`. The backup is restored into a staging copy first (a file beside the
SQLite database, a scratch PostgreSQL database) and checked there: the row counts and the audit
chain's head must equal the manifest's and the whole chain must verify. Only then is the target
replaced; otherwise the command fails (exit status 1), says what differs, and the target is as it
was. On PostgreSQL the target's schema is dropped and the backup loaded by psql in one
transaction, so a failure there (or a killed psql) rolls back to the target as it was; the
message says what the target holds. It needs psql beside pg_restore, and room in TMPDIR for the
backup as SQL. Refuses a database that already has tables unless `--force`. Stop the server and
the scheduler first.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.core import backups


class Command(BaseCommand):
    help = (
        "从备份恢复数据库（目标须为空库，除非 --force）。先在临时副本中核对备份清单的行数、"
        "审计链头并校验整条审计链，通过后才替换目标数据库；不通过则数据库不变。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", help="backup 命令写出的 .sqlite3 或 .dump 文件（同名 .json 清单须在旁边）"
        )
        parser.add_argument("--force", action="store_true", help="覆盖非空的目标数据库")
        parser.add_argument(
            "--no-manifest",
            action="store_true",
            help="没有备份清单（.json）时仍然恢复：不核对行数和审计链头，只校验审计链本身",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backups.restore(
                Path(options["file"]),
                force=options["force"],
                without_manifest=options["no_manifest"],
            )
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(result.counts.values())
        self.stdout.write(
            f"恢复完成：{len(result.counts)} 张表，{rows} 行；"
            f"审计链校验通过（{result.audit_seq} 条，链头 {result.audit_hash}）"
        )
