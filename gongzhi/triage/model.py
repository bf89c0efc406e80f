"""The category and urgency models: features, training, versioning, save/load.

One function, `train_category`, is THE production training method: the shipped model,
`triage_build` and `triage_eval` all call it, so evaluation numbers describe what runs.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import itertools
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
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from gongzhi.triage import text as textmod
from gongzhi.triage.neighbours import Neighbours, platt

# Bump when features or classifier change: the version names the model file, so a changed
# method never loads a model trained the old way.
ALGORITHM = "rjw-c12svm-knn6"

WORD_WEIGHT = 1.0
CHAR_WEIGHT = 1.0
# Character unigrams and bigrams: in 5-fold CV on the TipDM messages as good as 1-3 and better
# than 2-4 (macro-F1 0.901 / 0.901 / 0.895), with a third of the features and prediction cost.
CHAR_NGRAMS = (1, 2)
SVM_C = 1.0
CALIBRATION_FOLDS = 3
# Votes of the 10 most similar training messages (jieba words), added to the SVM margins. On
# the TipDM messages (5-fold CV, 4 fold splits) weights 0.25-0.5 gave macro-F1 +0.003 to +0.007
# over the SVM alone on every split; on our short seed corpus they cost about 0.01. So training
# picks the weight from these by out-of-fold macro-F1 (the calibration folds), 0 on ties.
NEIGHBOURS_K = 10
NEIGHBOURS_WEIGHTS = (0.0, 0.25, 0.5)

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


def calibration_folds(labels: Sequence[str]) -> StratifiedKFold | None:
    """The folds for cross-validated sigmoid calibration, None when some class has fewer than 3
    examples: `LinearModel` then turns its scores into a softmax (marked uncalibrated)."""
    smallest = min(Counter(labels).values())
    if smallest < 3 or len(set(labels)) < 2:
        return None
    return StratifiedKFold(min(CALIBRATION_FOLDS, smallest), shuffle=True, random_state=0)


@dataclass
class LinearModel:
    """Fitted features plus the linear classifier reduced to numpy arrays.

    Scores are the SVM margins (a sparse dot product) plus, for the category model, the votes
    of the nearest training messages; when calibrated, one Platt sigmoid per class (one-vs-rest,
    normalised) as CalibratedClassifierCV computes it. Doing it here avoids scikit-learn's
    per-call validation, which dominates single-message latency.
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
    neighbours: Neighbours | None = field(default=None, repr=False)
    neighbours_weight: float = 0.0

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
        views = self._views
        ids: list[int] = []  # vocabulary index per distinct token, -1 when not in it
        tfs: list[int] = []
        lengths: list[int] = []  # distinct tokens per (message, view)
        for doc in docs:
            for analyzer, vocabulary, _, _ in views:
                counts = Counter(analyzer(doc))
                ids.extend(map(vocabulary.get, counts, itertools.repeat(-1, len(counts))))
                tfs.extend(counts.values())
                lengths.append(len(counts))
        # The rest in numpy: per-token Python work was most of the cost for long messages.
        group = np.repeat(np.arange(len(lengths)), lengths)  # (message, view) of each token
        index = np.asarray(ids, dtype=np.int64)
        keep = index >= 0
        group = group[keep]
        offsets = np.array([offset for *_, offset in views], dtype=np.int64)
        weights = np.array([weight for *_, weight, _ in views], dtype=np.float64)
        columns = index[keep] + offsets[group % len(views)]
        tf = np.asarray(tfs, dtype=np.float64)[keep]
        values = (np.log(tf) + 1.0) * idf[columns]  # sublinear tf
        # l2 norm per message and view, then the view's weight
        norms = np.sqrt(np.bincount(group, weights=values * values, minlength=len(lengths)))
        values *= (weights[group % len(views)] / norms[group]) if len(group) else 0.0
        per_doc = np.bincount(group // len(views), minlength=len(docs))
        indptr = np.concatenate([[0], np.cumsum(per_doc)]).astype(np.int64)
        return csr_matrix((values, columns, indptr), shape=(len(docs), self.coef_t.shape[0]))

    def scores(self, X) -> np.ndarray:
        margins = np.asarray(X @ self.coef_t) + self.intercept
        if self.neighbours is not None:
            votes = self.neighbours.votes(X[:, : self.n_word_features])
            margins = margins + self.neighbours_weight * votes
        return margins

    def proba(self, X) -> np.ndarray:
        margins = self.scores(X)
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

        Words, not character n-grams: "电梯" reads as a reason, "0栋电" does not. Nor filler
        (`text.explains`: 很大, 我家, 三个, 随时), which still counts in the model: the reasons
        shown are chosen among the words that pushed, the push itself is unchanged. Single
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
        ranked = [w for w in ranked if textmod.explains(w)]
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


def _svm_margins(X, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """coef (n_classes, n_features) and intercept of a linear SVM on class indices `y`."""
    svm = LinearSVC(C=SVM_C, random_state=0).fit(X, y)
    coef, intercept = svm.coef_, svm.intercept_
    if coef.shape[0] == 1:  # binary: sklearn keeps one row, for the second class
        coef = np.vstack([-coef[0], coef[0]])
        intercept = np.array([-intercept[0], intercept[0]])
    return coef, intercept


def _best_weight(margins: np.ndarray, votes: np.ndarray, y: np.ndarray) -> float:
    """The neighbour weight with the best out-of-fold macro-F1 (the smallest among equals)."""
    best, best_f1 = 0.0, -1.0
    for weight in NEIGHBOURS_WEIGHTS:
        f1 = f1_score(y, (margins + weight * votes).argmax(axis=1), average="macro")
        if f1 > best_f1 + 1e-9:
            best, best_f1 = weight, f1
    return best


def _fit_linear(X, labels: list[str], features: FeatureUnion, neighbours: bool = False):
    classes = tuple(sorted(set(labels)))
    y = np.array([classes.index(label) for label in labels])
    n_words = len(features.transformer_list[0][1].vocabulary_)
    folds = calibration_folds(labels)  # also where the neighbour weight is chosen
    use_neighbours = neighbours and NEIGHBOURS_K > 0 and folds is not None

    def fit(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, Neighbours | None]:
        coef, intercept = _svm_margins(X[rows], y[rows])
        near = None
        if use_neighbours:
            near = Neighbours.fit(X[rows][:, :n_words], y[rows], len(classes), NEIGHBOURS_K)
        return coef, intercept, near

    coef, intercept, near = fit(np.arange(len(y)))
    model = LinearModel(
        features=features,
        classes=classes,
        coef_t=np.ascontiguousarray(coef.T, dtype=np.float64),
        intercept=np.asarray(intercept, dtype=np.float64),
        sigmoid_a=None,
        sigmoid_b=None,
        feature_names=features.get_feature_names_out(),
        n_word_features=n_words,
    )
    if folds is not None:  # sigmoids fitted on out-of-fold scores, then the full-data model
        oof = np.zeros((len(y), len(classes)))
        oof_votes = np.zeros_like(oof)
        for train_rows, test_rows in folds.split(np.zeros(len(y)), y):
            coef_f, intercept_f, near_f = fit(train_rows)
            part = dataclasses.replace(
                model, coef_t=np.ascontiguousarray(coef_f.T), intercept=intercept_f
            )
            oof[test_rows] = part.scores(X[test_rows])
            if near_f is not None:
                oof_votes[test_rows] = near_f.votes(X[test_rows][:, :n_words])
        if near is not None:
            weight = _best_weight(oof, oof_votes, y)
            if weight > 0:
                model.neighbours, model.neighbours_weight = near, weight
                oof += weight * oof_votes
        # binary: one calibrator, for the second class (as scikit-learn)
        columns = [1] if len(classes) == 2 else range(len(classes))
        fitted = [platt(oof[:, k], y == k) for k in columns]
        model.sigmoid_a = np.array([a for a, _ in fitted])
        model.sigmoid_b = np.array([b for _, b in fitted])
    return model


def train_category(
    titles: Sequence[str], texts: Sequence[str], labels: Sequence[str]
) -> tuple[LinearModel, csr_matrix]:
    """THE production training method for the category model (also returns the training matrix)."""
    docs = [textmod.combine(t, x) for t, x in zip(titles, texts, strict=True)]
    features = build_features()
    X = features.fit_transform(docs)
    model = _fit_linear(X, list(labels), features, neighbours=True)
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
    try:
        joblib.dump(model, tmp, compress=3)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # no half-written file left behind (disk full, no rights)
        raise
    return path


def prune(keep: set[str], directory: Path | None = None) -> list[Path]:
    """Delete the saved models whose version is not in `keep`: every retraining writes a new
    file (tens of MB), and nothing reads a superseded one again. Returns what was deleted."""
    removed = []
    for path in (directory or model_dir()).glob("model-*.joblib"):
        if path.name[len("model-") : -len(".joblib")] not in keep:
            path.unlink(missing_ok=True)  # a concurrent prune may have got there first
            removed.append(path)
    return removed


def load(path: Path) -> TriageModel:
    model = joblib.load(path)
    if not isinstance(model, TriageModel):
        raise TypeError(f"{path} does not hold a triage model")
    if getattr(model, "algorithm", None) != ALGORITHM:  # pickled by an older method: retrain
        raise TypeError(f"{path} was trained by another method than {ALGORITHM}")
    return model
