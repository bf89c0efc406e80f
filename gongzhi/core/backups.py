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
    return _counts_and_head(cursor, sorted(row[0] for row in cursor.fetchall()))


def _pg_snapshot(cursor: Any) -> tuple[dict[str, int], int, str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    return _counts_and_head(cursor, [row[0] for row in cursor.fetchall()])


def _counts_and_head(cursor: Any, tables: list[str]) -> tuple[dict[str, int], int, str]:
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


def _libpq_options() -> dict[str, str]:
    """The libpq parameters among the configured OPTIONS (sslmode, options, …), without
    Django's own keys (isolation_level, pool, …)."""
    import psycopg

    known = {o.keyword.decode() for o in psycopg.pq.Conninfo.get_defaults()}
    options = connection.settings_dict.get("OPTIONS") or {}
    return {key: str(value) for key, value in options.items() if key in known}


def _pg_env() -> dict[str, str]:
    """libpq's environment for the configured database (the password never on a command line),
    with the OPTIONS that libpq reads from the environment (PGSSLMODE, PGOPTIONS, …)."""
    import psycopg

    s = connection.settings_dict
    env = dict(os.environ)
    envvars = {
        o.keyword.decode(): o.envvar.decode()
        for o in psycopg.pq.Conninfo.get_defaults()
        if o.envvar
    }
    for key, value in _libpq_options().items():
        if key in envvars:
            env[envvars[key]] = value
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


SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"  # pg_dump -Fc


def restore(file: Path, *, force: bool = False, without_manifest: bool = False) -> Manifest:
    """Restore `file` into the configured database. The backup is first restored into a staging
    copy (a file beside the SQLite database, a scratch PostgreSQL database) and checked there:
    row counts and audit head against the manifest, the whole audit chain. Only a backup that
    passes replaces the target, so a bad one leaves the target as it was. PostgreSQL replaces
    it in one transaction (`pg_restore.restore_postgres`); a failure there says what the
    target holds."""
    file = Path(file)
    if not file.is_file():
        raise BackupError(f"备份文件不存在：{file}")
    _check_file_kind(file)
    expected = _read_manifest(file, required=not without_manifest)
    if not database_is_empty() and not force:
        raise BackupError("目标数据库不是空的；确认要覆盖时请加 --force（FORCE=1）")
    if connection.vendor == "postgresql":
        from gongzhi.core.pg_restore import restore_postgres  # (imports this module)

        restore_postgres(file, expected)
    else:
        _restore_sqlite(file, expected)
    connections.close_all()  # read what is now on disk, not a cached connection's view
    counts, seq, head = current_snapshot()
    if expected is not None:
        problems = _manifest_problems(expected, counts, seq, head)
        if problems:  # the staging copy passed: only a concurrent writer gets here
            raise BackupError("恢复后的数据库与备份清单不符：" + "；".join(problems))
    report = verify_chain()
    if not report.ok:
        raise BackupError(f"恢复后审计链校验失败：第 {report.first_bad_seq} 条，{report.problem}")
    return Manifest(
        connection.vendor, dt.datetime.now().astimezone().isoformat(), counts, seq, head
    )


def _check_file_kind(file: Path) -> None:
    """Refuse what is not a backup of the configured engine, before anything else is said."""
    with file.open("rb") as stream:
        magic = stream.read(len(SQLITE_MAGIC))
    if connection.vendor == "postgresql":
        if magic.startswith(PG_DUMP_MAGIC):
            return
        if magic == SQLITE_MAGIC:
            raise BackupError("这是 SQLite 数据库的备份，当前配置的是 PostgreSQL，未恢复")
        raise BackupError("不是有效的备份文件（不是 pg_dump 自定义格式的 PostgreSQL 备份）")
    if magic == SQLITE_MAGIC:
        return
    if magic.startswith(PG_DUMP_MAGIC):
        raise BackupError("这是 PostgreSQL 的备份（pg_dump），当前配置的是 SQLite，未恢复")
    raise BackupError("不是有效的备份文件（不是 SQLite 数据库）")


def _read_manifest(file: Path, *, required: bool) -> Manifest | None:
    path = manifest_path(file)
    try:
        manifest = Manifest.read(path)
    except (ValueError, TypeError, OSError) as exc:
        raise BackupError(f"备份清单 {path} 无法读取（{exc}），未恢复") from None
    if manifest is None and required:
        raise BackupError(
            f"未找到备份清单 {path}，无法核对行数，未恢复"
            "（确认不核对清单时请加 --no-manifest，仍会校验审计链）"
        )
    if manifest is not None and manifest.engine != connection.vendor:
        raise BackupError(f"备份清单 {path} 属于 {manifest.engine} 的备份，与备份文件不符，未恢复")
    return manifest


def _manifest_problems(
    expected: Manifest, counts: dict[str, int], seq: int, head: str
) -> list[str]:
    """What differs from the manifest, one Chinese sentence each."""
    problems = []
    for table, count in sorted(expected.counts.items()):
        actual = counts.get(table)
        if actual is None:
            problems.append(f"表 {table} 应有 {count} 行，备份中没有这张表")
        elif actual != count:
            problems.append(f"表 {table} 应有 {count} 行，备份中 {actual} 行")
    if (seq, head) != (expected.audit_seq, expected.audit_hash):
        problems.append(
            f"审计链头应为第 {expected.audit_seq} 条（{expected.audit_hash[:12]}…），"
            f"备份中为第 {seq} 条（{head[:12]}…）"
        )
    return problems


def _check_staging(name: str, expected: Manifest | None) -> None:
    """Counts, audit head and the whole chain of the staging copy `name`, through the default
    connection pointed at it for the moment; BackupError (target untouched) when wrong."""
    connections.close_all()
    settings_dict = connection.settings_dict
    original = settings_dict["NAME"]
    settings_dict["NAME"] = name
    try:
        counts, seq, head = current_snapshot()
        problems = _manifest_problems(expected, counts, seq, head) if expected else []
        if problems:
            raise BackupError("备份与清单不符：" + "；".join(problems) + "；数据库未改动")
        report = verify_chain()
        if not report.ok:
            raise BackupError(
                f"备份中的审计链校验失败：第 {report.first_bad_seq} 条，{report.problem}；"
                "数据库未改动"
            )
    finally:
        connection.close()
        settings_dict["NAME"] = original


def _restore_sqlite(file: Path, expected: Manifest | None) -> None:
    target = Path(connection.settings_dict["NAME"])
    staging = target.with_name(f"{target.name}.restore-{os.getpid()}")
    connections.close_all()
    try:
        src = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
        try:
            try:
                check = src.execute("PRAGMA integrity_check").fetchone()[0]
            except sqlite3.DatabaseError as exc:
                raise BackupError(f"备份文件已损坏：{exc}；数据库未改动") from None
            if check != "ok":
                raise BackupError(f"备份文件已损坏：{check}；数据库未改动")
            copy = sqlite3.connect(staging)
            try:
                src.backup(copy)
            finally:
                copy.close()
        finally:
            src.close()
        _check_staging(str(staging), expected)
        copy = sqlite3.connect(staging)
        dst = sqlite3.connect(target, timeout=30)
        try:
            # Through SQLite, never a file copy: a -wal file beside the target stays coherent.
            copy.backup(dst)
        finally:
            dst.close()
            copy.close()
    finally:
        for leftover in (staging, Path(f"{staging}-wal"), Path(f"{staging}-shm")):
            leftover.unlink(missing_ok=True)
