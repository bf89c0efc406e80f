"""The report: one row per request and database, ratios to the floor and the peer; Markdown."""

from __future__ import annotations

import json

from bench.scenarios import GONGZHI, PEER

WORKERS = 2  # gunicorn sync workers, as bench/run.py starts them


def _ratio(a, b) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def build_rows(results: dict, registry: dict) -> list[dict]:
    """One row per (request label, database), with ratios to the minimal request and the peer."""
    rows = []
    for engine, per_db in results.items():
        if "skipped" in per_db:
            continue
        measured: dict[str, dict] = {}
        owner: dict[str, str] = {}
        for kind in (GONGZHI, PEER):
            for item in per_db.get(kind, {}).get("load", []):
                for label, figures in item.get("requests", {}).items():
                    key = label if label not in measured else f"{label} [{item['scenario']}]"
                    measured[key] = figures
                    owner[key] = item["scenario"]
        floor = measured.get("GET /bench/minimal", {})
        peer_of = {}
        for scenario in registry.values():
            peer_of.update(scenario.peer)
        for label, figures in measured.items():
            scenario = registry.get(owner[label])
            peer_label = peer_of.get(label)
            peer = measured.get(peer_label, {}) if peer_label else {}
            rows.append(
                {
                    "label": label,
                    "scenario": owner[label],
                    "database": engine,
                    **figures,
                    "x_minimal_median": _ratio(figures.get("median_ms"), floor.get("median_ms")),
                    "x_minimal_p95": _ratio(figures.get("p95_ms"), floor.get("p95_ms")),
                    "minimal_rps_over_rps": _ratio(floor.get("rps"), figures.get("rps")),
                    "peer": peer_label,
                    "x_peer_median": _ratio(figures.get("median_ms"), peer.get("median_ms")),
                    "x_peer_p95": _ratio(figures.get("p95_ms"), peer.get("p95_ms")),
                    "goal": scenario.goal if scenario else "",
                }
            )
    return rows


def _fmt(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def markdown(report: dict) -> str:
    m, g = report["machine"], report["git"]
    lines = [
        f"# Gongzhi benchmark ({'bench-quick' if report['quick'] else 'bench'})",
        "",
        f"- when: {report['started']} (took {report['took_s']:.0f} s)",
        f"- commit: `{g['commit'][:12]}`{' + uncommitted changes' if g['dirty'] else ''}",
        f"- machine: {m['nproc']} CPUs ({m['cpu']}), {m['ram_gib']} GiB RAM, Python {m['python']};"
        f" load average at start {m['loadavg_at_start']}, at end {m.get('loadavg_at_end')}",
        f"- data: {report['cases']:,} cases (`seed_scale`) and as many django-helpdesk "
        f"{report['peer_version']} tickets; server gunicorn {WORKERS} sync workers, DEBUG off;"
        f" load: locust, {report['users']} users without wait (3 in the Open311 mix),"
        f" {report['settings']['warmup']:g} s warm-up + {report['settings']['seconds']:g} s"
        " measured per scenario",
        "- × minimal: median ÷ median of `GET /bench/minimal` in the same run;"
        " × peer: median ÷ median of the peer's equivalent in the same run (< 1 = faster)",
        "",
        "| request | db | n | fail | median ms | p95 ms | req/s | × minimal | × peer | goal |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    order = {label: i for i, label in enumerate(dict.fromkeys(r["label"] for r in report["rows"]))}
    for row in sorted(report["rows"], key=lambda r: (order[r["label"]], r["database"])):
        lines.append(
            f"| {row['label']} | {row['database']} | {row['count']} | {row['failures']} | "
            f"{_fmt(row['median_ms'])} | {_fmt(row['p95_ms'])} | {_fmt(row['rps'])} | "
            f"{_fmt(row['x_minimal_median'], 2)} | {_fmt(row['x_peer_median'], 2)} | "
            f"{row['goal']} |"
        )
    lines.append("")
    for engine, per_db in report["databases"].items():
        if "skipped" in per_db:
            lines.append(f"- {engine}: SKIPPED — {per_db['skipped']}")
            continue
        prep = {k: per_db.get(k, {}).get("figures") for k in (GONGZHI, PEER)}
        lines.append(f"- {engine}: preparation {json.dumps(prep, ensure_ascii=False)}")
        for kind in (GONGZHI, PEER):
            for item in per_db.get(kind, {}).get("load", []):
                if item.get("error") or item.get("errors"):
                    detail = item.get("error") or "; ".join(item["errors"][:3])
                    lines.append(f"  - {item['scenario']}: {detail}")
            if per_db.get(kind, {}).get("error"):
                lines.append(f"  - {kind}: ERROR {per_db[kind]['error'][-600:]}")
        scale = per_db.get("scale_bench")
        if scale:
            lines.append(f"  - scale_bench: `{json.dumps(scale, ensure_ascii=False)[:1500]}`")
    triage = report.get("triage")
    if triage:
        shown = {k: v for k, v in triage.items() if k not in ("skipped",)}
        lines.append(
            f"- triage_bench ({triage.get('parts')}): "
            f"`{json.dumps(shown, ensure_ascii=False)[:1500]}`"
        )
        for skipped in triage.get("skipped", []):
            lines.append(f"  - skipped: {skipped}")
    lines.append("")
    lines.append("Scenarios:")
    for name, scenario in report["scenarios"].items():
        lines.append(f"- `{name}` ({scenario['target']}): {scenario['title']}")
    return "\n".join(lines) + "\n"
