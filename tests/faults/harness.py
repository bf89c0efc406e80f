"""What the fault tests share: a dedicated database, the real processes, and the invariants.

The processes (gunicorn, `run_scheduler`, `import_cases`, `backup`, `restore`) run with the real
settings (`tests.faults.server_settings`: audit triggers on) against their own database, never
the pytest one: a SQLite file in the test's tmp dir, or `gongzhi_faults_<pid>_<label>` on the
PostgreSQL server of DATABASE_URL. The test process reads that database through an extra Django
connection alias, in one snapshot transaction per check.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg
from django.db import connections, transaction

from gongzhi.core.audit import GENESIS_HASH, _digest, _hash_fields
from gongzhi.core.models import AuditChainHead, AuditRecord

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
SETTINGS = "tests.faults.server_settings"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pg_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


class Database:
    """A dedicated database for spawned processes, dropped at the end."""

    def __init__(self, tmp_path: Path, label: str) -> None:
        self.tmp = tmp_path
        self.label = label
        self.alias = f"faults_{label}"
        url = _pg_url()
        self.vendor = "postgresql" if url else "sqlite"
        if url:
            parsed = dj_database_url.parse(url)
            self.name = f"gongzhi_faults_{os.getpid()}_{label}"
            self.maintenance = psycopg.conninfo.make_conninfo(
                host=parsed["HOST"] or "127.0.0.1",
                port=str(parsed["PORT"] or 5432),
                user=parsed["USER"] or "postgres",
                password=parsed["PASSWORD"] or None,
                dbname=parsed["NAME"] or "postgres",
            )
            self.url = url.rsplit("/", 1)[0] + "/" + self.name
            self._pg(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self._pg(f'CREATE DATABASE "{self.name}"')
            self.db_env = {"DATABASE_URL": self.url}
        else:
            self.path = tmp_path / f"{label}.sqlite3"
            self.name = str(self.path)
            self.db_env = {"SQLITE_PATH": str(self.path)}

    def _pg(self, sql: str) -> None:
        with psycopg.connect(self.maintenance, autocommit=True) as conn:
            conn.execute(sql)

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
        env.update(self.db_env)
        env.update(
            DJANGO_SETTINGS_MODULE=SETTINGS,
            PYTHONPATH=str(REPO),
            MEDIA_ROOT=str(self.tmp / "media"),
            GONGZHI_SMS_OUTBOX=str(self.tmp / "sms.log"),
            LOG_LEVEL="ERROR",
        )
        return env

    def manage(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=REPO,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def prepare(self) -> dict[str, Any]:
        """Migrate (with the audit triggers) and seed the personas; return ids and tokens."""
        done = self.manage("migrate", "--no-input", "-v", "0")
        assert done.returncode == 0, done.stderr
        seeded = subprocess.run(
            [PYTHON, "-m", "tests.faults.seed"],
            cwd=REPO,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert seeded.returncode == 0, seeded.stderr
        return json.loads(seeded.stdout.strip().splitlines()[-1])

    def drop(self) -> None:
        if self.alias in connections.settings:
            connections[self.alias].close()
            del connections.settings[self.alias]
        if self.vendor == "postgresql":
            self._pg(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    # --- reading it from the test process ---------------------------------------------------
    def connect(self) -> str:
        """Register a Django alias for this database (snapshot reads) and return its name."""
        if self.alias not in connections.settings:
            config = dict(connections.settings["default"])
            if self.vendor == "postgresql":
                parsed = dj_database_url.parse(self.url)
                config.update({k: parsed[k] for k in ("NAME", "USER", "PASSWORD", "HOST", "PORT")})
                config["OPTIONS"] = {"isolation_level": psycopg.IsolationLevel.REPEATABLE_READ}
            else:
                config["NAME"] = str(self.path)
                config["OPTIONS"] = {**config.get("OPTIONS", {}), "transaction_mode": "DEFERRED"}
            config["CONN_MAX_AGE"] = 0
            connections.settings[self.alias] = config
        return self.alias

    @contextmanager
    def snapshot(self) -> Iterator[Any]:
        """A cursor inside one read transaction: every query sees the same committed state."""
        alias = self.connect()
        try:
            with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                yield cursor
        finally:
            connections[alias].close()

    def integrity(self) -> str:
        """SQLite: PRAGMA integrity_check. PostgreSQL: the server answers and no constraint
        is left unvalidated (NOT VALID) on our tables."""
        alias = self.connect()
        try:
            with connections[alias].cursor() as cursor:
                if self.vendor == "sqlite":
                    cursor.execute("PRAGMA integrity_check")
                    return ", ".join(row[0] for row in cursor.fetchall())
                cursor.execute(
                    "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n "
                    "ON n.oid = c.connamespace WHERE n.nspname = 'public' AND NOT c.convalidated"
                )
                return "ok" if cursor.fetchone()[0] == 0 else "unvalidated constraints"
        finally:
            connections[alias].close()


# --- processes ------------------------------------------------------------------------------
def spawn(db: Database, args: list[str], log: Path) -> subprocess.Popen:
    """Start a process in its own group (so SIGKILL takes its children too)."""
    return subprocess.Popen(
        args,
        cwd=REPO,
        env=db.env(),
        stdout=open(log, "ab"),  # noqa: SIM115 - the child owns it
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


class Server:
    """gunicorn, 4 sync workers, the application preloaded so that a killed worker is
    replaced by a fork in a moment."""

    def __init__(self, db: Database, log: Path) -> None:
        self.db, self.log = db, log
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> None:
        self.process = spawn(
            self.db,
            [
                PYTHON, "-m", "gunicorn", "tests.faults.wsgi:application", "--preload",
                "-w", "4", "-b", f"127.0.0.1:{self.port}", "--timeout", "60",
                "--graceful-timeout", "1", "--log-level", "warning",
            ],
            self.log,
        )  # fmt: skip
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {self.log}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as reply:  # noqa: S310
                    if reply.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"gunicorn did not answer within {timeout}s: see {self.log}")

    def workers(self) -> list[int]:
        return children(self.process.pid) if self.process else []

    def stop(self) -> None:
        if self.process is not None:
            kill_group(self.process)
            self.process = None


# --- invariants -----------------------------------------------------------------------------
# Each move writes its event and its audit record in one transaction: counts must match.
EVENT_AUDIT = [
    ("assessed", "case.assess"),
    ("dispatched", "case.dispatch"),
    ("accepted", "case.accept"),
    ("started", "case.start"),
    ("resolved", "case.resolve"),
    ("escalated", "case.escalate"),
    ("auto_closed", "case.auto_close"),
]
_AUDIT_OF = (
    "SELECT count(*) FROM core_auditrecord a WHERE a.object_type = 'cases.case' "
    "AND a.object_id = CAST(c.id AS TEXT) AND a.action = %s"
)
_EVENTS_OF = "SELECT count(*) FROM cases_caseevent e WHERE e.case_id = c.id AND e.kind = %s"
PARTIAL_QUERIES: list[tuple[str, str, list[Any]]] = [
    (
        "case without its first event",
        "SELECT c.number FROM cases_case c WHERE NOT EXISTS (SELECT 1 FROM cases_caseevent e "
        "WHERE e.case_id = c.id AND e.kind = 'filed')",
        [],
    ),
    (
        "case without its audit record",
        f"SELECT c.number FROM cases_case c WHERE ({_AUDIT_OF}) = 0",  # noqa: S608
        ["case.file"],
    ),
    (
        "status differs from the last status event",
        "SELECT c.number FROM cases_case c WHERE c.status <> COALESCE((SELECT e.new_status "
        "FROM cases_caseevent e WHERE e.case_id = c.id AND e.old_status <> e.new_status "
        "ORDER BY e.id DESC LIMIT 1), 'received')",
        [],
    ),
    (
        # A 重办 or the street's hand-back starts a new climb at level 0 (S4), so the level is
        # at most the case's escalation events, never more.
        "escalation level without its events",
        f"SELECT c.number FROM cases_case c WHERE c.escalation_level > ({_EVENTS_OF})",  # noqa: S608
        ["escalated"],
    ),
    (
        "breach count without its events",
        f"SELECT c.number FROM cases_case c WHERE c.breach_count <> ({_EVENTS_OF})",  # noqa: S608
        ["sla_breached"],
    ),
    (
        "rating without its visit",
        "SELECT c.number FROM cases_case c WHERE (SELECT count(*) FROM cases_caserating r "  # noqa: S608
        f"WHERE r.case_id = c.id) <> ({_AUDIT_OF})",
        ["case.visit"],
    ),
    *(
        (
            f"{kind} event without audit (or the reverse)",
            f"SELECT c.number FROM cases_case c WHERE ({_EVENTS_OF}) <> ({_AUDIT_OF})",  # noqa: S608
            [kind, action],
        )
        for kind, action in EVENT_AUDIT
    ),
]


@dataclass
class ChainState:
    seq: int = 0
    hash: str = GENESIS_HASH


def verify_chain_increment(alias: str, state: ChainState) -> str | None:
    """Recompute the audit chain from the last verified record on; None when it holds.

    Must run inside the snapshot transaction (the head is read in the same snapshot)."""
    records = AuditRecord.objects.using(alias).filter(seq__gt=state.seq).order_by("seq")
    seq, prev = state.seq, state.hash
    for entry in records.iterator(chunk_size=2000):
        if entry.seq != seq + 1:
            return f"audit sequence jumps from {seq} to {entry.seq}"
        if entry.prev_hash != prev:
            return f"audit record {entry.seq}: previous hash does not match"
        if _digest(_hash_fields(entry)) != entry.hash:
            return f"audit record {entry.seq}: content does not match its hash"
        seq, prev = entry.seq, entry.hash
    head = AuditChainHead.objects.using(alias).filter(pk=1).first()
    if head is not None and (head.seq, head.hash) != (seq, prev):
        return f"audit head ({head.seq}) does not match the last record ({seq})"
    if (
        state.seq
        and not AuditRecord.objects.using(alias).filter(seq=state.seq, hash=state.hash).exists()
    ):
        return f"audit record {state.seq} changed after it was verified"
    state.seq, state.hash = seq, prev
    return None


@dataclass
class Ledger:
    """What the driver was told succeeded (must be present) and what it merely attempted."""

    created: dict[int, str] = field(default_factory=dict)  # case id -> number (201)
    moved: list[tuple[int, str, int]] = field(default_factory=list)  # (case id, action, version)
    rated: set[tuple[int, int]] = field(default_factory=set)  # (case id, round)
    imports: dict[str, list[str]] = field(default_factory=dict)  # file -> order numbers
    imported: set[str] = field(default_factory=set)  # files whose import said 导入完成
    unknown: int = 0  # writes whose answer was lost with a killed process
    stuck_keys: int = 0  # Idempotency-Key answered 409 "in progress" after a kill
    answers: Counter = field(default_factory=Counter)  # (action, status) of every answer


def check(db: Database, ledger: Ledger, chain: ChainState) -> list[str]:
    """Every invariant of a crashed-and-restarted database; an empty list when all hold."""
    problems: list[str] = []
    # What was acknowledged *before* the snapshot below begins: only that must be in it.
    created, moved, rated = dict(ledger.created), list(ledger.moved), set(ledger.rated)
    imports, imported = dict(ledger.imports), set(ledger.imported)
    result = db.integrity()
    if result != "ok":
        problems.append(f"integrity check: {result}")
    with db.snapshot() as cursor:
        for label, sql, params in PARTIAL_QUERIES:
            cursor.execute(sql, params)
            bad = [row[0] for row in cursor.fetchall()]
            if bad:
                problems.append(f"{label}: {bad[:5]}")
        cursor.execute("SELECT id, number, version FROM cases_case")
        cases = {row[0]: (row[1], row[2]) for row in cursor.fetchall()}
        for case_id, number in created.items():
            if cases.get(case_id, (None,))[0] != number:
                problems.append(f"acknowledged case {number} is missing")
        cursor.execute(
            "SELECT object_id, action FROM core_auditrecord WHERE object_type = 'cases.case'"
        )
        audited = {(row[0], row[1]) for row in cursor.fetchall()}
        for case_id, action, version in moved:
            if (str(case_id), f"case.{action}") not in audited:
                problems.append(f"acknowledged {action} of case {case_id} has no audit record")
            if case_id not in cases or cases[case_id][1] < version:
                problems.append(f"acknowledged {action} of case {case_id} (v{version}) is lost")
        cursor.execute("SELECT case_id, round FROM cases_caserating")
        ratings = {(row[0], row[1]) for row in cursor.fetchall()}
        for pair in rated:
            if pair not in ratings:
                problems.append(f"acknowledged rating {pair} is missing")
        cursor.execute("SELECT external_order_no FROM cases_case WHERE external_order_no <> ''")
        orders = {row[0] for row in cursor.fetchall()}
        for name, numbers in imports.items():
            present = sum(number in orders for number in numbers)
            if present not in (0, len(numbers)):
                problems.append(f"import {name} is partial: {present} of {len(numbers)} rows")
            if name in imported and present != len(numbers):
                problems.append(f"import {name} reported done but {present} rows are present")
        broken = verify_chain_increment(db.alias, chain)
        if broken:
            problems.append(broken)
    return problems
