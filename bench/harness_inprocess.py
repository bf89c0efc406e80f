"""The benchmarks that run in-process after the load runs: scale_bench.py and triage_bench.py."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from bench.harness_processes import ROOT, run

PY = ROOT / ".venv" / "bin" / "python"
OUT = ROOT / "var" / "bench"


def last_json(text: str) -> dict | None:
    """The JSON document a script printed (whole output, or its last `{…}` block)."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    start_at = text.rfind("\n{")
    while start_at != -1:
        try:
            return json.loads(text[start_at + 1 :])
        except ValueError:
            start_at = text.rfind("\n{", 0, start_at)
    return None


def scale_bench(db_url: str, cases: int, quick: bool, log: Path) -> dict:
    script = ROOT / "bench" / "scale_bench.py"
    if not script.exists():
        return {"skipped": "bench/scale_bench.py is not there yet"}
    cmd = [PY, script, "--cases", str(cases), "--database-url", db_url]
    if quick:
        cmd.append("--quick")
    t0 = time.monotonic()
    try:
        out = run(cmd, env={"DATABASE_URL": db_url}, timeout=900 if quick else 4 * 3600, log=log)
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        return {"error": str(exc)[-1500:]}
    parsed = last_json(out)
    result = (
        parsed if parsed is not None else {"error": "no JSON in its output", "tail": out[-500:]}
    )
    result["wall_s"] = round(time.monotonic() - t0, 1)
    return result


def triage_bench(quick: bool, log: Path) -> dict:
    out_file = OUT / "triage-quick.json" if quick else ROOT / "bench" / "results" / "triage.json"
    cmd = [PY, "bench/triage_bench.py", "--out", out_file]
    if quick:  # urgency and the blind set only: the rest trains on the TipDM data for minutes
        cmd += ["--only", "urgency", "blind"]
    t0 = time.monotonic()
    try:
        run(cmd, timeout=900 if quick else 3 * 3600, log=log)
        result = json.loads(Path(out_file).read_text())
    except (RuntimeError, subprocess.TimeoutExpired, OSError, ValueError) as exc:
        return {"error": str(exc)[-1500:]}
    result["wall_s"] = round(time.monotonic() - t0, 1)
    result["parts"] = "urgency and blind set only (bench-quick)" if quick else "all"
    return result
