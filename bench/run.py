"""`make bench` / `make bench-quick`: Gongzhi's pages and APIs under load, next to a peer.

    .venv/bin/python bench/run.py [--quick] [--cases N] [--databases sqlite,postgresql]
                                  [--only NAME ...] [--no-peer] [--no-triage] [--keep] [--reuse]

For each database (a SQLite file under var/bench/, and PostgreSQL in a database of its own,
`bench_gongzhi`, created and dropped here; skipped with a message when no server answers):
migrate, seed_demo, `seed_scale --cases N`, start the real server (gunicorn, 2 workers, DEBUG
off, a free port on 127.0.0.1), drive every registered scenario (bench/scenarios/) from a
separate load-generator process (locust), stop the server; then the same for the peer
(django-helpdesk in var/bench/peer/venv, `bench_helpdesk` on PostgreSQL) on N tickets. Then
bench/scale_bench.py (in-process, when present) on the same database, and once
bench/triage_bench.py. Writes var/bench/report.json and var/bench/report.md.

Every process started here runs in its own process group and is stopped in a `finally`, on
failure and on Ctrl-C or SIGTERM alike.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness_inprocess import scale_bench, triage_bench  # noqa: E402
from bench.harness_machine import git_commit, loadavg, machine  # noqa: E402
from bench.harness_processes import (  # noqa: E402
    free_port,
    log_line,
    run,
    start,
    stop,
    stop_all,
    wait_ready,
)
from bench.harness_report import WORKERS, build_rows, markdown  # noqa: E402
from bench.scenarios import GONGZHI, PEER, load_all  # noqa: E402

OUT = ROOT / "var" / "bench"
PY = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
PEER_DIR = ROOT / "bench" / "peer"
PEER_VENV = OUT / "peer" / "venv"
PG_ADMIN_URL = os.environ.get("PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_DATABASE, PG_PEER_DATABASE = "bench_gongzhi", "bench_helpdesk"
STREET_CODE = "420106011"  # seed_demo's street (gongzhi/org/demo_data.py)

QUICK = {
    "cases": 20_000,
    "warmup": 1.0,
    "seconds": 4.0,
    "max_requests": 5_000,
    "min_samples": 20,
    "max_seconds": 15.0,
}
FULL = {
    "cases": 1_000_000,
    "warmup": 3.0,
    "seconds": 20.0,
    "max_requests": 50_000,
    "min_samples": 200,
    "max_seconds": 120.0,
}


# --- databases --------------------------------------------------------------------------------


def pg_admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        conn.execute(statement)


def pg_reachable() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        import psycopg

        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
    except Exception as exc:  # noqa: BLE001 - any failure means "skip"
        return f"{type(exc).__name__}: {exc}".strip()
    return None


class Database:
    """One engine: where gongzhi's and the peer's data live, created fresh and dropped after."""

    def __init__(self, engine: str) -> None:
        self.engine = engine
        if engine == "sqlite":
            self.path = OUT / "gongzhi.sqlite3"
            self.peer_path = OUT / "peer" / "helpdesk.sqlite3"
            self.url = f"sqlite:///{self.path}"
            self.peer_url = f"sqlite:///{self.peer_path}"
        else:
            base = PG_ADMIN_URL.rsplit("/", 1)[0]
            self.url = f"{base}/{PG_DATABASE}"
            self.peer_url = f"{base}/{PG_PEER_DATABASE}"
        self.state_file = OUT / f"state-{engine}.json"

    def state(self) -> dict:
        try:
            return json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return {}

    _lock = threading.Lock()

    def save_state(self, **values) -> None:
        with self._lock:
            self.state_file.write_text(json.dumps({**self.state(), **values}))

    def create(self, which: str) -> None:
        self.drop(which)
        if self.engine == "postgresql":
            name = PG_DATABASE if which == GONGZHI else PG_PEER_DATABASE
            pg_admin(f'CREATE DATABASE "{name}"')

    def drop(self, which: str) -> None:
        if which == GONGZHI:
            self.save_state(cases=0)
        else:
            self.save_state(tickets=0)
        if self.engine == "sqlite":
            path = self.path if which == GONGZHI else self.peer_path
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        else:
            name = PG_DATABASE if which == GONGZHI else PG_PEER_DATABASE
            pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- gongzhi ----------------------------------------------------------------------------------


def gongzhi_env(db: Database) -> dict:
    return {
        "DATABASE_URL": db.url,
        "DEBUG": "0",
        "GONGZHI_BENCH": "1",
        "SECRET_KEY": hashlib.sha256(os.urandom(32)).hexdigest(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MEDIA_ROOT": str(OUT / "media"),
        "GONGZHI_SMS_OUTBOX": str(OUT / "sms-outbox.log"),
        "LOG_LEVEL": "WARNING",
        # The limits stay switched on (their counting is part of each request's cost) but
        # high enough that the simulated users, all from 127.0.0.1, are never refused.
        "GONGZHI_FILING_RATE_PER_MINUTE": "100000000",
        "GONGZHI_LOGIN_RATE_PER_MINUTE": "100000000",
    }


def prepare_gongzhi(db: Database, cases: int, needs: set[str], reuse: bool, log: Path) -> dict:
    env = gongzhi_env(db)
    manage = [PY, "manage.py"]
    figures: dict = {}
    if not (reuse and db.state().get("cases") == cases):
        db.create(GONGZHI)
        t0 = time.monotonic()
        run([*manage, "migrate", "--no-input", "-v", "0"], env=env, log=log)
        run([*manage, "createcachetable"], env=env, log=log)
        run([*manage, "seed_demo"], env=env, log=log)
        figures["migrate_and_demo_s"] = round(time.monotonic() - t0, 1)
        log_line(f"  seed_scale --cases {cases} ({db.engine}) …")
        t0 = time.monotonic()
        run([*manage, "seed_scale", "--cases", str(cases), "--seed", "2026"], env=env, log=log)
        figures["seed_scale_s"] = round(time.monotonic() - t0, 1)
        db.save_state(cases=cases)
    else:  # kept data: still bring its schema up to this commit (new indexes, tables)
        t0 = time.monotonic()
        run([*manage, "migrate", "--no-input", "-v", "0"], env=env, log=log)
        figures["migrate_kept_s"] = round(time.monotonic() - t0, 1)
    ctx: dict = {}
    if "open311_key" in needs:
        name = f"bench-{int(time.time() * 1000)}"
        key = run(
            [
                *manage,
                "open311_key",
                "create",
                name,
                "--street",
                STREET_CODE,
                "--per-minute",
                "100000000",
            ],
            env=env,
            log=log,
        )
        ctx["open311_key"] = key.strip().splitlines()[-1]
    if "case_ids" in needs:
        out = run([PY, "bench/scenarios/_prepare_gongzhi.py", "huajin", "street"], env=env)
        prepared = json.loads(out.strip().splitlines()[-1])
        ctx["case_ids"] = prepared["case_ids"]
        figures["cases_in_database"] = prepared["cases"]
    return {"ctx": ctx, "figures": figures}


def serve_gongzhi(db: Database, port: int, log: Path) -> subprocess.Popen:
    cmd = [
        GUNICORN,
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "120",
        "--log-level",
        "warning",
        "gongzhi.wsgi:application",
    ]
    return start(cmd, env=gongzhi_env(db), log=log)


# --- the peer ---------------------------------------------------------------------------------


def ensure_peer_venv(log: Path) -> None:
    requirements = PEER_DIR / "requirements.txt"
    stamp = PEER_VENV / ".requirements.sha256"
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    log_line("  building the peer's virtualenv (django-helpdesk) …")
    shutil.rmtree(PEER_VENV, ignore_errors=True)
    run([sys.executable, "-m", "venv", PEER_VENV], log=log)
    run([PEER_VENV / "bin" / "pip", "install", "--quiet", "-r", requirements], log=log)
    stamp.write_text(digest)


def peer_env(db: Database) -> dict:
    return {
        "PEER_DATABASE_URL": db.peer_url,
        "PEER_MEDIA_ROOT": str(OUT / "peer" / "media"),
        "SECRET_KEY": hashlib.sha256(os.urandom(32)).hexdigest(),
        "PYTHONPATH": str(PEER_DIR),
    }


def prepare_peer(db: Database, tickets: int, reuse: bool, log: Path) -> dict:
    env = peer_env(db)
    python = PEER_VENV / "bin" / "python"
    figures: dict = {}
    if not (reuse and db.state().get("tickets") == tickets):
        db.create(PEER)
        t0 = time.monotonic()
        run([python, PEER_DIR / "manage.py", "migrate", "--no-input", "-v", "0"], env=env, log=log)
        figures["migrate_s"] = round(time.monotonic() - t0, 1)
    log_line(f"  peer seed --tickets {tickets} ({db.engine}) …")
    out = run([python, PEER_DIR / "seed.py", "--tickets", str(tickets)], env=env, log=log)
    seeded = json.loads(out.strip().splitlines()[-1])
    figures["seed_s"] = seeded["seconds"]
    figures["tickets"] = seeded["tickets"]
    db.save_state(tickets=tickets)
    return {"ctx": {"peer": seeded}, "figures": figures}


def serve_peer(db: Database, port: int, log: Path) -> subprocess.Popen:
    cmd = [
        PEER_VENV / "bin" / "gunicorn",
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "120",
        "--log-level",
        "warning",
        "--chdir",
        PEER_DIR,
        "peerproj.wsgi:application",
    ]
    return start(cmd, env=peer_env(db), log=log)


# --- load -------------------------------------------------------------------------------------


def drive(port: int, names: list[str], ctx: dict, settings: dict, users: int, log: Path) -> list:
    """Run the scenarios from the load-generator process; its figures, per scenario."""
    plan = {
        "base_url": f"http://127.0.0.1:{port}",
        "scenarios": names,
        "users": users,
        "warmup": settings["warmup"],
        "seconds": settings["seconds"],
        "max_requests": settings["max_requests"],
        "min_samples": settings["min_samples"],
        "max_seconds": settings["max_seconds"],
        "ctx": ctx,
    }
    plan_file, out_file = OUT / "plan.json", OUT / "load.json"
    plan_file.write_text(json.dumps(plan, ensure_ascii=False))
    out_file.unlink(missing_ok=True)
    bound = len(names) * (settings["warmup"] + settings["max_seconds"] + 150) + 60
    proc = start([PY, "bench/scenarios/_loadgen.py", plan_file, out_file], log=log, stdout=None)
    try:
        proc.wait(timeout=bound)
    finally:
        stop(proc)
    return json.loads(out_file.read_text()) if out_file.exists() else []


def one_server(
    kind: str, db: Database, names: list[str], ctx: dict, settings: dict, users: int
) -> list:
    port = free_port()
    log = OUT / "logs" / f"{kind}-{db.engine}.log"
    serve = serve_gongzhi if kind == GONGZHI else serve_peer
    proc = serve(db, port, log)
    try:
        wait_ready(f"http://127.0.0.1:{port}/" + ("healthz" if kind == GONGZHI else "login/"), proc)
        log_line(f"  {kind} serving on 127.0.0.1:{port} (gunicorn, {WORKERS} workers)")
        return drive(port, names, ctx, settings, users, OUT / "logs" / "loadgen.log")
    finally:
        stop(proc)


# --- main -------------------------------------------------------------------------------------


def _sigterm(signum, frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20k cases, short runs (< 5 min)")
    parser.add_argument("--cases", type=int, help="cases (and peer tickets) to seed")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--only", nargs="*", help="scenario names (default: all)")
    parser.add_argument("--users", type=int, default=2, help="simulated users per scenario")
    parser.add_argument("--seconds", type=float, help="measured seconds per scenario")
    parser.add_argument("--warmup", type=float, help="unmeasured seconds per scenario")
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--no-triage", action="store_true")
    parser.add_argument("--no-scale", action="store_true", help="skip bench/scale_bench.py")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--reuse", action="store_true", help="reuse kept data of the same size")
    args = parser.parse_args()

    settings = dict(QUICK if args.quick else FULL)
    for key in ("cases", "seconds", "warmup"):
        if getattr(args, key) is not None:
            settings[key] = getattr(args, key)
    cases = settings["cases"]
    registry = load_all()
    names = [n for n in registry if not args.only or n in args.only]
    if args.quick:
        names = [n for n in names if registry[n].quick]
    if args.no_peer:
        names = [n for n in names if registry[n].target != PEER]
    unknown = set(args.only or []) - set(registry)
    if unknown:
        parser.error(f"unknown scenarios: {sorted(unknown)}; known: {sorted(registry)}")

    shutil.rmtree(OUT / "logs", ignore_errors=True)  # logs of this run only
    (OUT / "logs").mkdir(parents=True, exist_ok=True)
    (OUT / "peer").mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, _sigterm)
    started = time.monotonic()
    report: dict = {
        "quick": args.quick,
        "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
        "git": git_commit(),
        "cases": cases,
        "users": args.users,
        "settings": settings,
        "peer_version": "2.6.1",
        "scenarios": {
            n: {"title": registry[n].title, "target": registry[n].target, "goal": registry[n].goal}
            for n in names
        },
        "databases": {},
    }
    setup_log = OUT / "logs" / "setup.log"
    dbs_made: list[Database] = []
    try:
        peer_names = [n for n in names if registry[n].target == PEER]
        if peer_names:
            ensure_peer_venv(setup_log)
        for engine in [e.strip() for e in args.databases.split(",") if e.strip()]:
            per_db: dict = {}
            report["databases"][engine] = per_db
            if engine == "postgresql":
                why = pg_reachable()
                if why:
                    per_db["skipped"] = f"PostgreSQL not reachable at {PG_ADMIN_URL}: {why}"
                    log_line(f"SKIPPED postgresql: {per_db['skipped']}")
                    continue
            db = Database(engine)
            dbs_made.append(db)
            ours = [n for n in names if registry[n].target == GONGZHI]
            needs = set().union(*(registry[n].needs for n in names))
            # Both data sets are built at once (two cores, nothing measured yet), then each
            # server is measured alone.
            chosen = {GONGZHI: ours, PEER: peer_names}
            log_line(f"{engine}: preparing {cases:,} cases / tickets")
            with ThreadPoolExecutor(max_workers=2) as pool:
                futures = {}
                if ours:
                    futures[GONGZHI] = pool.submit(
                        prepare_gongzhi, db, cases, needs, args.reuse, setup_log
                    )
                if peer_names:
                    futures[PEER] = pool.submit(prepare_peer, db, cases, args.reuse, setup_log)
            for kind, future in futures.items():
                try:
                    prepared = future.result()
                    log_line(f"{engine}: {kind} — load: {', '.join(chosen[kind])}")
                    load = one_server(kind, db, chosen[kind], prepared["ctx"], settings, args.users)
                    per_db[kind] = {"figures": prepared["figures"], "load": load}
                except (RuntimeError, subprocess.TimeoutExpired, OSError, ValueError) as exc:
                    log_line(f"{engine}: {kind} FAILED: {exc}")
                    per_db[kind] = {"error": str(exc)}
            if not args.no_scale and ours:
                log_line(f"{engine}: bench/scale_bench.py")
                per_db["scale_bench"] = scale_bench(db.url, cases, args.quick, setup_log)
            if not args.keep:
                db.drop(GONGZHI)
                if peer_names:
                    db.drop(PEER)
                dbs_made.remove(db)
        if not args.no_triage and not args.only:
            log_line("bench/triage_bench.py")
            report["triage"] = triage_bench(args.quick, OUT / "logs" / "triage.log")
    except KeyboardInterrupt:
        log_line("interrupted: stopping every process started")
        report["interrupted"] = True
        raise
    finally:
        stop_all()
        for db in dbs_made if not args.keep else []:
            for kind in (GONGZHI, PEER):
                try:
                    db.drop(kind)
                except Exception as exc:  # noqa: BLE001 - best effort on the way out
                    log_line(f"could not drop {db.engine} {kind}: {exc}")
        report["took_s"] = round(time.monotonic() - started, 1)
        report["machine"]["loadavg_at_end"] = loadavg()
        report["rows"] = build_rows(report["databases"], registry)
        (OUT / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
        (OUT / "report.md").write_text(markdown(report))
        log_line(f"wrote {OUT / 'report.json'} and {OUT / 'report.md'}")
    print((OUT / "report.md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
