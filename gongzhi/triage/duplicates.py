"""Likely duplicates of a new message among recent open cases (the caller picks the candidates)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np

from gongzhi.triage.similarity import similarities_to_first

# Cosine of character 2-3-gram TF-IDF, chosen on the dev half of synthetic near-duplicates
# (bench/triage_bench.py): the highest value keeping recall 1.0 there.
DUPLICATE_THRESHOLD = 0.25


def find_duplicates(
    text: str,
    candidates: Sequence[tuple[Hashable, str]],
    k: int = 3,
    threshold: float = DUPLICATE_THRESHOLD,
) -> list[tuple[Hashable, float]]:
    """Up to k (id, score) pairs with score >= threshold, most similar first.

    Scores are in [0, 1]; they rank likely duplicates for a person to check, they do not merge
    anything.
    """
    if not candidates or not (text or "").strip() or k <= 0:
        return []
    scores = similarities_to_first([text, *(t or "" for _, t in candidates)])
    order = np.argsort(-scores, kind="stable")
    out = []
    for i in order[:k]:
        score = float(scores[i])
        if score < threshold:
            break
        out.append((candidates[int(i)][0], round(min(score, 1.0), 3)))
    return out
