"""Backup and restore drill: `manage.py backup` while the server takes writes, then
`manage.py restore` into an empty database: the same row count in every table as the backup's
snapshot, every write acknowledged before the backup began, whole operations only, and the same
audit chain head, which verifies. A non-empty target is refused unless --force."""

import json
import sqlite3
import threading
import time

import pytest

from tests.faults.driver import Driver
from tests.faults.harness import ChainState, Database, Ledger, Server, check

pytestmark = pytest.mark.faults


def _counts(db: Database) -> dict[str, int]:
    with db.snapshot() as cursor:
        if db.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        else:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = sorted(row[0] for row in cursor.fetchall())
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - catalog names
            counts[table] = cursor.fetchone()[0]
    return counts


def test_backup_under_write_load_restores_identically(workdir, django_db_blocker) -> None:
    source = Database(workdir, "source")
    target = Database(workdir, "target")  # empty: no tables at all
    server = Server(source, workdir / "server.log")
    try:
        fixture = source.prepare()
        server.start()
        ledger, lock, stop = Ledger(), threading.Lock(), threading.Event()
        drivers = [Driver(server, fixture, ledger, lock, stop, seed) for seed in range(2)]
        for driver in drivers:
            driver.start()
        deadline = time.monotonic() + 60
        while len(ledger.created) < 10 and time.monotonic() < deadline:
            time.sleep(0.1)
        with lock:
            before = Ledger(created=dict(ledger.created), moved=list(ledger.moved))
        made = source.manage("backup", "--dir", str(workdir / "backups"))
        # Writes go on after the snapshot: wait for a case filed once the backup had finished
        # (a busy host may take more than a second for one driver's round of the loop).
        with lock:
            after_backup = len(ledger.created)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with lock:
                if len(ledger.created) > after_backup:
                    break
            time.sleep(0.1)
        stop.set()
        for driver in drivers:
            driver.join(timeout=60)
        server.stop()
        assert made.returncode == 0, made.stderr
        assert "备份完成" in made.stdout
        files = [p for p in (workdir / "backups").iterdir() if p.suffix in (".sqlite3", ".dump")]
        assert len(files) == 1 and files[0].name.startswith("gongzhi-")
        backup = files[0]
        manifest = json.loads(backup.with_suffix(".json").read_text())

        restored = target.manage("restore", str(backup))
        assert restored.returncode == 0, restored.stderr
        assert "审计链校验通过" in restored.stdout

        with django_db_blocker.unblock():
            counts = _counts(target)
            assert counts == manifest["counts"]
            if source.vendor == "sqlite":  # the file itself, independently of its manifest
                with sqlite3.connect(backup) as conn:
                    for table, count in counts.items():
                        row = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()  # noqa: S608
                        assert row[0] == count, table
            # The load really ran on: the source has rows the snapshot does not.
            assert _counts(source)["cases_case"] > counts["cases_case"] >= len(before.created)
            # Everything acknowledged before the backup began is there, whole; the chain holds.
            assert check(target, before, ChainState()) == []
            with target.snapshot() as cursor:
                cursor.execute("SELECT seq, hash FROM core_auditchainhead WHERE id = 1")
                assert cursor.fetchone() == (manifest["audit_seq"], manifest["audit_hash"])
        verified = target.manage("verify_audit")
        assert verified.returncode == 0 and manifest["audit_hash"] in verified.stdout

        # The target now has tables: a second restore is refused, unless forced.
        again = target.manage("restore", str(backup))
        assert again.returncode != 0 and "不是空的" in again.stderr
        forced = target.manage("restore", str(backup), "--force")
        assert forced.returncode == 0, forced.stderr
        with django_db_blocker.unblock():
            assert _counts(target) == manifest["counts"]
    finally:
        server.stop()
        source.drop()
        target.drop()
