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

# Cosine of words + character 2-3-grams (similarity.message_vectors), measured in
# bench/triage_bench.py on hand-written pairs of short resident messages about the same matter
# (corpus/duplicate_pairs.csv) and on TipDM's long messages. Residents' short messages about
# one matter in other words score 0.10-0.35, so a higher bar alone loses them (at 0.20 recall
# among 5-40 open cases fell from 0.85 to 0.60). What tells a matter from a topic is what the
# two share: a fire by the rubbish station and late rubbish collection (0.18) shared only
# 垃圾站 besides filler (很大, 小区), "电梯坏了" and "电梯异响" (0.21) only 电梯. So a candidate
# under STRONG_SIMILARITY must share at least MIN_SHARED_WORDS telling words (`text.explains`).
# With it (2 December): short pairs P 0.97 / 0.99 at R 0.85 among 0-2 / 5-40 open cases (P 0.96 /
# 0.97 without), TipDM's long pairs unchanged (P 0.95 / 0.91 at R 1.00 / 0.96).
DUPLICATE_THRESHOLD = 0.15
STRONG_SIMILARITY = 0.3
MIN_SHARED_WORDS = 2


def find_duplicates(
    text: str,
    candidates: Sequence[tuple[Hashable, str]],
    k: int = 3,
    threshold: float = DUPLICATE_THRESHOLD,
) -> list[tuple[Hashable, float]]:
    """Up to k (id, score) pairs with score >= threshold, most similar first; under
    STRONG_SIMILARITY only those sharing MIN_SHARED_WORDS telling words with `text`.

    Scores are in [0, 1]; they rank likely duplicates for a person to check, they do not merge
    anything.
    """
    if not candidates or not (text or "").strip() or k <= 0:
        return []
    scores = similarities_to_first([text, *(t or "" for _, t in candidates)])
    mine = telling_words(text)
    order = np.argsort(-scores, kind="stable")
    out = []
    for i in order:
        score = float(scores[i])
        if len(out) >= k or score < threshold or score <= 0:
            break
        other = candidates[int(i)][1] or ""
        if score < STRONG_SIMILARITY and len(mine & telling_words(other)) < MIN_SHARED_WORDS:
            continue  # one word in common (电梯): the same topic, not yet the same matter
        out.append((candidates[int(i)][0], round(min(score, 1.0), 3)))
    return out


def telling_words(text: str) -> set[str]:
    """The words of a message that say what it is about (`text.explains`), single characters
    included (楼道灯 is 楼道 and 灯)."""
    return {w for w in textmod.words(textmod.normalise(text)) if textmod.explains(w)}


def shared_words(text: str, other: str, n: int = 4) -> tuple[str, ...]:
    """The words both messages use, the rarest in resident demands first: why they look alike
    (filler such as 很大 or 小区 left out)."""
    mine = content_words(textmod.normalise(text))
    theirs = set(content_words(textmod.normalise(other)))
    df = background_document_frequency()
    both = dict.fromkeys(w for w in mine if w in theirs and textmod.explains(w))  # once each
    return tuple(sorted(both, key=lambda w: df.get(w, 0))[:n])
