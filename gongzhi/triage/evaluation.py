"""Train/test evaluation of the category model, shared by `triage_eval` and the bench."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sklearn.metrics import accuracy_score, f1_score

from gongzhi.triage import model as modelmod
from gongzhi.triage import text as textmod
from gongzhi.triage.csvio import LabelledRow


@dataclass(frozen=True)
class EvalResult:
    n_train: int
    n_test: int
    accuracy: float
    macro_f1: float
    train_seconds: float
    predict_seconds_per_1000: float
    # (label, F1, test rows) for each label of the test set.
    per_class: tuple[tuple[str, float, int], ...]
    predictions: tuple[str, ...]
    # (label, F1 = 0, how often predicted) for labels predicted but absent from the test set:
    # every prediction of them is wrong, and macro F1 averages them in at 0.
    predicted_only: tuple[tuple[str, float, int], ...] = ()

    def summary(self) -> dict:
        """The JSON contract of `triage_eval --json`: exactly these keys."""
        return {
            "n_train": self.n_train,
            "n_test": self.n_test,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "train_seconds": round(self.train_seconds, 3),
            "predict_seconds_per_1000": round(self.predict_seconds_per_1000, 4),
        }


class TrainingSetError(ValueError):
    """The training rows cannot make a classifier; the message (Chinese) says why."""


def check_training_set(train: Sequence[LabelledRow]) -> None:
    """TrainingSetError when the rows cannot make a classifier at all (checked before the
    warnings about the test set: they would be beside the point)."""
    labels_seen = sorted({r.label for r in train})
    if len(labels_seen) < 2:
        raise TrainingSetError(
            f"至少需要两个不同的类别（label 列）才能训练，现在只有“{labels_seen[0]}”。"
        )


def evaluate(train: Sequence[LabelledRow], test: Sequence[LabelledRow]) -> EvalResult:
    check_training_set(train)
    started = time.perf_counter()
    try:
        category, _ = modelmod.train_category(
            [r.title for r in train], [r.text for r in train], [r.label for r in train]
        )
    except ValueError as exc:  # scikit-learn: no usable features in so few texts
        raise TrainingSetError(
            "文字太少，无法训练分类模型：各类别需要若干条有实际内容的中文留言。"
        ) from exc
    train_seconds = time.perf_counter() - started

    started = time.perf_counter()
    docs = [textmod.combine(r.title, r.text) for r in test]
    predicted = category.predict(docs)
    predict_seconds = time.perf_counter() - started

    truth = [r.label for r in test]
    labels = sorted(set(truth) | set(predicted))
    per_label = f1_score(truth, predicted, labels=labels, average=None, zero_division=0)
    support, guessed = Counter(truth), Counter(predicted)
    scored = [(label, float(f)) for label, f in zip(labels, per_label, strict=True)]
    return EvalResult(
        n_train=len(train),
        n_test=len(test),
        accuracy=float(accuracy_score(truth, predicted)),
        macro_f1=float(f1_score(truth, predicted, average="macro", zero_division=0)),
        train_seconds=train_seconds,
        predict_seconds_per_1000=predict_seconds / max(len(test), 1) * 1000,
        per_class=tuple((label, f, support[label]) for label, f in scored if label in support),
        predictions=tuple(predicted),
        predicted_only=tuple(
            (label, f, guessed[label]) for label, f in scored if label not in support
        ),
    )
