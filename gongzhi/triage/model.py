"""The category and urgency models: features, training, versioning, save/load.

One function, `train_category`, is THE production training method: the shipped model,
`triage_build` and `triage_eval` all call it, so evaluation numbers describe what runs.
"""

from __future__ import annotations

import functools
import hashlib
import os
import platform
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import joblib
import numpy as np
import sklearn
from scipy.sparse import csr_matrix
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from gongzhi.triage import text as textmod

# Bump when features or classifier change: the version names the model file, so a changed
# method never loads a model trained the old way.
ALGORITHM = "rjw-c12svm5"

WORD_WEIGHT = 1.0
CHAR_WEIGHT = 1.0
# Character unigrams and bigrams: in 5-fold CV on the TipDM messages as good as 1-3 and better
# than 2-4 (macro-F1 0.901 / 0.901 / 0.895), with a third of the features and prediction cost.
CHAR_NGRAMS = (1, 2)
SVM_C = 1.0
CALIBRATION_FOLDS = 3

PACKAGE_DIR = Path(__file__).resolve().parent
SEED_CORPUS = PACKAGE_DIR / "corpus" / "seed_cases.csv"
# gongzhi/triage → repository root (the library must not import the project's settings).
REPO_ROOT = PACKAGE_DIR.parent.parent


def build_features() -> FeatureUnion:
    """jieba words and character n-grams, TF-IDF with sublinear tf, weighted and concatenated."""
    words = TfidfVectorizer(
        tokenizer=textmod.words,
        preprocessor=None,
        lowercase=False,
        token_pattern=None,
        sublinear_tf=True,
        dtype=np.float32,
    )
    chars = TfidfVectorizer(
        analyzer=functools.partial(textmod.char_grams, lo=CHAR_NGRAMS[0], hi=CHAR_NGRAMS[1]),
        sublinear_tf=True,
        min_df=2,
        dtype=np.float32,
    )
    return FeatureUnion(
        [("words", words), ("chars", chars)],
        transformer_weights={"words": WORD_WEIGHT, "chars": CHAR_WEIGHT},
    )


def build_classifier(labels: Sequence[str]):
    """A linear SVM with sigmoid-calibrated probabilities (cross-validated calibration).

    With fewer than 3 examples in some class the calibration folds cannot be formed; the plain
    SVM is returned and `LinearModel` turns its margins into a softmax (marked uncalibrated).
    """
    svm = LinearSVC(C=SVM_C, random_state=0)
    smallest = min(Counter(labels).values())
    if smallest < 3 or len(set(labels)) < 2:
        return svm
    folds = StratifiedKFold(min(CALIBRATION_FOLDS, smallest), shuffle=True, random_state=0)
    return CalibratedClassifierCV(svm, method="sigmoid", cv=folds, ensemble=False)


@dataclass
class LinearModel:
    """Fitted features plus the linear classifier reduced to numpy arrays.

    Prediction is a sparse dot product and, when calibrated, one Platt sigmoid per class
    (one-vs-rest, normalised) exactly as CalibratedClassifierCV computes it; doing it here
    avoids scikit-learn's per-call validation, which dominates single-message latency.
    """

    features: FeatureUnion
    classes: tuple[str, ...]
    # (n_features, n_classes), C-contiguous: `X @ coef_t` then reads it in place. Stored the
    # other way round, scipy copied the whole matrix on every single-message prediction.
    coef_t: np.ndarray = field(repr=False)
    intercept: np.ndarray = field(repr=False)
    sigmoid_a: np.ndarray | None = field(repr=False)  # None: softmax of margins, uncalibrated
    sigmoid_b: np.ndarray | None = field(repr=False)
    feature_names: np.ndarray = field(repr=False)
    n_word_features: int = 0

    @functools.cached_property
    def _views(self) -> list[tuple]:
        return [
            (analyzer, vocab, weight, offset)
            for analyzer, vocab, _, weight, offset in _views(self.features)
        ]

    @functools.cached_property
    def _idf(self) -> np.ndarray:
        return np.concatenate([idf for _, _, idf, _, _ in _views(self.features)])

    @property
    def calibrated(self) -> bool:
        return self.sigmoid_a is not None

    def transform(self, docs: Sequence[str]) -> csr_matrix:
        """The TF-IDF rows of `docs`, the same numbers as `self.features.transform(docs)`.

        Computed directly from the fitted vocabularies and idf weights: scikit-learn's
        FeatureUnion and input validation cost about 2 ms per call, five times the work itself,
        and `suggest()` transforms one message per call.
        """
        idf = self._idf
        cols: list[int] = []
        tfs: list[int] = []
        segments: list[int] = []  # start of each non-empty (message, view) run in cols
        segment_weight: list[float] = []
        indptr = [0]
        for doc in docs:
            for analyzer, vocabulary, weight, offset in self._views:
                start = len(cols)
                for token, n in Counter(analyzer(doc)).items():
                    j = vocabulary.get(token)
                    if j is not None:
                        cols.append(j + offset)
                        tfs.append(n)
                if len(cols) > start:
                    segments.append(start)
                    segment_weight.append(weight)
            indptr.append(len(cols))
        columns = np.asarray(cols, dtype=np.int64)
        values = (np.log(np.asarray(tfs, dtype=np.float64)) + 1.0) * idf[columns]  # sublinear tf
        if segments:  # l2 norm per message and view, then the view's weight
            norms = np.sqrt(np.add.reduceat(values * values, segments))
            lengths = np.diff(np.append(segments, len(cols)))
            values *= np.repeat(np.asarray(segment_weight) / norms, lengths)
        return csr_matrix(
            (values, columns, np.asarray(indptr, dtype=np.int64)),
            shape=(len(docs), self.coef_t.shape[0]),
        )

    def proba(self, X) -> np.ndarray:
        margins = np.asarray(X @ self.coef_t) + self.intercept
        if self.sigmoid_a is None:
            e = np.exp(margins - margins.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)
        if len(self.classes) == 2:  # one calibrator, for the positive class
            p1 = _expit(-(self.sigmoid_a[0] * margins[:, 1] + self.sigmoid_b[0]))
            return np.column_stack([1.0 - p1, p1])
        p = _expit(-(self.sigmoid_a * margins + self.sigmoid_b))
        total = p.sum(axis=1, keepdims=True)
        uniform = np.full_like(p, 1.0 / len(self.classes))
        return np.divide(p, total, out=uniform, where=total != 0)

    def predict(self, docs: Sequence[str]) -> list[str]:
        proba = self.proba(self.transform(docs))
        return [self.classes[i] for i in proba.argmax(axis=1)]

    def top_terms(self, X_row, class_index: int, n: int = 5) -> list[str]:
        """jieba words that pushed this message towards the class most (value × weight > 0).

        Words, not character n-grams: "电梯" reads as a reason, "0栋电" does not. Single
        characters only when no longer word qualifies.
        """
        row = X_row.tocsr()
        keep = row.indices < self.n_word_features
        indices, values = row.indices[keep], row.data[keep]
        contrib = values * self.coef_t[indices, class_index]
        ranked = [
            str(self.feature_names[indices[i]]).split("__", 1)[-1]
            for i in np.argsort(-contrib, kind="stable")
            if contrib[i] > 0
        ]
        ranked = [w for w in ranked if w != "0"]
        longer = [w for w in ranked if len(w) > 1]
        return (longer or ranked)[:n]


def _views(features: FeatureUnion) -> list[tuple]:
    """(analyzer, vocabulary, idf, weight, column offset) of each fitted TF-IDF view."""
    views, offset = [], 0
    weights = features.transformer_weights or {}
    for name, vectorizer in features.transformer_list:
        views.append(
            (
                vectorizer.build_analyzer(),
                vectorizer.vocabulary_,
                np.asarray(vectorizer.idf_, dtype=np.float64),
                float(weights.get(name, 1.0)),
                offset,
            )
        )
        offset += len(vectorizer.vocabulary_)
    return views


def _expit(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # = 1 / (1 + exp(-x)), without overflow warnings


def _fit_linear(X, labels: list[str], features: FeatureUnion) -> LinearModel:
    classifier = build_classifier(labels)
    classifier.fit(X, labels)
    calibrated = isinstance(classifier, CalibratedClassifierCV)
    if calibrated:
        fitted = classifier.calibrated_classifiers_[0]
        base = fitted.estimator
        sigmoid_a = np.array([c.a_ for c in fitted.calibrators], dtype=np.float64)
        sigmoid_b = np.array([c.b_ for c in fitted.calibrators], dtype=np.float64)
    else:
        base, sigmoid_a, sigmoid_b = classifier, None, None
    coef, intercept = base.coef_, base.intercept_
    if coef.shape[0] == 1:  # binary: sklearn keeps one row, for the second class
        coef = np.vstack([-coef[0], coef[0]])
        intercept = np.array([-intercept[0], intercept[0]])
    model = LinearModel(
        features=features,
        classes=tuple(str(c) for c in classifier.classes_),
        coef_t=np.ascontiguousarray(coef.T, dtype=np.float64),
        intercept=np.asarray(intercept, dtype=np.float64),
        sigmoid_a=sigmoid_a,
        sigmoid_b=sigmoid_b,
        feature_names=features.get_feature_names_out(),
        n_word_features=len(features.transformer_list[0][1].vocabulary_),
    )
    if calibrated:  # our arithmetic must match scikit-learn's; checked on a few rows
        sample = X[: min(20, X.shape[0])]
        if not np.allclose(model.proba(sample), classifier.predict_proba(sample), atol=1e-6):
            raise RuntimeError("triage: calibrated probabilities differ from scikit-learn's")
    return model


def train_category(
    titles: Sequence[str], texts: Sequence[str], labels: Sequence[str]
) -> tuple[LinearModel, csr_matrix]:
    """THE production training method for the category model (also returns the training matrix)."""
    docs = [textmod.combine(t, x) for t, x in zip(titles, texts, strict=True)]
    features = build_features()
    X = features.fit_transform(docs)
    model = _fit_linear(X, list(labels), features)
    sample = docs[:20]  # the fast transform must give scikit-learn's numbers; checked on a few rows
    if sample and abs(model.transform(sample) - features.transform(sample)).max() > 1e-5:
        raise RuntimeError("triage: fast TF-IDF transform differs from scikit-learn's")
    return model, X


@dataclass
class TriageModel:
    version: str
    category: LinearModel
    urgency: LinearModel | None
    n_train: int
    trained_seconds: float
    environment: dict[str, str]
    algorithm: str = ALGORITHM


def corpus_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:10]


def version_for(corpus: bytes) -> str:
    return f"{ALGORITHM}-{corpus_digest(corpus)}"


def train(
    titles: Sequence[str],
    texts: Sequence[str],
    labels: Sequence[str],
    urgencies: Sequence[str] | None,
    version: str,
) -> TriageModel:
    started = time.perf_counter()
    category, X = train_category(titles, texts, labels)
    urgency = None
    if urgencies is not None and len(set(urgencies)) > 1:
        # Same features as the category model: one transform serves both at prediction time.
        urgency = _fit_linear(X, list(urgencies), category.features)
    return TriageModel(
        version=version,
        category=category,
        urgency=urgency,
        n_train=len(labels),
        trained_seconds=round(time.perf_counter() - started, 3),
        environment={"python": platform.python_version(), "sklearn": sklearn.__version__},
    )


def model_dir() -> Path:
    """GONGZHI_TRIAGE_DIR, else <GONGZHI_VAR_DIR or repo/var>/triage."""
    if os.environ.get("GONGZHI_TRIAGE_DIR"):
        return Path(os.environ["GONGZHI_TRIAGE_DIR"])
    return Path(os.environ.get("GONGZHI_VAR_DIR", REPO_ROOT / "var")) / "triage"


def model_path(version: str, directory: Path | None = None) -> Path:
    return (directory or model_dir()) / f"model-{version}.joblib"


def save(model: TriageModel, path: Path) -> Path:
    """Write atomically (temp file + rename) so a concurrent reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    joblib.dump(model, tmp, compress=3)
    os.replace(tmp, path)
    return path


def load(path: Path) -> TriageModel:
    model = joblib.load(path)
    if not isinstance(model, TriageModel):
        raise TypeError(f"{path} does not hold a triage model")
    if getattr(model, "algorithm", None) != ALGORITHM:  # pickled by an older method: retrain
        raise TypeError(f"{path} was trained by another method than {ALGORITHM}")
    return model
