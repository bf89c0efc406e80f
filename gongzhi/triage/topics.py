"""Hot topics: groups of messages about the same matter, largest first.

Messages are compared by a mix of jieba-word and character-bigram TF-IDF cosine. Clustering is
greedy "star" clustering: the message with the most close neighbours not yet taken becomes a
topic centre and takes them; repeat. It is deterministic, needs no number of clusters, and only
ever looks at pairs above the threshold, so a few thousand messages take seconds. Trends and
places are computed by the caller from the member ids.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from gongzhi.triage import text as textmod
from gongzhi.triage.similarity import content_words

TOPIC_THRESHOLD = 0.2
_CHUNK = 1000  # rows of the similarity matrix computed at a time (memory stays bounded)


@dataclass(frozen=True)
class Topic:
    size: int
    member_ids: tuple[Hashable, ...]
    representative_id: Hashable
    representative_text: str
    top_terms: tuple[str, ...]


# Words that say how much, how often, when or who, not what about: poor topic labels ("很大",
# "及时", "十点", "我家", "单元"). They still count for similarity.
_FILLER = frozenset(
    "很大 很多 太大 太多 及时 有人 没人 经常 总是 每天 天天 长期 多次 好几 几次 严重 影响 导致"
    " 晚上 早上 白天 半夜 凌晨 中午 下午 上午 最近 近期 之前 以前 以后 马上 尽快 立即 一些 所有"
    " 不能 不是 无法 还是 而且 然后 并且 已经 直接 处理 解决 联系 要求 麻烦 一下 看看"
    " 这样 那样 之间 突然 好像 大家 我家 里面 赶紧 担心 非常 单元".split()
)
_NUMBER_WORD = re.compile(r"^[0-9零〇一二三四五六七八九十两百千万]+[点时号天年月日个次楼层]?$")


def _label_word(word: str) -> bool:
    """Whether a word may label a topic (it still counts for similarity either way)."""
    return bool(word) and word not in _FILLER and not _NUMBER_WORD.match(word)


def _vectors(texts: Sequence[str]) -> tuple[csr_matrix, csr_matrix, np.ndarray]:
    docs = [textmod.normalise(t) for t in texts]
    word_vec = TfidfVectorizer(
        tokenizer=content_words, lowercase=False, token_pattern=None, sublinear_tf=True
    )
    char_vec = TfidfVectorizer(
        analyzer="char", preprocessor=textmod.chars, ngram_range=(2, 2), sublinear_tf=True
    )
    try:
        W = word_vec.fit_transform(docs)
        names = word_vec.get_feature_names_out()
    except ValueError:  # no words at all
        W, names = csr_matrix((len(docs), 1)), np.array([""])
    try:
        C = char_vec.fit_transform(docs)
    except ValueError:
        C = csr_matrix((len(docs), 1))
    both = normalize(hstack([W, C]).tocsr())
    return both, W.tocsr(), names


def _neighbours(X: csr_matrix, threshold: float) -> list[np.ndarray]:
    out: list[np.ndarray] = []
    for start in range(0, X.shape[0], _CHUNK):
        sims = (X[start : start + _CHUNK] @ X.T).toarray()
        for row, i in enumerate(range(start, min(start + _CHUNK, X.shape[0]))):
            near = np.flatnonzero(sims[row] >= threshold)
            out.append(near[near != i])
    return out


def hot_topics(
    messages: Sequence[tuple[Hashable, str]],
    *,
    threshold: float = TOPIC_THRESHOLD,
    min_size: int = 2,
    max_topics: int | None = 20,
    n_terms: int = 5,
) -> list[Topic]:
    """Topics of at least `min_size` messages, largest first (ties: earliest message first)."""
    messages = [(mid, t or "") for mid, t in messages if (t or "").strip()]
    if len(messages) < max(min_size, 1):
        return []
    X, W, names = _vectors([t for _, t in messages])
    neighbours = _neighbours(X, threshold)
    taken = np.zeros(len(messages), dtype=bool)
    groups: list[list[int]] = []
    # Centres in order of how many neighbours they have; index breaks ties (deterministic).
    for centre in sorted(range(len(messages)), key=lambda i: (-len(neighbours[i]), i)):
        if taken[centre]:
            continue
        members = [centre, *(int(j) for j in neighbours[centre] if not taken[j])]
        taken[members] = True
        if len(members) >= min_size:
            groups.append(sorted(members))
    groups.sort(key=lambda g: (-len(g), g[0]))
    if max_topics is not None:
        groups = groups[:max_topics]
    return [_topic(messages, X, W, names, g, n_terms) for g in groups]


def _topic(messages, X, W, names, members: list[int], n_terms: int) -> Topic:
    sub = X[members]
    centrality = np.asarray((sub @ sub.T).sum(axis=1)).ravel()
    rep = members[int(np.argmax(centrality))]
    weights = np.asarray(W[members].sum(axis=0)).ravel()
    ranked = (str(names[i]) for i in np.argsort(-weights) if weights[i] > 0)
    terms = tuple(itertools.islice((w for w in ranked if _label_word(w)), n_terms))
    return Topic(
        size=len(members),
        member_ids=tuple(messages[i][0] for i in members),
        representative_id=messages[rep][0],
        representative_text=messages[rep][1],
        top_terms=terms,
    )
