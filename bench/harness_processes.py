"""Processes the benchmark starts: each in its own process group, remembered, always stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def log_line(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


_STARTED: list[subprocess.Popen] = []


def start(
    cmd: list[str], *, env: dict | None = None, log: Path | None = None, **kw
) -> subprocess.Popen:
    """Start a process in its own process group, remembered so that `stop_all` can end it."""
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(  # noqa: S603 - our own commands
        [str(c) for c in cmd],
        cwd=kw.pop("cwd", ROOT),
        env={**os.environ, **(env or {})},
        stdout=kw.pop("stdout", out),
        stderr=kw.pop("stderr", out),
        start_new_session=True,
        **kw,
    )
    _STARTED.append(proc)
    return proc


def stop(proc: subprocess.Popen, grace: float = 10.0) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=grace)
        except (ProcessLookupError, PermissionError):
            pass
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
    if proc in _STARTED:
        _STARTED.remove(proc)


def stop_all() -> None:
    for proc in reversed(list(_STARTED)):
        stop(proc, grace=5.0)


def run(
    cmd: list, *, env: dict | None = None, timeout: float = 7200, log: Path | None = None
) -> str:
    """Run to completion (in its own group, stoppable); return stdout; raise on failure."""
    proc = start(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        stop(proc)
    if log:
        with open(log, "ab") as handle:
            handle.write(b"$ " + " ".join(map(str, cmd)).encode() + b"\n" + out + err)
    if proc.returncode != 0:
        tail = (err or out).decode(errors="replace")[-2000:]
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {proc.returncode}:\n{tail}")
    return out.decode(errors="replace")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(url: str, proc: subprocess.Popen, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status < 500:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"server did not answer {url} within {timeout:.0f} s")
