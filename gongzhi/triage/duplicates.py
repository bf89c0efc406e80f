"""Likely duplicates of a new message among recent open cases (the caller picks the candidates)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np

from gongzhi.triage import text as textmod
from gongzhi.triage.similarity import (
    background_document_frequency,
    content_words,
    similarities_to_first,
)

# Cosine of words + character 2-3-grams (similarity.message_vectors). Measured in
# bench/triage_bench.py: of hand-written pairs of short resident messages about the same matter
# (corpus/duplicate_pairs.csv) it finds 85 % with up to two other open cases and 85 % among 5-40
# (precision 0.89); on TipDM's long messages P 0.95 / 0.91 at R 1.00 / 0.96. The character-only
# measure at 0.25 used before found none of the short pairs and 3 % among 5-40.
DUPLICATE_THRESHOLD = 0.15


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
        if score < threshold or score <= 0:
            break
        out.append((candidates[int(i)][0], round(min(score, 1.0), 3)))
    return out


def shared_words(text: str, other: str, n: int = 4) -> tuple[str, ...]:
    """The words both messages use, the rarest in resident demands first: why they look alike."""
    mine = content_words(textmod.normalise(text))
    theirs = set(content_words(textmod.normalise(other)))
    df = background_document_frequency()
    both = dict.fromkeys(w for w in mine if w in theirs)  # first-use order, once each
    return tuple(sorted(both, key=lambda w: df.get(w, 0))[:n])
