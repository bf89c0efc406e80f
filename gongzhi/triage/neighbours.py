"""Nearest-neighbour votes and Platt sigmoids for the category model.

Residents often write about the same matter in nearly the same words; the training messages most
similar to a new one (cosine of the jieba-word TF-IDF rows) say more about its category than a
linear model of all the words does. Their similarity-weighted votes are added to the SVM margins.
The sigmoids calibrate the combined scores, one-vs-rest, as scikit-learn's sigmoid calibration
does for a plain classifier.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize
from scipy.sparse import csr_matrix


@dataclass
class Neighbours:
    """The training rows (l2-normalised, stored transposed) and their class indices."""

    # (n_features, n_rows) CSR: `query @ rows_t` then needs no conversion per call; with the
    # rows as CSR, scipy converted the whole transposed matrix on every single-message call.
    rows_t: csr_matrix = field(repr=False)
    labels: np.ndarray = field(repr=False)
    n_classes: int
    k: int

    @classmethod
    def fit(cls, X, labels: np.ndarray, n_classes: int, k: int) -> Neighbours:
        rows_t = _unit_rows(X).T.tocsr()
        return cls(rows_t, np.asarray(labels, dtype=np.int64), n_classes, k)

    def votes(self, X) -> np.ndarray:
        """(n, n_classes): squared cosine of the k nearest rows, summed per class, rows sum to 1
        (all zero when the message shares no word with any training message)."""
        queries = _unit_rows(X)
        n = queries.shape[0]
        out = np.zeros((n, self.n_classes))
        k = min(self.k, self.rows_t.shape[1])
        if n == 0 or k == 0:
            return out
        sim = (queries @ self.rows_t).toarray()
        nearest = np.argpartition(sim, -k, axis=1)[:, -k:]
        weight = np.maximum(np.take_along_axis(sim, nearest, axis=1), 0.0).astype(np.float64) ** 2
        np.add.at(out, (np.repeat(np.arange(n), k), self.labels[nearest].ravel()), weight.ravel())
        total = out.sum(axis=1, keepdims=True)
        return np.divide(out, total, out=np.zeros_like(out), where=total > 0)


def _unit_rows(X) -> csr_matrix:
    """X as float32 CSR (half the memory traffic of the similarity product), rows of unit
    length (empty rows stay zero); no scikit-learn validation, which would cost more than the
    rest of a single-message prediction."""
    X = csr_matrix(X, dtype=np.float32)
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    X.data = X.data * np.repeat(scale, np.diff(X.indptr))
    return X


def platt(scores: np.ndarray, positive: np.ndarray) -> tuple[float, float]:
    """(a, b) with P(positive) = 1 / (1 + exp(a·score + b)), fitted by Platt's method (targets
    smoothed by the class counts, log loss minimised), as scikit-learn's sigmoid calibration."""
    scores = np.asarray(scores, dtype=np.float64)
    n_pos = float(np.sum(positive))
    n_neg = len(positive) - n_pos
    target = np.where(positive, (n_pos + 1.0) / (n_pos + 2.0), 1.0 / (n_neg + 2.0))

    def loss(ab: np.ndarray) -> tuple[float, np.ndarray]:
        z = ab[0] * scores + ab[1]
        # log(1 + exp(z)) - (1 - t)·z: the log loss of p = expit(-z) against target t
        value = np.logaddexp(0.0, z) - (1.0 - target) * z
        grad = 1.0 / (1.0 + np.exp(-z)) - (1.0 - target)  # d loss / d z
        return float(value.sum()), np.array([(grad * scores).sum(), grad.sum()])

    start = np.array([0.0, np.log((n_neg + 1.0) / (n_pos + 1.0))])
    result = minimize(loss, start, jac=True, method="L-BFGS-B")
    return float(result.x[0]), float(result.x[1])
