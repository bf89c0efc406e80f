"""In-process figures for issue #3's performance part at scale (no HTTP server; see bench/run.py).

    .venv/bin/python bench/scale_bench.py --cases 1000000 [--database-url URL] [--quick]

The database (`--database-url`, else DATABASE_URL, else the SQLite default of the settings) is
topped up with `seed_scale` until it holds at least N cases (the seed is timed), then measured:

- the work queue page `GET /cases/` and a case page `GET /cases/<id>/`, through Django's test
  Client (every middleware, the templates), as the street officer `street`, the community
  worker `huajin` and the property staff `wuye_a` of seed_demo: the default page (open cases by
  urgency and time left) and a rotation over the filters (overdue, status, SLA class, compound,
  channel, Chinese text, all, all with rare text, closed, page 2, 督办中, 受理日期 today,
  yesterday and a week ago, community, and the dashboard's 督办中 and a day's 受理 of one
  community); ≥ 200 requests each (50 with --quick);
- the SLA sweep: K open cases are made freshly breached (due a minute ago) inside a transaction
  that is rolled back afterwards; the time of `sweeps.sweep_breaches` over them and of the
  candidate query alone; run at 100k and at 1M cases to see that it follows K, not all cases;
- case creation through `services.case_file` as a grid worker (the AI suggestion deferred to
  the assessor, as in production; also timed inline) against the framework's minimal request
  (`GET /bench/minimal`) measured in the same process, and the queries each costs; for scale,
  also the framework's cheapest write: one ORM insert in its own transaction.

Prints ONE flat JSON object (also the last line of stdout); keys, times in milliseconds:

  database, cases, events, machine_cpus, load_1m_start, load_1m_end,
  seed_cases (added now, 0 if none), seed_seconds (null if none),
  queue_<p>_p50_ms, queue_<p>_p95_ms, queue_<p>_cpu_p95_ms, queue_<p>_queries
                                                      p in street, community, property
  queue_filters_<p>_p50_ms, queue_filters_<p>_p95_ms, queue_filters_<p>_cpu_p95_ms
                                                      the filter rotation
  queue_filter_<f>_p95_ms                             per filter, as the street officer
  detail_<p>_p50_ms, detail_<p>_p95_ms, detail_<p>_cpu_p95_ms, detail_<p>_queries
  (*_cpu_*: this process's CPU time per request — on a loaded machine wall time includes
  waiting for a core; with SQLite nearly all the work is in this process, with PostgreSQL the
  server's share is not included)
  requests_per_measure, slowest_ms (worst single page request)
  dashboard_<p>_p50_ms, dashboard_<p>_p95_ms, dashboard_<p>_cpu_p95_ms, dashboard_<p>_queries
                                                      数据驾驶舱 GET /insights/, p in street,
                                                      community; hot topics cached (warm)
  dashboard_<p>_cold_p50_ms, dashboard_<p>_cold_p95_ms
                                                      the same with the hot topics computed
                                                      afresh (their cache entry dropped first)
  sweep_breached, sweep_ms, sweep_per_case_ms, sweep_candidates_query_ms, sweep_index_used,
  sweep_steady_ms (run_all with nothing due), sweep_suggestions_caught_up and
  sweep_suggestions_ms (the AI suggestions of the seed's unassessed last day, computed first)
  minimal_p50_ms, minimal_cpu_p50_ms, create_p50_ms, create_p95_ms, create_cpu_p50_ms,
  create_queries, create_vs_minimal (p50 ratio), create_inline_suggestion_p50_ms,
  orm_insert_p50_ms, orm_insert_vs_minimal (p50 ratio)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PERSONAS = {"street": "street", "community": "huajin", "property": "wuye_a"}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000, help="seed up to N cases first")
    parser.add_argument("--database-url", default=None, help="default: $DATABASE_URL")
    parser.add_argument("--quick", action="store_true", help="50 requests per measure")
    parser.add_argument("--requests", type=int, default=None, help="requests per measure")
    parser.add_argument("--breaches", type=int, default=200, help="cases breached for the sweep")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


def setup(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    os.environ["GONGZHI_BENCH"] = "1"  # serves /bench/minimal
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DEBUG = False
    # force_login() has no client address, which django-axes would record; sign-in is not
    # what is measured here (bench/run.py signs in through the form).
    settings.AXES_ENABLED = False


def ms(seconds: list[float]) -> tuple[float, float]:
    values = sorted(seconds)
    p95 = values[min(len(values) - 1, max(0, round(0.95 * len(values)) - 1))]
    return round(statistics.median(values) * 1000, 2), round(p95 * 1000, 2)


def load_1m() -> float:
    return round(os.getloadavg()[0], 2)


CPU: list[float] = []  # this process's CPU seconds of each timed call since the last reset


def timed_get(client, url: str, expect: int = 200) -> float:
    """Wall seconds of one request; its CPU seconds go to CPU (on a loaded machine, wall time
    includes waiting for a core; SQLite's work is in this process, PostgreSQL's is not)."""
    cpu = time.process_time()
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    CPU.append(time.process_time() - cpu)
    if response.status_code != expect:
        raise RuntimeError(f"GET {url}: {response.status_code}")
    return elapsed


def cpu_p95() -> float:
    value = ms(CPU)[1] if CPU else None
    CPU.clear()
    return value


def count_queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)


def seed(target: int, out: dict) -> None:
    from django.core.management import call_command

    from gongzhi.cases.models import Case
    from gongzhi.org.models import Compound

    if not Compound.objects.exists():
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    missing = target - Case.objects.count()
    out["seed_cases"], out["seed_seconds"] = max(missing, 0), None
    if missing > 0:
        started = time.perf_counter()
        call_command("seed_scale", cases=missing, stdout=open(os.devnull, "w"))  # noqa: SIM115
        out["seed_seconds"] = round(time.perf_counter() - started, 1)


def filters_for(user) -> dict[str, str]:
    import datetime as dt

    from gongzhi.cases.periods import local_today
    from gongzhi.org import selectors as org_selectors

    compound = org_selectors.compounds_for(user).order_by("id").first()
    community = compound.community_id if compound else ""
    yesterday = (local_today() - dt.timedelta(days=1)).isoformat()  # a whole day's cases
    week_ago = (local_today() - dt.timedelta(days=7)).isoformat()
    return {
        "overdue": "?overdue=on",
        "status": "?status=in_progress",
        "sla_class": "?sla_class=property",
        "compound": f"?compound={compound.pk}" if compound else "?compound=",
        "channel": "?channel=hotline_12345",
        "text": "?q=电梯",
        "text_rare": "?q=燃气味",
        "number": "?q=NH2026",
        "all": "?bucket=all",
        "all_text_rare": "?bucket=all&q=燃气味",
        "closed": "?bucket=closed",
        "page2": "?page=2",
        # The dashboard's tiles (督办中, 今日受理, with a community chosen; 今日受理 as of a
        # whole day) and a filing day in 未办结 (a community is dropped where the user sees
        # one only: their default page).
        "supervised": "?bucket=open&supervised=on",
        "filed_today": "?bucket=all&filed=today",
        "filed_day": f"?bucket=all&filed={yesterday}",
        "filed_open": f"?filed={week_ago}",
        "community": f"?community={community}",
        "community_supervised": f"?bucket=open&supervised=on&community={community}",
        "community_filed": f"?bucket=all&filed={yesterday}&community={community}",
    }


def case_ids_for(user, n: int, rng: random.Random) -> list[int]:
    """Up to n cases the user may open: newest in scope and random older ones."""
    from django.db.models import Max

    from gongzhi.cases.models import Case

    visible = Case.objects.visible_to(user)
    ids = list(visible.order_by("-created_at").values_list("pk", flat=True)[: n // 2])
    top = Case.objects.aggregate(m=Max("id"))["m"] or 0
    probes = [rng.randint(1, top) for _ in range(n * 20)]
    ids += list(visible.filter(pk__in=probes).values_list("pk", flat=True)[: n - len(ids)])
    return ids or [0]


def pages(out: dict, requests: int, rng: random.Random) -> None:
    from django.test import Client

    from gongzhi.org.models import User

    slowest = 0.0
    for key, username in PERSONAS.items():
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        timed_get(client, "/cases/")  # warm caches and the scope
        CPU.clear()
        times = [timed_get(client, "/cases/") for _ in range(requests)]
        out[f"queue_{key}_p50_ms"], out[f"queue_{key}_p95_ms"] = ms(times)
        out[f"queue_{key}_cpu_p95_ms"] = cpu_p95()
        out[f"queue_{key}_queries"] = count_queries(client, "/cases/")
        slowest = max(slowest, *times)

        filters = filters_for(user)
        names = list(filters)
        per_filter: dict[str, list[float]] = {name: [] for name in names}
        for i in range(max(requests, 2 * len(names))):
            name = names[i % len(names)]
            per_filter[name].append(timed_get(client, "/cases/" + filters[name]))
        all_times = [t for values in per_filter.values() for t in values]
        out[f"queue_filters_{key}_p50_ms"], out[f"queue_filters_{key}_p95_ms"] = ms(all_times)
        out[f"queue_filters_{key}_cpu_p95_ms"] = cpu_p95()
        slowest = max(slowest, *all_times)
        if key == "street":
            for name, values in per_filter.items():
                out[f"queue_filter_{name}_p95_ms"] = ms(values)[1]

        ids = case_ids_for(user, requests, rng)
        timed_get(client, f"/cases/{ids[0]}/")
        CPU.clear()
        times = [timed_get(client, f"/cases/{ids[i % len(ids)]}/") for i in range(requests)]
        out[f"detail_{key}_p50_ms"], out[f"detail_{key}_p95_ms"] = ms(times)
        out[f"detail_{key}_cpu_p95_ms"] = cpu_p95()
        out[f"detail_{key}_queries"] = count_queries(client, f"/cases/{ids[0]}/")
        slowest = max(slowest, *times)
    out["requests_per_measure"] = requests
    out["slowest_ms"] = round(slowest * 1000, 1)


def dashboard(out: dict, requests: int) -> None:
    """数据驾驶舱 as the street officer and the community worker: warm (the hot topics read
    from their hourly cache) and cold (their cache entry dropped before each request, so the
    topics are clustered again: a tenth of the requests, at least 5)."""
    from django.core.cache import cache
    from django.test import Client
    from django.utils import timezone

    from gongzhi.insights import dashboard_topics
    from gongzhi.insights.dashboard import dashboard_area
    from gongzhi.org.models import User

    for key in ("street", "community"):
        user = User.objects.get(username=PERSONAS[key])
        client = Client()
        client.force_login(user)
        area = dashboard_area(user)
        cold = []
        for _ in range(max(5, requests // 10)):
            cache.delete(dashboard_topics.cache_key(area, timezone.now()))
            cold.append(timed_get(client, "/insights/"))
        out[f"dashboard_{key}_cold_p50_ms"], out[f"dashboard_{key}_cold_p95_ms"] = ms(cold)
        CPU.clear()
        times = [timed_get(client, "/insights/") for _ in range(requests)]
        out[f"dashboard_{key}_p50_ms"], out[f"dashboard_{key}_p95_ms"] = ms(times)
        out[f"dashboard_{key}_cpu_p95_ms"] = cpu_p95()
        out[f"dashboard_{key}_queries"] = count_queries(client, "/insights/")


class _Rollback(Exception):
    pass


def sweep(out: dict, breaches: int) -> None:
    """K freshly breached cases, swept inside a transaction that is then rolled back."""
    import datetime as dt

    from django.db import connection, transaction
    from django.utils import timezone

    from gongzhi.cases import sweeps
    from gongzhi.cases.models import Case
    from gongzhi.cases.workflow import CLOCK_STATUSES

    now = timezone.now()
    # The seed's last day of unassessed cases has no AI suggestions yet: the scheduler computes
    # them 100 per pass; caught up here first so that the steady pass has nothing due.
    started, caught_up = time.perf_counter(), 0
    while added := sweeps.sweep_missing_suggestions(now):
        caught_up += added
    out["sweep_suggestions_caught_up"] = caught_up
    out["sweep_suggestions_ms"] = round((time.perf_counter() - started) * 1000, 1)
    started = time.perf_counter()
    sweeps.run_all(now)  # steady state: the seeded history is already swept
    out["sweep_steady_ms"] = round((time.perf_counter() - started) * 1000, 1)
    try:
        with transaction.atomic():
            ids = list(
                Case.objects.filter(status__in=sorted(CLOCK_STATUSES))
                .order_by("-id")
                .values_list("pk", flat=True)[:breaches]
            )
            Case.objects.filter(pk__in=ids).update(
                due_at=now - dt.timedelta(minutes=1), breached_at=None
            )
            candidates = sweeps.breach_candidates(now)
            sql, params = candidates.query.sql_with_params()
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("EXPLAIN " + sql, params)
                else:
                    cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            out["sweep_index_used"] = "case_open_due_idx" in plan
            started = time.perf_counter()
            found = len(list(candidates.values_list("pk", flat=True)))
            out["sweep_candidates_query_ms"] = round((time.perf_counter() - started) * 1000, 2)
            started = time.perf_counter()
            swept = sweeps.sweep_breaches(now)
            elapsed = time.perf_counter() - started
            out["sweep_breached"], out["sweep_found"] = swept, found
            out["sweep_ms"] = round(elapsed * 1000, 1)
            out["sweep_per_case_ms"] = round(elapsed * 1000 / max(swept, 1), 2)
            raise _Rollback
    except _Rollback:
        pass


def create(out: dict, requests: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from gongzhi.cases import services
    from gongzhi.cases.services import intake
    from gongzhi.org.models import Compound, User

    client = Client()
    timed_get(client, "/bench/minimal")
    minimal = [timed_get(client, "/bench/minimal") for _ in range(requests)]
    out["minimal_p50_ms"] = ms(minimal)[0]
    out["minimal_cpu_p50_ms"] = ms(CPU)[0]
    CPU.clear()

    grid = User.objects.get(username="grid_huajin")
    resident = User.objects.get(username="resident")
    compound = Compound.objects.get(path=resident.grants.first().scope_path.split("B")[0])

    def file_one() -> float:
        cpu = time.process_time()
        started = time.perf_counter()
        services.case_file(
            actor=grid, compound=compound, channel="grid_worker", type="help",
            title="楼道灯不亮", content="3单元楼道灯坏了一周，晚上上下楼看不见，请尽快维修。",
            requester=resident,
        )  # fmt: skip
        elapsed = time.perf_counter() - started
        CPU.append(time.process_time() - cpu)
        return elapsed

    file_one()
    intake.wait_for_suggestions()
    CPU.clear()
    times = []
    for _ in range(requests):
        times.append(file_one())
        intake.wait_for_suggestions()  # the background suggestion is not part of the filing
    out["create_p50_ms"], out["create_p95_ms"] = ms(times)
    out["create_cpu_p50_ms"] = ms(CPU)[0]
    CPU.clear()
    with CaptureQueriesContext(connection) as ctx:
        file_one()
    out["create_queries"] = len(ctx.captured_queries)
    intake.wait_for_suggestions()
    out["create_vs_minimal"] = round(out["create_p50_ms"] / max(out["minimal_p50_ms"], 1e-6), 2)

    from django.conf import settings

    settings.GONGZHI_TRIAGE_AT_FILING = "inline"
    inline = [file_one() for _ in range(max(10, requests // 10))]
    settings.GONGZHI_TRIAGE_AT_FILING = "deferred"
    out["create_inline_suggestion_p50_ms"] = ms(inline)[0]
    CPU.clear()

    from django.db import transaction

    from gongzhi.core.models import RateCounter

    def insert_one(i: int) -> float:
        started = time.perf_counter()
        with transaction.atomic():
            RateCounter.objects.create(bucket=f"bench:orm-insert:{i}", window_start=0)
        return time.perf_counter() - started

    inserts = [insert_one(i) for i in range(requests)]
    RateCounter.objects.filter(bucket__startswith="bench:orm-insert:").delete()
    out["orm_insert_p50_ms"] = ms(inserts)[0]
    out["orm_insert_vs_minimal"] = round(
        out["orm_insert_p50_ms"] / max(out["minimal_p50_ms"], 1e-6), 2
    )


def main() -> None:
    args = parse_args()
    setup(args)
    from django.db import connection

    from gongzhi.cases.models import Case, CaseEvent

    requests = args.requests or (50 if args.quick else 200)
    out: dict = {"database": connection.vendor, "machine_cpus": os.cpu_count()}
    out["load_1m_start"] = load_1m()
    seed(args.cases, out)
    out["cases"] = Case.objects.count()
    out["events"] = CaseEvent.objects.count()
    rng = random.Random(args.seed)  # noqa: S311 - sampling, not security
    pages(out, requests, rng)
    dashboard(out, requests)
    sweep(out, min(args.breaches, 50) if args.quick else args.breaches)
    create(out, requests)
    out["load_1m_end"] = load_1m()
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
