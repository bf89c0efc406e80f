"""The shipped model on a blind set: messages its corpus authors never saw.

    .venv/bin/python bench/triage_blind.py            (also run by triage_bench.py)

`gongzhi/triage/corpus/blind_eval.csv` was written for this project by a separate author who was
not shown the seed corpus, and it is read by nothing but this benchmark: the seed corpus must
never be edited with it in view, or the figures below stop meaning anything. The model is trained
exactly as the shipped default (`default.train_from_csv` on the whole seed corpus) and asked
through `suggest()`, as a case would be.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sklearn.metrics import accuracy_score, f1_score  # noqa: E402

from gongzhi.triage import default, suggest  # noqa: E402
from gongzhi.triage.csvio import read_rows  # noqa: E402

BLIND_SET = ROOT / "gongzhi" / "triage" / "corpus" / "blind_eval.csv"
LEVELS = ("emergency", "urgent", "normal")


def precision_recall(truth: list[str], pred: list[str | None], level: str) -> dict:
    hits = sum(1 for t, p in zip(truth, pred, strict=True) if t == p == level)
    n_pred, n_true = pred.count(level), truth.count(level)
    return {
        "support": n_true,
        "precision": round(hits / n_pred, 4) if n_pred else None,
        "recall": round(hits / n_true, 4) if n_true else None,
    }


def bench_blind(path: Path = BLIND_SET) -> dict:
    rows = read_rows(path)
    model = default.train_from_csv(default.seed_bytes(), "bench-blind")
    got = [suggest(r.text, r.title, model=model) for r in rows]
    truth = [r.label for r in rows]
    pred = [s.category or "" for s in got]
    confident = [s.confidence >= 0.5 for s in got]
    errors = Counter((t, p) for t, p in zip(truth, pred, strict=True) if t != p)
    urgency_truth = [r.extra["urgency"] for r in rows]
    urgency_pred = [s.urgency for s in got]
    return {
        "set": "gongzhi/triage/corpus/blind_eval.csv (written blind to the seed corpus)",
        "n": len(rows),
        "n_seed": model.n_train,
        "category_accuracy": round(float(accuracy_score(truth, pred)), 4),
        "category_macro_f1": round(float(f1_score(truth, pred, average="macro")), 4),
        "share_confidence_at_or_above_0_5": round(sum(confident) / len(rows), 4),
        "accuracy_at_or_above_0_5": round(
            sum(1 for c, t, p in zip(confident, truth, pred, strict=True) if c and t == p)
            / max(1, sum(confident)),
            4,
        ),
        "commonest_confusions": [f"{t} → {p}: {n}" for (t, p), n in errors.most_common(6)],
        "urgency_accuracy": round(float(accuracy_score(urgency_truth, urgency_pred)), 4),
        "urgency_per_level": {
            level: precision_recall(urgency_truth, urgency_pred, level) for level in LEVELS
        },
    }


if __name__ == "__main__":
    print(json.dumps(bench_blind(), ensure_ascii=False, indent=2))
