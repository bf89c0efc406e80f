"""Draft public replies for resolved cases, from the replies to the most similar closed cases.

The draft is for staff to edit before anything is published (G3): it reuses the substance of
the closest earlier reply, drops that reply's own greeting and thanks, and masks phone numbers
and ID numbers it may contain.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from gongzhi.triage.similarity import char_vectors

MIN_SIMILARITY = 0.15
MAX_SENTENCES = 6

OPENING = "您好！您反映的问题我们已收悉，经核实处理，现答复如下："
CLOSING = "如仍有问题，欢迎继续通过平台反映。感谢您对社区工作的理解和支持！"
FALLBACK = (
    "您好！您反映的问题我们已收悉，相关责任方已到现场核实并处理，"
    "处理情况为：〔请填写处理经过和结果〕。" + CLOSING
)

_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
_FORMULAIC = re.compile(r"^(您好|你好|网友|尊敬的)|感谢|谢谢|答复如下|现将.*(情况|结果)|收悉")
_ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")


def _mask(sentence: str) -> str:
    sentence = _ID_NUMBER.sub("〔证件号〕", sentence)
    return _PHONE.sub("〔电话〕", sentence)


def _body_sentences(reply: str) -> list[str]:
    out = []
    for raw in _SENTENCE.findall(reply or ""):
        sentence = raw.strip()
        if len(sentence) < 4 or _FORMULAIC.search(sentence):
            continue
        if not sentence.endswith(("。", "！", "？", "!", "?", "；", ";")):
            sentence += "。"
        out.append(_mask(sentence))
    return out


def draft_reply(
    text: str,
    closed: Sequence[tuple[str, str]],
    *,
    k: int = 3,
    min_similarity: float = MIN_SIMILARITY,
) -> str:
    """A draft reply for `text`, from `closed` (message, reply) pairs; a template if none is close.

    The closest reply gives the body; up to two more of the k closest add sentences it lacks,
    only when they are nearly as close (≥ 80 % of the best similarity).
    """
    pairs = [(t or "", r or "") for t, r in closed if (r or "").strip()]
    if not (text or "").strip() or not pairs:
        return FALLBACK
    X = char_vectors([text, *(t for t, _ in pairs)])
    sims = np.asarray((X[1:] @ X[0].T).toarray()).ravel()
    order = [int(i) for i in np.argsort(-sims, kind="stable")[:k]]
    best = sims[order[0]]
    if best < min_similarity:
        return FALLBACK
    body: list[str] = []
    for rank, i in enumerate(order):
        if rank and sims[i] < 0.8 * best:
            break
        for sentence in _body_sentences(pairs[i][1]):
            if sentence not in body and len(body) < MAX_SENTENCES:
                body.append(sentence)
    if not body:
        return FALLBACK
    return OPENING + "".join(body) + CLOSING
