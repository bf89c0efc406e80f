"""`suggest()`: category and urgency suggestions for one resident message.

The module is `suggestion`, not `suggest`: a submodule named like the function it exports would
be bound over the package attribute `gongzhi.triage.suggest` when imported. Public API:
`from gongzhi import triage; triage.suggest(text)`.

G3: everything here is a suggestion carrying the model version and a confidence; a person
decides. Bad input (empty, emoji only, not Chinese) gives a "no suggestion" with a reason,
never an exception; an emergency sign in it (English included) is still flagged.
"""

from __future__ import annotations

import dataclasses
import logging
import unicodedata
from dataclasses import dataclass

import numpy as np

from gongzhi.triage import default
from gongzhi.triage import text as textmod
from gongzhi.triage import urgency as urgencymod
from gongzhi.triage.model import TriageModel

logger = logging.getLogger(__name__)

# Below this the category is still shown, with a note asking for a person's judgement.
LOW_CONFIDENCE = 0.35
MIN_CJK_CHARS = 2


@dataclass(frozen=True)
class Suggestion:
    category: str | None
    confidence: float
    model_version: str
    top_terms: tuple[str, ...]
    alternatives: tuple[tuple[str, float], ...]
    urgency: str | None
    urgency_confidence: float
    no_suggestion_reason: str | None = None
    urgency_terms: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def has_suggestion(self) -> bool:
        return self.category is not None


def _reject_reason(raw: str) -> str | None:
    stripped = raw.strip()
    if not stripped:
        return "内容为空，无法给出建议。"
    if textmod.cjk_count(stripped, distinct=True) >= MIN_CJK_CHARS:
        return None
    if textmod.cjk_count(stripped):  # "楼楼楼楼…", "啊啊啊": one character repeated
        return "内容只有一个重复的字，无法给出建议，请人工分类。"
    if all(unicodedata.category(ch)[0] in "SPZC" for ch in stripped):
        return "内容只有表情或符号，无法给出建议，请人工分类。"
    return "内容不是中文或中文太少，无法给出建议，请人工分类。"


def _nothing(version: str, reason: str, notes: tuple[str, ...] = ()) -> Suggestion:
    return Suggestion(
        category=None,
        confidence=0.0,
        model_version=version,
        top_terms=(),
        alternatives=(),
        urgency=None,
        urgency_confidence=0.0,
        no_suggestion_reason=reason,
        notes=notes,
    )


def _emergency_anyway(nothing: Suggestion, raw: str) -> Suggestion:
    """A message the category model cannot read ("There is a fire in building 3 … people are
    trapped in the lift!") still gets the emergency rules, English signs included: the category
    stays "no suggestion", the emergency is flagged."""
    signs = urgencymod.emergency_signs(textmod.normalise(raw))
    if not signs:
        return nothing
    guess = urgencymod.combine(signs, None)
    return dataclasses.replace(
        nothing, urgency=guess.level, urgency_confidence=guess.confidence, urgency_terms=signs
    )


def suggest(text: str, title: str = "", *, model: TriageModel | None = None) -> Suggestion:
    """Suggest a category and an urgency for a message (`model` defaults to the shipped one)."""
    raw = f"{title or ''}\n{text or ''}"
    notes: tuple[str, ...] = ()
    if len(text or "") > textmod.MAX_CHARS:
        notes = (f"内容超过 {textmod.MAX_CHARS} 字，模型只分析了前 {textmod.MAX_CHARS} 字。",)
    reason = _reject_reason(raw)
    try:
        model = model or default.get_model()
    except Exception:  # a suggestion must never block intake of a case
        logger.exception("triage model unavailable")
        return _emergency_anyway(_nothing("", "分类模型暂不可用，请人工分类。", notes), raw)
    if reason:
        return _emergency_anyway(_nothing(model.version, reason, notes), raw)
    try:
        return _predict(model, title or "", text or "", notes)
    except Exception:
        logger.exception("triage prediction failed")
        return _emergency_anyway(_nothing(model.version, "分类模型出错，请人工分类。", notes), raw)


def _predict(model: TriageModel, title: str, text: str, notes: tuple[str, ...]) -> Suggestion:
    doc = textmod.combine(title, text)
    cat = model.category
    X = cat.transform([doc])
    proba = cat.proba(X)[0]
    order = np.argsort(-proba)
    best = int(order[0])
    confidence = round(float(proba[best]), 3)
    if confidence < LOW_CONFIDENCE:
        notes = (*notes, "置信度较低，请人工判断分类。")

    urgency_proba = None
    if model.urgency is not None:
        uX = X if model.urgency.features is cat.features else model.urgency.transform([doc])
        up = model.urgency.proba(uX)[0]
        urgency_proba = {c: float(p) for c, p in zip(model.urgency.classes, up, strict=True)}
    guess = urgencymod.combine(urgencymod.emergency_signs(doc), urgency_proba)
    urgency_terms = guess.signs
    if not urgency_terms and model.urgency is not None:
        urgency_terms = tuple(
            model.urgency.top_terms(uX, model.urgency.classes.index(guess.level), n=3)
        )

    return Suggestion(
        category=cat.classes[best],
        confidence=confidence,
        model_version=model.version,
        top_terms=tuple(cat.top_terms(X, best)),
        alternatives=tuple(
            (cat.classes[int(i)], round(float(proba[int(i)]), 3)) for i in order[1:3]
        ),
        urgency=guess.level,
        urgency_confidence=guess.confidence,
        urgency_terms=urgency_terms,
        notes=notes,
    )
