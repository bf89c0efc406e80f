"""`restore` refuses a backup it cannot vouch for *before* it touches the target: a backup that
differs from its manifest, a backup without a manifest (unless --no-manifest), a file that is
not a backup at all. The real commands run in their own processes against a database of their
own (SQLite file or PostgreSQL database of DATABASE_URL), never the pytest one."""

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from gongzhi.core import backups, pg_restore
from tests.faults.harness import Database

MARKER = "恢复测试标记"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, Path]]:
    """A seeded database and one backup of it; after the backup, one more person (the marker
    a refused restore must leave in place)."""
    workdir = tmp_path_factory.mktemp("restore")
    db = Database(workdir, "restore_refusals")
    try:
        db.prepare()
        made = db.manage("backup", "--dir", str(workdir / "backups"))
        assert made.returncode == 0, made.stderr
        (backup,) = (workdir / "backups").glob("gongzhi-*.[sd][qu]*")
        _add_marker(db)
        yield db, backup
    finally:
        db.drop()


def _add_marker(db: Database) -> None:
    done = db.manage(
        "shell",
        "-c",
        "from gongzhi.org.models import Person; "
        f"Person.objects.create(name='{MARKER}', phone='19900009999')",
    )
    assert done.returncode == 0, done.stderr


def _marker_present(db: Database) -> bool:
    with db.snapshot() as cursor:
        cursor.execute("SELECT count(*) FROM org_person WHERE name = %s", [MARKER])
        return cursor.fetchone()[0] == 1


def _copy(backup: Path, directory: Path, *, manifest: bool = True) -> Path:
    copy = directory / f"copy{backup.suffix}"
    shutil.copyfile(backup, copy)
    if manifest:
        shutil.copyfile(backup.with_suffix(".json"), copy.with_suffix(".json"))
    return copy


def test_a_backup_that_differs_from_its_manifest_leaves_the_target_alone(
    live, tmp_path, django_db_blocker
) -> None:
    db, backup = live
    tampered = _copy(backup, tmp_path)
    manifest = json.loads(tampered.with_suffix(".json").read_text())
    persons = manifest["counts"]["org_person"]
    manifest["counts"]["org_person"] = persons + 1  # one person fewer in the backup than listed
    tampered.with_suffix(".json").write_text(json.dumps(manifest))

    result = db.manage("restore", str(tampered), "--force")

    assert result.returncode == 1
    assert (
        f"备份与清单不符：表 org_person 应有 {persons + 1} 行，备份中 {persons} 行；数据库未改动"
    ) in result.stderr
    assert "{" not in result.stderr  # sentences, not a raw dict
    with django_db_blocker.unblock():
        assert _marker_present(db)  # the target still holds what it held


def test_a_backup_without_its_manifest_is_refused_unless_told(
    live, tmp_path, django_db_blocker
) -> None:
    db, backup = live
    bare = _copy(backup, tmp_path, manifest=False)

    refused = db.manage("restore", str(bare), "--force")

    assert refused.returncode == 1
    assert f"未找到备份清单 {bare.with_suffix('.json')}，无法核对行数，未恢复" in refused.stderr
    with django_db_blocker.unblock():
        assert _marker_present(db)
    assert "--no-manifest" in db.manage("restore", "--help").stdout

    restored = db.manage("restore", str(bare), "--force", "--no-manifest")

    assert restored.returncode == 0, restored.stderr
    assert "审计链校验通过" in restored.stdout
    with django_db_blocker.unblock():
        assert not _marker_present(db)  # now exactly the backup
    _add_marker(db)


def test_a_file_that_is_not_a_backup_is_named_so_before_anything_else(
    live, tmp_path, django_db_blocker
) -> None:
    db, backup = live
    junk = tmp_path / f"notes{backup.suffix}"
    junk.write_text("这不是备份")
    shutil.copyfile(backup.with_suffix(".json"), junk.with_suffix(".json"))

    for extra in ([], ["--force"]):
        result = db.manage("restore", str(junk), *extra)

        assert result.returncode == 1
        assert "不是有效的备份文件" in result.stderr
        assert "Traceback" not in result.stderr and "不是空的" not in result.stderr
    with django_db_blocker.unblock():
        assert _marker_present(db)


def test_a_negative_keep_is_refused_and_no_backup_is_taken(tmp_path) -> None:
    with pytest.raises(CommandError, match="--keep 应为 0（全部保留）或正整数，而不是 -1"):
        call_command("backup", dir=str(tmp_path), keep=-1)
    assert list(tmp_path.iterdir()) == []


def _wrap(bindir: Path, tool: str, body: str) -> None:
    """A `tool` first on PATH that runs `body` (sh), with $REAL the real one."""
    real = shutil.which(tool)
    assert real, f"{tool} not installed"
    script = bindir / tool
    script.write_text(f'#!/bin/sh\nREAL="{real}"\n{body}\n')
    script.chmod(0o755)


def test_a_failure_while_replacing_the_target_leaves_it_as_it_was(
    live, tmp_path, monkeypatch, django_db_blocker
) -> None:
    """PostgreSQL: the final step fails after the old schema was dropped and the backup loaded
    (psql: one statement too many; killed), or (the old way) the restore into the target fails
    outright (pg_restore -d <target>): the target keeps its data and the message says so."""
    db, backup = live
    if db.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    _wrap(
        bindir,
        "pg_restore",
        f'prev=""; for a in "$@"; do if [ "$prev" = "-d" ] && [ "$a" = "{db.name}" ]; then '
        'echo "simulated: could not extend file: No space left on device"; exit 1; fi; '
        'prev="$a"; done\nexec "$REAL" "$@"',
    )
    monkeypatch.setenv("PATH", f"{bindir}:{os.environ['PATH']}")
    failures = {
        "one statement too many": 'exec "$REAL" "$@" -c "SELECT 1/0"',
        "killed mid-transaction": '"$REAL" "$@" -c "SELECT pg_sleep(10)" &\n'
        'sleep 4; kill -9 $!; echo "simulated: killed"; exit 137',
    }
    for failure, body in failures.items():
        _wrap(bindir, "psql", body)

        result = db.manage("restore", str(backup), "--force")

        with django_db_blocker.unblock():
            assert _marker_present(db), failure  # the old data, not an empty schema
        assert result.returncode == 1
        assert "恢复失败，数据库未改动" in result.stderr, failure
        assert "Traceback" not in result.stderr
    with django_db_blocker.unblock(), db.snapshot() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_database WHERE datname = %s",
            [pg_restore.scratch_name(db.name)],
        )
        assert cursor.fetchone()[0] == 0  # no staging database left behind


def test_an_unreachable_maintenance_database_is_said_in_words(tmp_path, monkeypatch) -> None:
    """The maintenance connection uses the configured OPTIONS (here an SSL demand it cannot
    meet) and its failure is a sentence, before anything is created or touched."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    options = dict(connection.settings_dict.get("OPTIONS") or {})
    options.update(sslmode="verify-full", sslrootcert=str(tmp_path / "missing-root.crt"))
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", options)

    def never(*args: object) -> None:
        raise AssertionError("reached pg_restore: the maintenance connection ignored OPTIONS")

    monkeypatch.setattr(pg_restore, "_pg_restore", never)

    with pytest.raises(backups.BackupError) as refused:
        pg_restore.restore_postgres(tmp_path / "x.dump", None)

    message = str(refused.value)
    assert message.startswith("无法通过 PostgreSQL 维护数据库 postgres 创建临时数据库")
    assert message.endswith("；数据库未改动")


def test_the_staging_database_is_never_the_target() -> None:
    assert pg_restore.scratch_name("gongzhi") == "gongzhi_restore_check"
    for name in ("g" * 63, "g" * 50, "共治数据库" * 4, "x" * 49 + "_restore_check"):
        scratch = pg_restore.scratch_name(name)
        assert scratch != name
        assert len(scratch.encode()) <= 63  # PostgreSQL would cut a longer name
        assert scratch.startswith(name.encode()[:40].decode("utf-8", "ignore"))
