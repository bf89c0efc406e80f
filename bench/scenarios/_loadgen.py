"""The load generator of `make bench`: one process, separate from the server, that runs
scenarios one after another with locust (headless, as a library) and writes raw figures.

    .venv/bin/python bench/scenarios/_loadgen.py PLAN.json OUT.json

PLAN: {"base_url", "scenarios": [names], "users", "warmup", "seconds", "max_requests",
"min_samples", "max_seconds", "ctx"}.
Each scenario: `users` locust users (FastHttpUser, no wait time) start, run their setup (log
in), then send requests for `warmup` seconds (not counted) and `seconds` more (counted), or
until `max_requests` have been counted; when a label the scenario declares has fewer than
`min_samples` answers by then, measuring goes on up to `max_seconds`. Every counted response
time is kept, so the median and the 95th percentile are exact rather than locust's buckets.
"""

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
from locust import FastHttpUser, task  # noqa: E402
from locust.env import Environment  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from bench.scenarios import load_all  # noqa: E402


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def user_class(scenario, ctx: dict, base_url: str, setups: dict) -> type:
    weights = [w for w, _ in scenario.steps]
    steps = [s for _, s in scenario.steps]

    class BenchUser(FastHttpUser):
        host = base_url
        wait_time = staticmethod(lambda: 0)
        network_timeout = 60.0
        connection_timeout = 10.0

        def on_start(self) -> None:
            self.state: dict = {}
            self.ready = False
            try:
                if scenario.setup is not None:
                    scenario.setup(self.client, ctx, self.state)
            except Exception as exc:  # noqa: BLE001 - reported, the user then idles
                setups["failed"].append(f"setup: {type(exc).__name__}: {exc}")
                return
            self.ready = True
            setups["ready"] += 1

        @task
        def step(self) -> None:
            if not self.ready:
                return
            import random

            chosen = random.choices(steps, weights)[0]  # noqa: S311 - load generation
            chosen(self.client, ctx, self.state)

    BenchUser.__name__ = f"User_{scenario.name}"
    return BenchUser


def run_one(scenario, plan: dict) -> dict:
    ctx = plan["ctx"]
    users = scenario.users or plan["users"]
    setups: dict = {"ready": 0, "failed": []}
    env = Environment(user_classes=[user_class(scenario, ctx, plan["base_url"], setups)])
    times: dict[str, list[float]] = defaultdict(list)
    failures: dict[str, int] = defaultdict(int)
    samples: list[str] = []
    counting = {"on": False, "n": 0}
    warmed: dict = {"n": 0, "seen": set()}

    def on_request(request_type, name, response_time, response_length, exception=None, **_):
        if not name.startswith("(setup)"):
            warmed["n"] += 1
            warmed["seen"].add(name)
        if not counting["on"] or name.startswith("(setup)"):
            if exception is not None and len(samples) < 5:
                samples.append(f"{name}: {exception}")
            return
        counting["n"] += 1
        if exception is not None:
            failures[name] += 1
            if len(samples) < 5:
                samples.append(f"{name}: {exception}")
        else:
            times[name].append(response_time)

    env.events.request.add_listener(on_request)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)
    deadline = time.monotonic() + plan.get("setup_timeout", 120)
    while time.monotonic() < deadline:  # wait for every user's setup (log in)
        if setups["ready"] + len(setups["failed"]) >= users:
            break
        gevent.sleep(0.1)
    # Warm up for `warmup` seconds and until every user has had an answer (and every declared
    # label one): a worker's first request may load a model or fill caches for seconds.
    warm_until = time.monotonic() + plan["warmup"]
    while time.monotonic() < deadline and (
        time.monotonic() < warm_until
        or warmed["n"] < setups["ready"]
        or not warmed["seen"].issuperset(scenario.labels)
    ):
        gevent.sleep(0.05)
    counting["on"] = True
    started = time.monotonic()
    end = started + plan["seconds"]
    cap = started + max(plan["seconds"], plan.get("max_seconds", plan["seconds"]))
    labels = scenario.labels or tuple(warmed["seen"])  # by default every label warmed up

    def enough() -> bool:  # slow requests: go on (up to `max_seconds`) for `min_samples` each
        if counting["n"] >= plan["max_requests"]:
            return True
        if time.monotonic() < end:
            return False
        return not labels or all(len(times[x]) >= plan.get("min_samples", 0) for x in labels)

    while time.monotonic() < cap and not enough():
        gevent.sleep(0.05)
    counting["on"] = False
    elapsed = time.monotonic() - started
    runner.quit()
    rows = {}
    for name in sorted(set(times) | set(failures)):
        values = sorted(times[name])
        rows[name] = {
            "count": len(values),
            "failures": failures[name],
            "median_ms": round(statistics.median(values), 2) if values else None,
            "p95_ms": round(percentile(values, 0.95), 2) if values else None,
            "p99_ms": round(percentile(values, 0.99), 2) if values else None,
            "mean_ms": round(statistics.fmean(values), 2) if values else None,
            "rps": round(len(values) / elapsed, 1) if elapsed else None,
        }
    return {
        "scenario": scenario.name,
        "users": users,
        "seconds": round(elapsed, 2),
        "requests": rows,
        "errors": setups["failed"][:3] + samples,
    }


def main() -> None:
    plan = json.loads(Path(sys.argv[1]).read_text())
    registry = load_all()
    results = []
    for name in plan["scenarios"]:
        print(f"    load: {name} …", flush=True)
        try:
            results.append(run_one(registry[name], plan))
        except Exception as exc:  # noqa: BLE001 - one broken scenario must not hide the rest
            results.append({"scenario": name, "error": f"{type(exc).__name__}: {exc}"})
        Path(sys.argv[2]).write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
