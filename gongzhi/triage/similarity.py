"""Lexical similarity between messages: character 2-3-gram TF-IDF and cosine.

Fitted on the messages being compared (no trained model needed), so duplicate search, topics and
reply drafting work the same on a fresh install and on any compound's own vocabulary.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer

from gongzhi.triage import text as textmod


def char_vectors(texts: Sequence[str]) -> csr_matrix:
    """L2-normalised rows, so a dot product is the cosine similarity."""
    docs = [textmod.chars(textmod.normalise(t)) for t in texts]
    if not any(docs):
        return csr_matrix((len(docs), 1), dtype=np.float32)
    vectorizer = TfidfVectorizer(
        analyzer="char", ngram_range=(2, 3), sublinear_tf=True, dtype=np.float32
    )
    try:
        return vectorizer.fit_transform(docs).tocsr()
    except ValueError:  # every document shorter than two characters: nothing to compare
        return csr_matrix((len(docs), 1), dtype=np.float32)


def similarities_to_first(texts: Sequence[str]) -> np.ndarray:
    """Cosine similarity of texts[0] to each of texts[1:]."""
    X = char_vectors(texts)
    return np.asarray((X[1:] @ X[0].T).toarray()).ravel()
