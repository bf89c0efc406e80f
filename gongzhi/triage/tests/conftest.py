"""A tiny deterministic model trained on a few dozen seed rows (no network, a few seconds)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict

import pytest

from gongzhi.triage import model as modelmod
from gongzhi.triage.csvio import read_rows
from gongzhi.triage.taxonomy import CATEGORIES

ROWS_PER_CATEGORY = 4


def seed_rows():
    return read_rows(modelmod.SEED_CORPUS)


def tiny_rows():
    """The first rows of every category, plus every emergency (so urgency has examples)."""
    by_label = defaultdict(list)
    for row in seed_rows():
        by_label[row.label].append(row)
    chosen = []
    for label in CATEGORIES:
        chosen.extend(by_label[label][:ROWS_PER_CATEGORY])
    taken = {r.id for r in chosen}
    chosen.extend(r for r in seed_rows() if r.extra["urgency"] == "emergency" and r.id not in taken)
    return chosen


def csv_bytes(rows, encoding="utf-8", columns=("id", "title", "text", "label")) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for r in rows:
        record = {"id": r.id, "title": r.title, "text": r.text, "label": r.label, **r.extra}
        writer.writerow([record.get(c, "") for c in columns])
    return out.getvalue().encode(encoding)


@pytest.fixture(scope="session")
def tiny_model() -> modelmod.TriageModel:
    rows = tiny_rows()
    return modelmod.train(
        [r.title for r in rows],
        [r.text for r in rows],
        [r.label for r in rows],
        [r.extra["urgency"] for r in rows],
        version="test-tiny",
    )


@pytest.fixture(autouse=True)
def _no_model_files_in_repo(tmp_path, monkeypatch):
    """Whatever a test does, default model files go to its tmp dir, never to var/triage."""
    monkeypatch.setenv("GONGZHI_TRIAGE_DIR", str(tmp_path / "triage-models"))
