"""Hot topics: groups of messages about the same matter, largest first.

Messages are compared as likely duplicates are (`similarity.message_vectors`): jieba words plus
character 2-3-grams, TF-IDF with the IDF counted over the seed corpus as well as the messages,
with building, unit and room numbers left out (where, not what). Clustering is average-link: two
groups merge only while the mean similarity of all their pairs stays at or above the threshold,
so every member is close to the topic as a whole, not merely to one other member; a message left
alone then joins the topic whose centroid it is close to. The greedy "star" clustering used
before (0.2 on words and character pairs of the messages alone) let one centre take everything
near it: ten reports of a gas smell in a stairwell sat in a topic about stairwell lamps, whose
representative was about a lamp, and e-bike thefts in one about charging e-bikes in stairwells.
Average-link groups are always connected by pairs above the threshold, so only the connected
parts of that sparse graph are clustered: a few thousand messages take seconds. Deterministic,
no number of clusters to choose. Measured in bench/topics_bench.py.

Labels are words (never character pairs) ranked by how many members use them (in the title
line twice) times their IDF, without generic words and without a word that repeats or contains
another label. Trends and places are computed by the caller from the member ids.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import coo_matrix, csr_matrix, hstack
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import squareform
from sklearn.preprocessing import normalize

from gongzhi.triage import text as textmod
from gongzhi.triage.similarity import (
    _background,
    _background_gram_frequency,
    _tokens,
    background_document_frequency,
    content_words,
)

# Mean cosine (words + character 2-3-grams) a topic's pairs keep, chosen in
# bench/topics_bench.py on the demo street (matters known), our seed corpus with its hand-written
# same-matter pairs and TipDM's hot-topics messages.
TOPIC_THRESHOLD = 0.2
# A message average-link left alone joins the topic whose centroid is this close (cosine).
ATTACH_THRESHOLD = 0.25
_CHUNK = 1000  # rows of the similarity matrix computed at a time (memory stays bounded)


@dataclass(frozen=True)
class Topic:
    size: int
    member_ids: tuple[Hashable, ...]
    representative_id: Hashable
    representative_text: str
    top_terms: tuple[str, ...]


# Words that say how much, how often, when, where in general or who, not what about: poor topic
# labels ("很大", "及时", "十点", "我家", "属于", "看不见"). They still count for similarity.
_FILLER = textmod.FILLER_WORDS
# Verbs that say something happens, not about what: 「上涨、物业费、讨论」, 「电梯…安全隐患、运行」
# named no matter. Left out of labels only.
_EMPTY_LABELS = frozenset(
    "讨论 运行 启动 开展 开始 继续 工作 实施 落实 安排 组织 表示 提出 发生 商量 研究 协调 沟通"
    " 关注 方面".split()
)
_NUMBER_WORD = re.compile(r"^[0-9零〇一二三四五六七八九十两百千万]+[点时号天年月日个次楼层栋]?$")


def _label_word(word: str) -> bool:
    """Whether a word may label a topic (it still counts for similarity either way)."""
    if not word or word in _FILLER or word in _EMPTY_LABELS or _NUMBER_WORD.match(word):
        return False
    half, odd = divmod(len(word), 2)
    return odd or word[:half] != word[half:]  # not "装修装修"


# Where in the compound, not what about: "3栋2单元", "502室", "8楼". Two different matters in
# one stairwell shared them (and the "0栋0单元楼道" character grams); two reports of one matter
# need not.
_ADDRESS = re.compile(r"\d+\s*(?:号楼|栋|幢|单元|楼|层|室|号|户|门)")


def _matter(text: str) -> str:
    return _ADDRESS.sub(" ", textmod.normalise(text))


def _view(background_size: int, background_df: Counter[str], docs: list[list[str]]):
    """`similarity._view` (sublinear tf, smoothed idf over the background and the docs, unit
    rows) with the columns in first-seen order: scikit-learn's CountVectorizer sorted the
    vocabulary of a few thousand long messages, which took more time than all the rest."""
    counted = [Counter(doc) for doc in docs]
    terms = dict.fromkeys(itertools.chain.from_iterable(counted))
    if not terms:
        return csr_matrix((len(docs), 1), dtype=np.float32)
    vocabulary = {term: i for i, term in enumerate(terms)}
    indices = np.fromiter(
        map(vocabulary.__getitem__, itertools.chain.from_iterable(counted)), np.int32
    )
    counts = np.fromiter(itertools.chain.from_iterable(c.values() for c in counted), np.float32)
    indptr = np.concatenate([[0], np.cumsum([len(c) for c in counted])])
    tf = 1 + np.log(counts)
    matrix = csr_matrix((tf, indices, indptr), shape=(len(docs), len(vocabulary)))
    in_docs = np.bincount(matrix.indices, minlength=len(vocabulary))
    get = background_df.get
    in_background = np.fromiter((get(t, 0) for t in vocabulary), np.float64, len(vocabulary))
    n = background_size + len(docs)
    idf = (np.log((1 + n) / (1 + in_background + in_docs)) + 1).astype(np.float32)
    matrix.data *= idf[matrix.indices]
    return normalize(matrix)


def _vectors(texts: Sequence[str]) -> tuple[csr_matrix, list[list[str]]]:
    """Unit rows as `similarity.message_vectors` (addresses left out), and each message's words
    (for the labels)."""
    words, grams = _tokens([_matter(t) for t in texts])
    size = len(_background()[0])
    both = hstack(
        [
            _view(size, background_document_frequency(), words),
            _view(size, _background_gram_frequency(), grams),
        ]
    ).tocsr()
    return normalize(both), words


def _components(X: csr_matrix, threshold: float) -> list[np.ndarray]:
    """Indices of each connected group (two or more) of the graph of pairs >= threshold."""
    n = X.shape[0]
    rows, cols = [], []
    for start in range(0, n, _CHUNK):
        sims = (X[start : start + _CHUNK] @ X.T).toarray()
        r, c = np.nonzero(sims >= threshold)
        r = r + start
        keep = r < c
        rows.append(r[keep])
        cols.append(c[keep])
    r, c = np.concatenate(rows), np.concatenate(cols)
    graph = coo_matrix((np.ones(len(r), dtype=np.int8), (r, c)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    order = np.argsort(label, kind="stable")
    bounds = np.flatnonzero(np.diff(label[order])) + 1
    return [part for part in np.split(order, bounds) if len(part) >= 2]


def _average_link(X: csr_matrix, threshold: float) -> list[list[int]]:
    groups: list[list[int]] = []
    for part in _components(X, threshold):
        if len(part) == 2:  # one pair above the threshold: its mean is that pair
            groups.append(sorted(int(i) for i in part))
            continue
        sub = X[part]
        dist = 1.0 - (sub @ sub.T).toarray().astype(np.float64)
        np.fill_diagonal(dist, 0.0)
        dist = np.clip((dist + dist.T) / 2, 0.0, 2.0)
        tree = linkage(squareform(dist, checks=False), method="average")
        flat = fcluster(tree, t=1.0 - threshold + 1e-9, criterion="distance")
        for label in np.unique(flat):
            members = part[flat == label]
            if len(members) >= 2:
                groups.append(sorted(int(i) for i in members))
    return groups


def _attach(X: csr_matrix, groups: list[list[int]], threshold: float) -> None:
    """Adds each message left alone to the group whose centroid it is closest to, when that
    cosine is >= threshold (centroids as average-link left them; in place)."""
    n = X.shape[0]
    taken = np.zeros(n, dtype=bool)
    rows = np.repeat(np.arange(len(groups)), [len(g) for g in groups])
    cols = np.fromiter(itertools.chain.from_iterable(groups), dtype=np.int64, count=len(rows))
    taken[cols] = True
    alone = np.flatnonzero(~taken)
    if not len(alone):
        return
    member = csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), (len(groups), n))
    centroids = normalize(member @ X)
    for start in range(0, len(alone), _CHUNK):
        part = alone[start : start + _CHUNK]
        sims = (X[part] @ centroids.T).toarray()
        best = sims.argmax(axis=1)
        for i, g, score in zip(part, best, sims[np.arange(len(part)), best], strict=True):
            if score >= threshold:
                groups[g].append(int(i))
    for g in groups:
        g.sort()


def hot_topics(
    messages: Sequence[tuple[Hashable, str]],
    *,
    threshold: float = TOPIC_THRESHOLD,
    min_size: int = 2,
    max_topics: int | None = 20,
    n_terms: int = 5,
    attach: float | None = ATTACH_THRESHOLD,
) -> list[Topic]:
    """Topics of at least `min_size` messages, largest first (ties: earliest message first)."""
    messages = [(mid, t or "") for mid, t in messages if (t or "").strip()]
    if len(messages) < max(min_size, 1):
        return []
    X, words = _vectors([t for _, t in messages])
    groups = _average_link(X, threshold) if X.nnz else []
    if groups and attach is not None:
        _attach(X, groups, attach)
    groups = [g for g in groups if len(g) >= min_size]
    if min_size <= 1:
        taken = set(itertools.chain.from_iterable(groups))
        groups += [[i] for i in range(len(messages)) if i not in taken]
    groups.sort(key=lambda g: (-len(g), g[0]))
    if max_topics is not None:
        groups = groups[:max_topics]
    idf = _idf(words)
    return [_topic(messages, X, words, idf, g, n_terms) for g in groups]


def _idf(words: list[list[str]]):
    """Smoothed IDF of a word over the seed corpus and the messages together."""
    background = background_document_frequency()
    in_docs = Counter(w for doc in words for w in set(doc))
    n = len(_background()[0]) + len(words)

    def idf(word: str) -> float:
        return math.log((1 + n) / (1 + background.get(word, 0) + in_docs[word])) + 1

    return idf


def _headline_words(text: str) -> set[str]:
    """The words of a message's first line: its title where it has one (a case's text is its
    title, a line break, then what the resident wrote)."""
    first = text.split("\n", 1)[0] if "\n" in text else ""
    return set(content_words(textmod.normalise(first)))


def _labels(messages, words: list[list[str]], members: list[int], idf, n_terms: int):
    """Words most members use (in a title counting twice) and few other messages do; none
    generic, none repeating another."""
    used = Counter(w for i in members for w in set(words[i]))
    least = 2 if len(members) >= 2 else 1
    headline = Counter(w for i in members for w in _headline_words(messages[i][1]))
    ranked = sorted(
        (w for w, count in used.items() if count >= least and _label_word(w)),
        key=lambda w: (-(used[w] + headline[w]) * idf(w), w),
    )
    chosen: list[str] = []
    for word in ranked:
        if len(chosen) >= n_terms:
            break
        if any(word in other or other in word for other in chosen):
            continue  # 装修 after 装修噪音, or the other way round
        chosen.append(word)
    return tuple(chosen)


def _topic(messages, X, words, idf, members: list[int], n_terms: int) -> Topic:
    sub = X[members]
    centrality = np.asarray((sub @ sub.T).sum(axis=1)).ravel()
    rep = members[int(np.argmax(centrality))]
    return Topic(
        size=len(members),
        member_ids=tuple(messages[i][0] for i in members),
        representative_id=messages[rep][0],
        representative_text=messages[rep][1],
        top_terms=_labels(messages, words, members, idf, n_terms),
    )
