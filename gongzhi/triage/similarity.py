"""Lexical similarity between messages, needing no trained model.

- `char_vectors`: character 2-3-gram TF-IDF fitted on the messages being compared (reply drafts).
- `message_vectors`: jieba words plus character 2-3-grams, with IDF counted over the seed corpus
  as well as the messages compared (duplicate search). Residents' messages are short; fitted on
  the messages alone, two reports of the same matter in different words scored 0.1-0.2, and with
  one or two open cases in a compound the IDF of so few texts made every shared word count
  less than the words they do not share: the same gas smell reported twice was not found.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize

from gongzhi.triage import text as textmod

# Resident demands across the taxonomy, written for this project: the background that tells
# common words (楼道, 物业, 尽快) from telling ones (煤气味, 门禁).
BACKGROUND_CORPUS = Path(__file__).resolve().parent / "corpus" / "seed_cases.csv"


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
    """Cosine similarity of texts[0] to each of texts[1:] (`message_vectors`)."""
    X = message_vectors(texts)
    return np.asarray((X[1:] @ X[0].T).toarray()).ravel()


def content_words(doc: str) -> list[str]:
    """jieba words of two characters or more, numbers and English function words left out
    (topics and duplicates)."""
    return [
        w
        for w in textmod.words(doc)
        if len(w) > 1 and w != "0" and w not in textmod.ENGLISH_STOPWORDS
    ]


def _grams(doc: str) -> list[str]:
    return textmod.char_grams(doc, lo=2, hi=3)


_LATIN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def _without_english_stopwords(doc: str) -> str:
    """English function words out of the character view too: "the", "in" and "building" made
    every two English messages alike."""
    return _LATIN_WORD.sub(lambda m: " " if m.group(0) in textmod.ENGLISH_STOPWORDS else m[0], doc)


def _tokens(texts: Sequence[str]) -> tuple[list[list[str]], list[list[str]]]:
    docs = [textmod.normalise(t) for t in texts]
    return [content_words(d) for d in docs], [_grams(_without_english_stopwords(d)) for d in docs]


@functools.lru_cache(maxsize=1)
def _background() -> tuple[list[list[str]], list[list[str]]]:
    """Word and character-gram lists of the seed corpus, read once per process."""
    from gongzhi.triage.csvio import read_rows

    rows = read_rows(BACKGROUND_CORPUS)
    return _tokens([f"{r.title}\n{r.text}" for r in rows])


@functools.lru_cache(maxsize=1)
def background_document_frequency() -> Counter[str]:
    """In how many seed messages each word appears (ranks the words two messages share)."""
    return Counter(w for words in _background()[0] for w in set(words))


@functools.lru_cache(maxsize=1)
def _background_gram_frequency() -> Counter[str]:
    return Counter(g for grams in _background()[1] for g in set(grams))


def _given(tokens: list[str]) -> list[str]:
    return tokens


def _view(background_size: int, background_df: Counter[str], docs: list[list[str]]) -> csr_matrix:
    """TF-IDF rows of `docs` (sublinear tf, smoothed idf, unit length) with the document
    frequencies of the background and the docs together: what a TfidfVectorizer fitted on
    both would give, without refitting it on the whole background at every call."""
    if not any(docs):
        return csr_matrix((len(docs), 1), dtype=np.float32)
    counter = CountVectorizer(analyzer=_given, dtype=np.float32)
    counts = counter.fit_transform(docs).tocsr()
    in_docs = np.bincount(counts.indices, minlength=counts.shape[1])
    in_background = np.fromiter(
        (background_df.get(term, 0) for term in counter.get_feature_names_out()),
        dtype=np.float64,
        count=counts.shape[1],
    )
    n = background_size + len(docs)
    idf = np.log((1 + n) / (1 + in_background + in_docs)) + 1
    counts.data = 1 + np.log(counts.data)
    return normalize(counts.multiply(idf.astype(np.float32)).tocsr())


def message_vectors(texts: Sequence[str]) -> csr_matrix:
    """Rows of unit length: words and character 2-3-grams, each view weighted equally."""
    words, grams = _tokens(texts)
    size = len(_background()[0])
    both = hstack(
        [
            _view(size, background_document_frequency(), words),
            _view(size, _background_gram_frequency(), grams),
        ]
    ).tocsr()
    return normalize(both)
