"""The PostgreSQL side of `backups.restore`: the backup is restored into a scratch database and
checked there, then the target's old schema is dropped and the checked backup loaded in one
psql transaction, so that a failure at that step leaves the target as it was.
"""

import hashlib
import subprocess  # noqa: S404 - pg_restore / psql, arguments built here, never a shell
import tempfile
from pathlib import Path

from django.db import connection, connections

from gongzhi.core.backups import (
    BackupError,
    Manifest,
    _check_staging,
    _libpq_options,
    _pg_env,
    _quote,
    _tool,
    current_snapshot,
    database_is_empty,
)


def scratch_name(target: str) -> str:
    """The staging database's name: `<target>_restore_check`, or for a long name its first bytes
    and a hash of the whole, within PostgreSQL's 63 bytes. Never the target itself: a longer
    name, or one ending in a hash of the target that the target cannot end in."""
    scratch = f"{target}_restore_check"
    if len(scratch.encode()) > 63:
        suffix = "_restore_" + hashlib.sha256(target.encode()).hexdigest()[:8]
        head = target.encode()[: 63 - len(suffix)].decode("utf-8", "ignore")
        scratch = head + suffix
    if scratch == target:  # pragma: no cover - see above; checked, never assumed
        raise BackupError(f"临时数据库名与目标数据库 {target} 相同，未恢复")
    return scratch


def restore_postgres(file: Path, expected: Manifest | None) -> None:
    """Check the backup in a scratch database; then, in ONE transaction on the target, drop the
    schema and run the backup's SQL: a failure anywhere (or a killed psql) rolls back to the
    target as it was."""
    import psycopg

    target = _pg_env()["PGDATABASE"]
    scratch = scratch_name(target)
    try:
        _maintenance(f"DROP DATABASE IF EXISTS {_quote(scratch)} WITH (FORCE)")
        _maintenance(f"CREATE DATABASE {_quote(scratch)}")
    except psycopg.Error as exc:
        raise BackupError(
            f"无法通过 PostgreSQL 维护数据库 postgres 创建临时数据库 {scratch} 来核对备份"
            f"（{str(exc).strip()}）；数据库未改动"
        ) from None
    with tempfile.TemporaryDirectory(prefix="gongzhi-restore-") as workdir:
        script = Path(workdir) / "restore.sql"
        try:
            _pg_restore(file, ["-d", scratch])
            _check_staging(scratch, expected)
            _pg_restore(file, ["-f", str(script)])  # the same backup as SQL, for psql below
        finally:
            try:
                _maintenance(f"DROP DATABASE IF EXISTS {_quote(scratch)} WITH (FORCE)")
            except psycopg.Error:
                pass  # a leftover scratch database is dropped by the next restore
        _replace_target(script)


def _replace_target(script: Path) -> None:
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = _quote(cursor.fetchone()[0] or "public")
    # --force: start from an empty schema, dropped in the same transaction as the restore.
    emptying = (
        [] if database_is_empty() else [f"DROP SCHEMA {schema} CASCADE", f"CREATE SCHEMA {schema}"]
    )
    before = current_snapshot()
    connections.close_all()
    command = [_tool("psql"), "-X", "-q", "--single-transaction", "-v", "ON_ERROR_STOP=1"]
    for sql in emptying:
        command += ["-c", sql]
    output = _run(command + ["-f", str(script)])
    if output is not None:
        raise BackupError(_after_failure(before, output))


def _after_failure(before: tuple[dict[str, int], int, str], output: str) -> str:
    """What a failed restore did to the target, as seen now: the message must be true."""
    try:
        connections.close_all()
        now, empty = current_snapshot(), database_is_empty()
    except Exception as exc:  # noqa: BLE001 - the server may be what failed
        return (
            f"恢复未完成：{output}；无法连接目标数据库确认其状态（{str(exc).strip()}）。"
            "恢复在一个事务中进行，未提交的部分不会留下；请检查后重新运行 restore"
        )
    finally:
        connections.close_all()
    if now == before:
        return f"恢复失败，数据库未改动：{output}"
    if empty:
        return f"目标数据库已清空，恢复未完成，请重新运行 restore：{output}"
    return f"恢复未完成，目标数据库已与恢复前不同，请重新运行 restore：{output}"


def _maintenance(sql: str) -> None:
    """CREATE/DROP DATABASE, which cannot run inside a transaction: on a connection of its own
    to the server's maintenance database, with the configured OPTIONS (sslmode, …)."""
    import psycopg

    s = connection.settings_dict
    conninfo = psycopg.conninfo.make_conninfo(
        **_libpq_options(),
        host=s.get("HOST") or None,
        port=str(s.get("PORT") or "") or None,
        user=s.get("USER") or None,
        password=s.get("PASSWORD") or None,
        dbname="postgres",
    )
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(sql)


def _pg_restore(file: Path, destination: list[str]) -> None:
    """The backup into a database (`-d NAME`, in one transaction) or as SQL (`-f FILE`)."""
    single = ["--single-transaction"] if destination[0] == "-d" else []
    output = _run(
        [
            _tool("pg_restore"),
            *single,
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            *destination,
            str(file),
        ]
    )
    if output is not None:
        raise BackupError(f"pg_restore 失败，数据库未改动：{output}")


def _run(command: list[str]) -> str | None:
    """Run a PostgreSQL client tool; None when it succeeded, else what it said."""
    with tempfile.TemporaryFile() as log:
        result = subprocess.run(  # noqa: S603
            command, env=_pg_env(), stdout=log, stderr=subprocess.STDOUT, check=False
        )
        log.seek(0)
        output = log.read().decode("utf-8", "replace").strip()
    if result.returncode == 0:
        return None
    return output or f"退出码 {result.returncode}"
