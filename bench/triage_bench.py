"""Benchmark of the AI grid worker (gongzhi/triage): quality and speed.

    .venv/bin/python bench/triage_bench.py [--data DIR] [--folds 5] [--quick]

Prints a JSON summary and a markdown table, and writes bench/results/triage.json.
Parts that need the TipDM benchmark data (../shared/data/tipdm2020c, benchmark use only, never
copied into the repository) are skipped cleanly when the folder is absent.

1. category: 5-fold stratified cross-validation on tipdm train.csv with the production training
   method (`model.train_category`); macro-F1, accuracy, train time per fold.
2. speed: single-core CPU time to train on 5,000 messages (train.csv resampled with replacement
   to 5,000 rows) and to predict 1,000 messages (batch, and one `suggest()` call per message).
3. duplicates: (a) synthetic near-duplicates: a message from hot_topics.csv rewritten by random
   perturbations (sentences dropped, reordered, phrases swapped for synonyms, title removed,
   boilerplate added, text cut short) must find its original among 40 random other messages;
   (b) natural pairs: two different messages of hot_topics.csv with the same title (a hand rule
   for "the same matter posted twice") against 40 random others. The threshold is chosen on
   half of set (a) and reported on the other half and on (b). (c) short resident messages:
   hand-written pairs of two residents reporting the same matter in their own words
   (gongzhi/triage/corpus/duplicate_pairs.csv); each message must find its partner among 0-2
   (a compound with few open cases) or 5-40 other messages drawn from the seed corpus.
4. urgency: the seed corpus (written for this project) split 75/25 stratified by urgency; the
   model is trained on 75 % and urgency (rules + model) measured on the held-out 25 %.
5. hot topics: clustering of all hot_topics.csv messages: time, topic count and sizes.
6. blind: the shipped model on messages written blind to its seed corpus (bench/triage_blind.py).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # "one core": no BLAS threads
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from sklearn.metrics import accuracy_score, f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold, train_test_split  # noqa: E402

from bench.triage_blind import BLIND_SET, LEVELS, bench_blind, precision_recall  # noqa: E402
from gongzhi.triage import model as modelmod  # noqa: E402
from gongzhi.triage import suggest  # noqa: E402
from gongzhi.triage import text as textmod  # noqa: E402
from gongzhi.triage.csvio import LabelledRow, read_rows  # noqa: E402
from gongzhi.triage.duplicates import DUPLICATE_THRESHOLD, find_duplicates  # noqa: E402
from gongzhi.triage.topics import hot_topics  # noqa: E402
from gongzhi.triage.urgency import emergency_signs  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "tipdm2020c"
RESULTS = ROOT / "bench" / "results" / "triage.json"
PAIRS_FILE = ROOT / "gongzhi" / "triage" / "corpus" / "duplicate_pairs.csv"


def cpu_and_wall(fn):
    c0, w0 = time.process_time(), time.perf_counter()
    out = fn()
    return out, time.process_time() - c0, time.perf_counter() - w0


# --------------------------------------------------------------------------- 1. category
def bench_category(rows: list[LabelledRow], folds: int) -> dict:
    labels = np.array([r.label for r in rows])
    predicted = np.empty(len(rows), dtype=object)
    confidence = np.zeros(len(rows))
    fold_f1, train_cpu = [], []
    splitter = StratifiedKFold(folds, shuffle=True, random_state=0)
    for train_idx, test_idx in splitter.split(np.zeros(len(rows)), labels):
        train = [rows[i] for i in train_idx]
        (cat, _), cpu, _ = cpu_and_wall(
            lambda train=train: modelmod.train_category(
                [r.title for r in train], [r.text for r in train], [r.label for r in train]
            )
        )
        train_cpu.append(cpu)
        docs = [textmod.combine(rows[i].title, rows[i].text) for i in test_idx]
        proba = cat.proba(cat.transform(docs))
        predicted[test_idx] = [cat.classes[i] for i in proba.argmax(axis=1)]
        confidence[test_idx] = proba.max(axis=1)
        fold_f1.append(f1_score(labels[test_idx], predicted[test_idx], average="macro"))
        print(f"  fold {len(fold_f1)}: macro-F1 {fold_f1[-1]:.4f}", file=sys.stderr, flush=True)
    return {
        "folds": folds,
        "n": len(rows),
        "macro_f1": round(float(f1_score(labels, predicted, average="macro")), 4),
        "macro_f1_fold_mean": round(float(np.mean(fold_f1)), 4),
        "macro_f1_fold_std": round(float(np.std(fold_f1)), 4),
        "accuracy": round(float(accuracy_score(labels, predicted)), 4),
        "train_cpu_seconds_per_fold": round(float(np.mean(train_cpu)), 2),
        "calibration": calibration(confidence, predicted == labels),
    }


def calibration(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> dict:
    """How far the shown confidence is from the observed accuracy (expected calibration error,
    10 equal-width bins of the top-class confidence), plus the accuracy above/below 0.35."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    ece = sum(
        abs(confidence[which == b].mean() - correct[which == b].mean()) * (which == b).mean()
        for b in range(bins)
        if (which == b).any()
    )
    low = confidence < 0.35
    return {
        "ece": round(float(ece), 4),
        "mean_confidence": round(float(confidence.mean()), 4),
        "accuracy": round(float(correct.mean()), 4),
        "share_below_0_35": round(float(low.mean()), 4),
        "accuracy_below_0_35": round(float(correct[low].mean()), 4) if low.any() else None,
        "accuracy_at_or_above_0_9": round(float(correct[confidence >= 0.9].mean()), 4)
        if (confidence >= 0.9).any()
        else None,
    }


# --------------------------------------------------------------------------- 2. speed
def bench_speed(rows: list[LabelledRow]) -> dict:
    rng = random.Random(0)  # noqa: S311 (sampling, not secrets)
    five_k = [rows[rng.randrange(len(rows))] for _ in range(5000)]
    (cat, _), train_cpu, train_wall = cpu_and_wall(
        lambda: modelmod.train_category(
            [r.title for r in five_k], [r.text for r in five_k], [r.label for r in five_k]
        )
    )
    sample = rng.sample(rows, 1000)
    docs = [textmod.combine(r.title, r.text) for r in sample]
    _, batch_cpu, batch_wall = cpu_and_wall(lambda: cat.predict(docs))
    full = modelmod.TriageModel("bench", cat, None, len(five_k), train_wall, {})
    _, one_cpu, one_wall = cpu_and_wall(
        lambda: [suggest(r.text, r.title, model=full) for r in sample]
    )
    # Platform messages are much shorter than the TipDM ones; measure those too (speed only).
    seed = read_rows(modelmod.SEED_CORPUS)
    seed_docs = [textmod.combine(r.title, r.text) for r in seed]
    _, seed_batch_cpu, _ = cpu_and_wall(lambda: cat.predict(seed_docs))
    _, seed_one_cpu, _ = cpu_and_wall(lambda: [suggest(r.text, r.title, model=full) for r in seed])
    return {
        "seed_messages_mean_chars": round(float(np.mean([len(d) for d in seed_docs]))),
        "seed_predict_batch_msgs_per_cpu_second": round(len(seed) / seed_batch_cpu),
        "seed_suggest_one_by_one_msgs_per_cpu_second": round(len(seed) / seed_one_cpu),
        "train_5000_cpu_seconds": round(train_cpu, 2),
        "train_5000_wall_seconds": round(train_wall, 2),
        "predict_batch_msgs_per_cpu_second": round(1000 / batch_cpu),
        "predict_batch_msgs_per_wall_second": round(1000 / batch_wall),
        "suggest_one_by_one_msgs_per_cpu_second": round(1000 / one_cpu),
        "tipdm_mean_chars_per_message": round(
            float(np.mean([len(r.title) + len(r.text) for r in sample]))
        ),
    }


# --------------------------------------------------------------------------- 3. duplicates
SYNONYMS = [
    ("小区", "社区"),
    ("物业", "物业公司"),
    ("希望", "盼望"),
    ("尽快", "早日"),
    ("解决", "处理"),
    ("请问", "想问一下"),
    ("领导", "有关部门"),
    ("业主", "住户"),
    ("严重", "非常"),
    ("问题", "情况"),
    ("现在", "目前"),
    ("已经", "早已"),
    ("没有", "没"),
    ("我们", "大家"),
    ("因为", "由于"),
]
BOILERPLATE = ["本人是该小区居民。", "请有关部门重视！", "恳请领导帮忙解决，谢谢！", "情况属实。"]
_SENT = re.compile(r"[^。！？!?；;]+[。！？!?；;]?")


def perturb(title: str, text: str, rng: random.Random) -> str:
    sentences = [s for s in _SENT.findall(text) if s.strip()] or [text]
    if len(sentences) >= 3 and rng.random() < 0.7:  # drop one or two sentences
        for _ in range(rng.choice([1, 2])):
            if len(sentences) > 2:
                sentences.pop(rng.randrange(len(sentences)))
    if len(sentences) >= 3 and rng.random() < 0.5:  # move one sentence
        sentences.insert(
            rng.randrange(len(sentences)), sentences.pop(rng.randrange(len(sentences)))
        )
    out = "".join(sentences)
    for a, b in rng.sample(SYNONYMS, 6):
        if rng.random() < 0.7:
            out = out.replace(a, b)
    if rng.random() < 0.5:
        out = out[: max(40, int(len(out) * rng.uniform(0.6, 0.9)))]
    if rng.random() < 0.5:
        out = rng.choice(BOILERPLATE) + out
    if rng.random() < 0.5:
        out += rng.choice(BOILERPLATE)
    return (title + "\n" + out) if rng.random() < 0.3 else out


def _top3(cases) -> list[tuple[str, list[tuple[str, float]]]]:
    """For each query: its target and the 3 best candidates with scores (no threshold yet)."""
    return [(target, find_duplicates(q, pool, k=3, threshold=0.0)) for q, target, pool in cases]


def _eval_dups(ranked, threshold: float) -> dict:
    tp = fp = 0
    for target, found in ranked:
        ids = [cid for cid, score in found if score >= threshold]
        tp += target in ids
        fp += sum(1 for cid in ids if cid != target)
    return {
        "queries": len(ranked),
        "precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "recall": round(tp / len(ranked), 4) if ranked else None,
    }


def bench_duplicates(hot: list[dict]) -> dict:
    rng = random.Random(1)  # noqa: S311 (sampling, not secrets)
    by_title: dict[str, list[dict]] = {}
    for m in hot:
        by_title.setdefault(m["title"].strip(), []).append(m)

    def pool_for(original: dict, exclude_title: str) -> list[tuple[str, str]]:
        others = [m for m in rng.sample(hot, 60) if m["title"].strip() != exclude_title][:40]
        pool = [(m["id"], m["title"] + "\n" + m["text"]) for m in others]
        pool.insert(
            rng.randrange(len(pool) + 1),
            (original["id"], original["title"] + "\n" + original["text"]),
        )
        return pool

    originals = rng.sample(hot, 400)
    synthetic = [
        (perturb(m["title"], m["text"], rng), m["id"], pool_for(m, m["title"].strip()))
        for m in originals
    ]
    dev, test = _top3(synthetic[:200]), _top3(synthetic[200:])
    sweep = {f"{t:.2f}": _eval_dups(dev, t) for t in np.arange(0.10, 0.61, 0.05)}
    natural = []
    for title, group in by_title.items():
        distinct = {m["text"].strip(): m for m in group}
        if title and len(distinct) >= 2:
            a, b = list(distinct.values())[:2]
            natural.append((a["title"] + "\n" + a["text"], b["id"], pool_for(b, title)))
    ranked_natural = _top3(natural)
    return {
        "threshold": DUPLICATE_THRESHOLD,
        "dev_sweep_synthetic": sweep,
        "synthetic_test": _eval_dups(test, DUPLICATE_THRESHOLD),
        "natural_same_title": _eval_dups(ranked_natural, DUPLICATE_THRESHOLD),
        "natural_sweep": {
            f"{t:.2f}": _eval_dups(ranked_natural, t) for t in np.arange(0.10, 0.61, 0.05)
        },
    }


def bench_short_duplicates() -> dict:
    """(c): needs no TipDM data. The seed corpus is also the IDF background, as in production."""
    pairs = read_dicts(PAIRS_FILE)
    seed = [(r.id, f"{r.title}\n{r.text}") for r in read_rows(modelmod.SEED_CORPUS)]
    rng = random.Random(1)  # noqa: S311 (sampling, not secrets)

    def queries(sizes: tuple[int, ...]) -> list:
        out = []
        for p in pairs:
            a, b = f"{p['a_title']}\n{p['a_text']}", f"{p['b_title']}\n{p['b_text']}"
            for query, target in ((a, b), (b, a)):
                for size in sizes:
                    pool = rng.sample(seed, size)
                    pool.insert(rng.randrange(len(pool) + 1), (p["id"], target))
                    out.append((query, p["id"], pool))
        return out

    few, many = _top3(queries((0, 2))), _top3(queries((5, 40)))
    return {
        "threshold": DUPLICATE_THRESHOLD,
        "pairs": len(pairs),
        "few_open_cases": _eval_dups(few, DUPLICATE_THRESHOLD),
        "many_open_cases": _eval_dups(many, DUPLICATE_THRESHOLD),
        "many_sweep": {f"{t:.2f}": _eval_dups(many, t) for t in np.arange(0.10, 0.31, 0.05)},
    }


# --------------------------------------------------------------------------- 4. urgency
def bench_urgency() -> dict:
    rows = read_rows(modelmod.SEED_CORPUS)
    urg = [r.extra["urgency"] for r in rows]
    train, test = train_test_split(rows, test_size=0.25, stratify=urg, random_state=0)
    model = modelmod.train(
        [r.title for r in train],
        [r.text for r in train],
        [r.label for r in train],
        [r.extra["urgency"] for r in train],
        version="bench-urgency",
    )
    truth = [r.extra["urgency"] for r in test]
    got = [suggest(r.text, r.title, model=model) for r in test]
    pred = [s.urgency for s in got]
    per = {level: precision_recall(truth, pred, level) for level in LEVELS}
    rules_hit = [bool(emergency_signs(textmod.combine(r.title, r.text))) for r in test]
    rule_tp = sum(1 for t, h in zip(truth, rules_hit, strict=True) if h and t == "emergency")
    return {
        "set": "held-out 25 % of gongzhi/triage/corpus/seed_cases.csv (written for this project)",
        "n_train": len(train),
        "n_test": len(test),
        "accuracy": round(float(accuracy_score(truth, pred)), 4),
        "macro_f1": round(float(f1_score(truth, pred, average="macro")), 4),
        "per_level": per,
        "rules_only_emergency": {
            "precision": round(rule_tp / sum(rules_hit), 4) if any(rules_hit) else None,
            "recall": round(rule_tp / truth.count("emergency"), 4),
        },
        "category_accuracy_on_seed_heldout": round(
            float(np.mean([s.category == r.label for s, r in zip(got, test, strict=True)])), 4
        ),
    }


# --------------------------------------------------------------------------- 5. topics
def bench_topics(hot: list[dict]) -> dict:
    messages = [(m["id"], m["title"] + "\n" + m["text"]) for m in hot]
    topics, cpu, wall = cpu_and_wall(lambda: hot_topics(messages, max_topics=None))
    return {
        "messages": len(messages),
        "cpu_seconds": round(cpu, 1),
        "wall_seconds": round(wall, 1),
        "topics": len(topics),
        "messages_in_topics": sum(t.size for t in topics),
        "largest_sizes": [t.size for t in topics[:10]],
        "largest_terms": [list(t.top_terms) for t in topics[:5]],
    }


def read_dicts(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def markdown(result: dict) -> str:
    rows: list[tuple[str, object, str]] = []
    cat, speed, dup, urg = (result.get(k) for k in ("category", "speed", "duplicates", "urgency"))
    if cat:
        rows.append(
            (f"category {cat['folds']}-fold CV macro-F1 (tipdm)", cat["macro_f1"], "≥ 0.92")
        )
        rows.append(
            (
                f"category {cat['folds']}-fold macro-F1, fold mean ± sd",
                f"{cat['macro_f1_fold_mean']} ± {cat['macro_f1_fold_std']}",
                "",
            )
        )
        rows.append(("category CV accuracy (tipdm)", cat["accuracy"], ""))
        if "calibration" in cat:
            rows.append(
                ("confidence calibration error (ECE, 10 bins)", cat["calibration"]["ece"], "")
            )
    if speed:
        rows.append(("train 5,000 messages, CPU seconds", speed["train_5000_cpu_seconds"], "< 60"))
        rows.append(
            (
                "predict (batch), messages per CPU second",
                speed["predict_batch_msgs_per_cpu_second"],
                "≥ 1,000",
            )
        )
        rows.append(
            (
                "suggest() one at a time, messages per CPU second",
                speed["suggest_one_by_one_msgs_per_cpu_second"],
                "",
            )
        )
    if dup:
        for key in ("synthetic_test", "natural_same_title"):
            d = dup[key]
            value = f"{d['precision']} / {d['recall']} (n={d['queries']})"
            rows.append((f"duplicates {key}: P / R at {dup['threshold']}", value, ""))
    short = result.get("short_duplicates")
    if short:
        for key in ("few_open_cases", "many_open_cases"):
            d = short[key]
            value = f"{d['precision']} / {d['recall']} (n={d['queries']})"
            rows.append((f"duplicates short {key}: P / R at {short['threshold']}", value, ""))
    if urg:
        e = urg["per_level"]["emergency"]
        rows.append(("urgency macro-F1 (seed held-out)", urg["macro_f1"], ""))
        value = f"{e['precision']} / {e['recall']} (n={e['support']})"
        rows.append(("emergency P / R (seed held-out)", value, ""))
    blind = result.get("blind")
    if blind:
        e = blind["urgency_per_level"]["emergency"]
        value = f"{blind['category_accuracy']} / {blind['category_macro_f1']} (n={blind['n']})"
        rows.append(("shipped model, blind set: category accuracy / macro-F1", value, ""))
        value = f"{e['precision']} / {e['recall']} (n={e['support']})"
        rows.append(("shipped model, blind set: emergency P / R", value, ""))
    if result.get("topics"):
        t = result["topics"]
        value = f"{t['topics']} topics, {t['cpu_seconds']} CPU s"
        rows.append((f"hot topics on {t['messages']} messages", value, ""))
    lines = ["| measure | value | target |", "| --- | --- | --- |"]
    lines += [f"| {m} | {v} | {t} |" for m, v, t in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--only", nargs="*", help="category speed duplicates urgency topics blind")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the JSON")
    args = parser.parse_args()
    parts = set(args.only or ["category", "speed", "duplicates", "urgency", "topics", "blind"])
    result: dict = {
        "algorithm": modelmod.ALGORITHM,
        "skipped": [],
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
    }
    have_data = (args.data / "train.csv").exists()
    if not have_data:
        result["skipped"].append(
            f"tipdm data not found at {args.data}: category, speed, duplicates, topics"
        )
    if have_data and "category" in parts:
        result["category"] = bench_category(read_rows(args.data / "train.csv"), args.folds)
    if have_data and "speed" in parts:
        result["speed"] = bench_speed(read_rows(args.data / "train.csv"))
    if "urgency" in parts:
        result["urgency"] = bench_urgency()
    if "blind" in parts and BLIND_SET.exists():
        result["blind"] = bench_blind()
    if "duplicates" in parts:
        result["short_duplicates"] = bench_short_duplicates()
    hot_path = args.data / "hot_topics.csv"
    if have_data and hot_path.exists():
        hot = read_dicts(hot_path)
        if "duplicates" in parts:
            result["duplicates"] = bench_duplicates(hot)
        if "topics" in parts:
            result["topics"] = bench_topics(hot)
    result["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(args.out.read_text()) if args.out.exists() and args.only else {}
    merged = {**previous, **result}
    args.out.write_text(json.dumps(merged, ensure_ascii=False, indent=2))
    print(json.dumps(result, ensure_ascii=False, indent=2))
    print()
    print(markdown(merged))


if __name__ == "__main__":
    main()
