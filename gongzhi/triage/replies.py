"""Draft public replies for resolved cases, from the replies to the most similar closed cases.

The draft is for staff to edit before anything is published (G3): it reuses the substance of
the closest earlier reply, drops that reply's own greeting and thanks, puts this message's
building where the earlier one named its own, and masks phone numbers and ID numbers it may
contain.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gongzhi.triage.similarity import char_vectors

# Below this the closest closed case is about something else (0.16: a rubbish complaint drafted
# from a lamp repair), and its reply would tell of work never done; the template is safer. The
# same matter in other words scores 0.2-0.4 (电动车楼道充电 0.22, 门禁坏了 0.37).
MIN_SIMILARITY = 0.2
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


_PLACE = re.compile(r"(\d+)(?:号楼|栋|幢)(?:\d+单元)?")


def _retarget(reply: str, message: str, place: str) -> str:
    """The buildings the earlier message named, in its reply, become this message's own place
    (or 〔楼栋〕 when it names none): a draft must not tell 5栋 that 6栋's door was mended."""
    theirs = {m.group(1) for m in _PLACE.finditer(message or "")}
    return _PLACE.sub(
        lambda m: (place or "〔楼栋〕") if m.group(1) in theirs else m.group(0), reply
    )


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


def _bigrams(sentence: str) -> set[str]:
    plain = re.sub(r"\d+", "#", sentence)  # 6栋3单元 and 27栋1单元 read alike
    return {plain[i : i + 2] for i in range(len(plain) - 1)}


def _says_the_same(sentence: str, body: list[str]) -> bool:
    """Near-identical to a sentence already drafted: the same answer given elsewhere in the
    street differs only in its numbers and a word or two (bigram Jaccard ≥ 0.6)."""
    grams = _bigrams(sentence)
    for other in body:
        seen = _bigrams(other)
        if grams and len(grams & seen) >= SAME_SENTENCE * len(grams | seen):
            return True
    return False


# Names this method (character 2-3-gram TF-IDF, the closest reply and those nearly as close,
# their buildings made this message's, near-identical sentences once); bump it when the method
# changes. Shown beside every draft (G3).
VERSION = "reply-char23-tfidf-top3-v3"
NEARLY_AS_CLOSE = 0.8
SAME_SENTENCE = 0.6


@dataclass(frozen=True)
class Draft:
    """A draft reply, the similarity of the closest closed message (0-1; 0 when there is
    none) and the (index into `closed`, similarity) of each reply it was assembled from (none
    when the text is the template)."""

    text: str
    similarity: float
    sources: tuple[tuple[int, float], ...]


def compose_reply(
    text: str,
    closed: Sequence[tuple[str, str]],
    *,
    k: int = 3,
    min_similarity: float = MIN_SIMILARITY,
) -> Draft:
    """A draft reply for `text`, from `closed` (message, reply) pairs; a template if none is close.

    The closest reply gives the body; up to two more of the k closest add sentences it lacks
    (not near-identical to one it has), only when they are nearly as close (≥ 80 % of the best
    similarity).
    """
    kept = [i for i, (_, r) in enumerate(closed) if (r or "").strip()]
    if not (text or "").strip() or not kept:
        return Draft(FALLBACK, 0.0, ())
    X = char_vectors([text, *((closed[i][0] or "") for i in kept)])
    sims = np.asarray((X[1:] @ X[0].T).toarray()).ravel()
    order = [int(i) for i in np.argsort(-sims, kind="stable")[:k]]
    best = float(sims[order[0]])
    if best < min_similarity:
        return Draft(FALLBACK, round(best, 2), ())
    body: list[str] = []
    used: list[tuple[int, float]] = []
    place = next((m.group(0) for m in _PLACE.finditer(text)), "")
    for rank, i in enumerate(order):
        if rank and sims[i] < NEARLY_AS_CLOSE * best:
            break
        used.append((kept[i], round(float(sims[i]), 2)))
        message, reply = closed[kept[i]]
        for sentence in _body_sentences(_retarget(reply, message, place)):
            if len(body) < MAX_SENTENCES and not _says_the_same(sentence, body):
                body.append(sentence)
    if not body:
        return Draft(FALLBACK, round(best, 2), ())
    return Draft(OPENING + "".join(body) + CLOSING, round(best, 2), tuple(used))


def draft_reply(
    text: str,
    closed: Sequence[tuple[str, str]],
    *,
    k: int = 3,
    min_similarity: float = MIN_SIMILARITY,
) -> str:
    """The text alone of `compose_reply`."""
    return compose_reply(text, closed, k=k, min_similarity=min_similarity).text
