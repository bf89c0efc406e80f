"""Backups of the whole database, taken online, and their restore into an empty database.

SQLite: the online backup API copies one consistent snapshot while writers go on (WAL), into
`gongzhi-YYYYmmdd-HHMMSS.sqlite3`. PostgreSQL: `pg_dump -Fc` inside an exported snapshot, into
`gongzhi-YYYYmmdd-HHMMSS.dump`. Next to each file a manifest (`….json`) records the row count of
every table and the audit chain's head *of the same snapshot*; a restore checks both, and
recomputes the whole audit chain, before it reports success.
"""

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump / pg_restore, arguments built here, never a shell
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction

from gongzhi.core.audit import verify_chain


class BackupError(Exception):
    """A Chinese message for the operator."""


@dataclass(frozen=True)
class Manifest:
    engine: str
    created_at: str
    counts: dict[str, int]
    audit_seq: int
    audit_hash: str

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.__dict__, ensure_ascii=False, indent=2, sort_keys=True))

    @classmethod
    def read(cls, path: Path) -> "Manifest | None":
        if not path.exists():
            return None
        return cls(**json.loads(path.read_text()))


def manifest_path(backup: Path) -> Path:
    return backup.with_suffix(".json")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_snapshot(cursor: Any) -> tuple[dict[str, int], int, str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    tables = sorted(row[0] for row in cursor.fetchall())
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM {_quote(table)}")  # noqa: S608 - catalog names
        counts[table] = cursor.fetchone()[0]
    seq, head = 0, "0" * 64
    if "core_auditchainhead" in counts:
        cursor.execute("SELECT seq, hash FROM core_auditchainhead WHERE id = 1")
        row = cursor.fetchone()
        if row:
            seq, head = int(row[0]), row[1]
    return counts, seq, head


def _pg_snapshot(cursor: Any) -> tuple[dict[str, int], int, str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM {_quote(table)}")  # noqa: S608 - catalog names
        counts[table] = cursor.fetchone()[0]
    seq, head = 0, "0" * 64
    if "core_auditchainhead" in counts:
        cursor.execute("SELECT seq, hash FROM core_auditchainhead WHERE id = 1")
        row = cursor.fetchone()
        if row:
            seq, head = int(row[0]), row[1]
    return counts, seq, head


def current_snapshot() -> tuple[dict[str, int], int, str]:
    """Row counts of every table and the audit head of the configured database, now."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _pg_snapshot(cursor)
        return _sqlite_snapshot(cursor)


def _stamp() -> str:
    return dt.datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")


def _pg_env() -> dict[str, str]:
    """libpq's environment for the configured database (the password never on a command line)."""
    s = connection.settings_dict
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", s.get("HOST")),
        ("PGPORT", s.get("PORT")),
        ("PGUSER", s.get("USER")),
        ("PGPASSWORD", s.get("PASSWORD")),
        ("PGDATABASE", s.get("NAME")),
    ):
        if value:
            env[key] = str(value)
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"找不到 {name}，请安装 PostgreSQL 客户端工具")
    return found


def backup(directory: Path | None = None) -> tuple[Path, Manifest]:
    """Write one backup of the configured database; return its path and manifest."""
    directory = Path(directory or settings.VAR_DIR / "backups")
    directory.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "postgresql":
        target = directory / f"gongzhi-{_stamp()}.dump"
        manifest = _backup_postgres(target)
    elif connection.vendor == "sqlite":
        target = directory / f"gongzhi-{_stamp()}.sqlite3"
        manifest = _backup_sqlite(target)
    else:  # pragma: no cover - only the two supported engines
        raise BackupError(f"不支持的数据库：{connection.vendor}")
    manifest.write(manifest_path(target))
    return target, manifest


def _backup_sqlite(target: Path) -> Manifest:
    source = Path(connection.settings_dict["NAME"])
    partial = target.with_name(target.name + ".partial")  # never a half file under the real name
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(partial)
    try:
        src.execute("PRAGMA busy_timeout = 30000")
        src.backup(dst)  # one step: one read transaction, one consistent snapshot
        dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        check = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"备份文件完整性检查失败：{check}")
        counts, seq, head = _sqlite_snapshot(dst.cursor())
    finally:
        src.close()
        dst.close()
    with open(partial, "rb") as stream:
        os.fsync(stream.fileno())
    partial.replace(target)
    return Manifest("sqlite", dt.datetime.now().astimezone().isoformat(), counts, seq, head)


def _backup_postgres(target: Path) -> Manifest:
    partial = target.with_name(target.name + ".partial")
    connection.ensure_connection()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            # pg_dump reads exactly what this transaction sees: the manifest matches the dump.
            counts, seq, head = _pg_snapshot(cursor)
            result = subprocess.run(  # noqa: S603
                [_tool("pg_dump"), "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f", partial],
                env=_pg_env(),
                capture_output=True,
                text=True,
                check=False,
            )
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"pg_dump 失败：{result.stderr.strip()}")
    partial.replace(target)
    return Manifest("postgresql", dt.datetime.now().astimezone().isoformat(), counts, seq, head)


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups (and their manifests) in `directory`."""
    found = sorted(
        (p for p in directory.glob("gongzhi-*") if p.suffix in (".sqlite3", ".dump")),
        key=lambda p: p.name,
    )
    removed = found[:-keep] if keep > 0 else []
    for path in removed:
        path.unlink(missing_ok=True)
        manifest_path(path).unlink(missing_ok=True)
    return removed


def database_is_empty() -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN "
                "('pg_catalog', 'information_schema')"
            )
        else:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
        return cursor.fetchone()[0] == 0


def restore(file: Path, *, force: bool = False) -> Manifest:
    """Restore `file` into the configured database, then check counts and the audit chain."""
    file = Path(file)
    if not file.exists():
        raise BackupError(f"备份文件不存在：{file}")
    if not database_is_empty() and not force:
        raise BackupError("目标数据库不是空的；确认要覆盖时请加 --force（FORCE=1）")
    if connection.vendor == "postgresql":
        _restore_postgres(file)
    else:
        _restore_sqlite(file)
    connections.close_all()  # read what is now on disk, not a cached connection's view
    expected = Manifest.read(manifest_path(file))
    counts, seq, head = current_snapshot()
    if expected is not None:
        wrong = {
            table: (count, counts.get(table))
            for table, count in expected.counts.items()
            if counts.get(table) != count
        }
        if wrong:
            raise BackupError(f"恢复后的行数与备份清单不一致：{wrong}")
        if (seq, head) != (expected.audit_seq, expected.audit_hash):
            raise BackupError("恢复后的审计链头与备份清单不一致")
    report = verify_chain()
    if not report.ok:
        raise BackupError(f"恢复后审计链校验失败：第 {report.first_bad_seq} 条，{report.problem}")
    return Manifest(
        connection.vendor, dt.datetime.now().astimezone().isoformat(), counts, seq, head
    )


def _restore_sqlite(file: Path) -> None:
    target = Path(connection.settings_dict["NAME"])
    connections.close_all()
    src = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
    try:
        check = src.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"备份文件已损坏：{check}")
        dst = sqlite3.connect(target, timeout=30)
        try:
            # Through SQLite, never a file copy: a -wal file beside the target stays coherent.
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _restore_postgres(file: Path) -> None:
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = cursor.fetchone()[0] or "public"
    if not database_is_empty():  # --force: start from an empty schema
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA {_quote(schema)} CASCADE")
            cursor.execute(f"CREATE SCHEMA {_quote(schema)}")
    connections.close_all()
    with tempfile.TemporaryFile() as log:
        result = subprocess.run(  # noqa: S603
            [
                _tool("pg_restore"),
                "--single-transaction",  # all or nothing
                "--exit-on-error",
                "--no-owner",
                "--no-privileges",
                "-d",
                _pg_env()["PGDATABASE"],
                str(file),
            ],
            env=_pg_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        )
        log.seek(0)
        output = log.read().decode("utf-8", "replace").strip()
    if result.returncode != 0:
        raise BackupError(f"pg_restore 失败，未写入任何数据：{output}")
