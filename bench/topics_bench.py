"""Benchmark of the hot topics (热点议题, gongzhi/triage/topics.py): do topics group only messages
about the same matter, are their labels words that name it, and how fast.

    .venv/bin/python bench/topics_bench.py [--data DIR] [--demo-db FILE] [--sweep] [--out FILE]

Compares the shipped method (`topics.hot_topics`, average-link) with the star clustering used
until 2 December (0.2 on words + character pairs, kept below as `star_topics` for comparison).
Prints a JSON summary and Markdown tables; writes var/bench/topics.json (outside the repository:
it holds label words of TipDM topics, which must never be committed).

1. seed: our seed corpus (gongzhi/triage/corpus/seed_cases.csv, 973 messages in 17 categories)
   plus the 20 hand-written pairs of the same matter in other words (duplicate_pairs.csv).
   Purity: the share of topic members in their topic's most common category, and pairwise
   precision: the share of pairs in one topic of the same category (a topic may hold two
   matters of one category, never two categories: an upper bound of the true precision).
   Pair recall: the share of the 20 pairs whose two messages end in the same topic.
2. demo: the demo street (`seed_demo` into the SQLite file of --demo-db or $SQLITE_PATH), all its
   cases of the last 90 days through the selector of the 热点议题 page (`hot_topics_for`). The
   seeded cases come from templates, one title per matter, so the title is the true topic:
   B-cubed precision / recall / F1, pairwise precision / recall, purity; the top 10 topics (label
   words, size, first 30 characters of the representative); selector time.
3. tipdm (../shared/data/tipdm2020c, benchmark use only, skipped when absent): hot_topics.csv
   (4,326 board messages, no gold topics) for speed, topic count and the recall of the 55 pairs of
   two different messages with the same title; train.csv (4,439 messages, 7 categories) for
   purity and pairwise category precision as in 1.
--sweep adds the same measures for thresholds 0.15-0.40 of the shipped method, with and
without attaching, and other attach thresholds.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # "one core": no BLAS threads
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from scipy.sparse import csr_matrix, hstack  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.preprocessing import normalize  # noqa: E402

from gongzhi.triage import text as textmod  # noqa: E402
from gongzhi.triage import topics as topicsmod  # noqa: E402
from gongzhi.triage.csvio import read_rows  # noqa: E402
from gongzhi.triage.similarity import BACKGROUND_CORPUS, content_words  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "tipdm2020c"
PAIRS_FILE = ROOT / "gongzhi" / "triage" / "corpus" / "duplicate_pairs.csv"
RESULTS = ROOT / "var" / "bench" / "topics.json"
SWEEP = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4)
ATTACH_SWEEP = (0.2, 0.3, 0.35)

Cluster = Callable[[Sequence[tuple[Hashable, str]]], list]


# --------------------------------------------------------------------------- the old method
_OLD_FILLER = frozenset(
    "很大 很多 太大 太多 及时 有人 没人 经常 总是 每天 天天 长期 多次 好几 几次 严重 影响 导致"
    " 晚上 早上 白天 半夜 凌晨 中午 下午 上午 最近 近期 之前 以前 以后 马上 尽快 立即 一些 所有"
    " 不能 不是 无法 还是 而且 然后 并且 已经 直接 处理 解决 联系 要求 麻烦 一下 看看"
    " 这样 那样 之间 突然 好像 大家 我家 里面 赶紧 担心 非常 单元".split()
)
_OLD_NUMBER = re.compile(r"^[0-9零〇一二三四五六七八九十两百千万]+[点时号天年月日个次楼层]?$")


def star_topics(messages, *, threshold=0.2, min_size=2, max_topics=20, n_terms=5):
    """The method shipped until 2 December: jieba words + character bigrams fitted on the
    messages alone, greedy star clustering at 0.2 (a centre takes every neighbour >= 0.2)."""
    messages = [(mid, t or "") for mid, t in messages if (t or "").strip()]
    if len(messages) < max(min_size, 1):
        return []
    docs = [textmod.normalise(t) for _, t in messages]
    word_vec = TfidfVectorizer(
        tokenizer=content_words, lowercase=False, token_pattern=None, sublinear_tf=True
    )
    char_vec = TfidfVectorizer(
        analyzer="char", preprocessor=textmod.chars, ngram_range=(2, 2), sublinear_tf=True
    )
    try:
        W, names = word_vec.fit_transform(docs).tocsr(), word_vec.get_feature_names_out()
    except ValueError:
        W, names = csr_matrix((len(docs), 1)), np.array([""])
    try:
        C = char_vec.fit_transform(docs)
    except ValueError:
        C = csr_matrix((len(docs), 1))
    X = normalize(hstack([W, C]).tocsr())
    neighbours = []
    for start in range(0, X.shape[0], 1000):
        sims = (X[start : start + 1000] @ X.T).toarray()
        for row, i in enumerate(range(start, min(start + 1000, X.shape[0]))):
            near = np.flatnonzero(sims[row] >= threshold)
            neighbours.append(near[near != i])
    taken = np.zeros(len(messages), dtype=bool)
    groups = []
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
    out = []
    for g in groups:
        sub = X[g]
        rep = g[int(np.argmax(np.asarray((sub @ sub.T).sum(axis=1)).ravel()))]
        weights = np.asarray(W[g].sum(axis=0)).ravel()
        ranked = (str(names[i]) for i in np.argsort(-weights) if weights[i] > 0)
        ok = (w for w in ranked if w and w not in _OLD_FILLER and not _OLD_NUMBER.match(w))
        out.append(
            topicsmod.Topic(
                size=len(g),
                member_ids=tuple(messages[i][0] for i in g),
                representative_id=messages[rep][0],
                representative_text=messages[rep][1],
                top_terms=tuple(itertools.islice(ok, n_terms)),
            )
        )
    return out


def shipped(threshold: float | None = None, attach: float | None = -1.0) -> Cluster:
    """The shipped method, or with another threshold / attach threshold (None: no attaching)."""
    fn = topicsmod.hot_topics  # bench_demo patches the module's name for a while
    options = {} if threshold is None else {"threshold": threshold}
    if attach != -1.0:
        options["attach"] = attach
    return lambda messages, **kw: fn(messages, **options, **kw)


# --------------------------------------------------------------------------- measures
def cpu(fn):
    c0 = time.process_time()
    out = fn()
    return out, time.process_time() - c0


def clustering_scores(topics, gold: dict[Hashable, str], *, recall: bool = True) -> dict:
    """B-cubed and pairwise precision/recall against `gold` labels (messages in no topic are
    their own cluster) and purity of the messages in topics."""
    cluster_of: dict[Hashable, int] = {}
    for k, t in enumerate(topics):
        for mid in t.member_ids:
            cluster_of[mid] = k
    ids = [mid for mid in gold]
    cluster = {mid: cluster_of.get(mid, ("single", mid)) for mid in ids}
    by_cluster: dict = {}
    for mid in ids:
        by_cluster.setdefault(cluster[mid], []).append(gold[mid])
    label_size = Counter(gold[mid] for mid in ids)
    both = {key: Counter(labels) for key, labels in by_cluster.items()}
    p = r = 0.0
    for mid in ids:
        same = both[cluster[mid]][gold[mid]]
        p += same / len(by_cluster[cluster[mid]])
        r += same / label_size[gold[mid]]
    bp, br = p / len(ids), r / len(ids)
    pairs_in_clusters = sum(len(v) * (len(v) - 1) / 2 for v in by_cluster.values())
    true_pairs_in_clusters = sum(n * (n - 1) / 2 for c in both.values() for n in c.values())
    true_pairs = sum(n * (n - 1) / 2 for n in label_size.values())
    in_topics = [labels for key, labels in by_cluster.items() if not isinstance(key, tuple)]
    members = sum(len(v) for v in in_topics)
    out = {
        "topics": len(in_topics),
        "messages_in_topics": members,
        "purity": round(sum(Counter(v).most_common(1)[0][1] for v in in_topics) / members, 4)
        if members
        else None,
        "pairwise_precision": round(true_pairs_in_clusters / pairs_in_clusters, 4)
        if pairs_in_clusters
        else None,
    }
    if recall:
        out["pairwise_recall"] = round(true_pairs_in_clusters / true_pairs, 4)
        out["bcubed_precision"] = round(bp, 4)
        out["bcubed_recall"] = round(br, 4)
        out["bcubed_f1"] = round(2 * bp * br / (bp + br), 4) if bp + br else 0.0
    return out


def pair_recall(topics, pairs: list[tuple[Hashable, Hashable]]) -> float:
    cluster_of = {mid: k for k, t in enumerate(topics) for mid in t.member_ids}
    together = sum(1 for a, b in pairs if a in cluster_of and cluster_of.get(b) == cluster_of[a])
    return round(together / len(pairs), 4) if pairs else 0.0


def label_report(topics, n: int = 10) -> list[dict]:
    return [
        {
            "size": t.size,
            "terms": list(t.top_terms),
            "representative": t.representative_text.replace("\n", " ")[:30],
        }
        for t in topics[:n]
    ]


def read_dicts(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


# --------------------------------------------------------------------------- 1. seed corpus
def bench_seed(method: Cluster) -> dict:
    rows = read_rows(BACKGROUND_CORPUS)
    messages = [(r.id, f"{r.title}\n{r.text}") for r in rows]
    gold = {r.id: r.label for r in rows}
    pairs = []
    for p in read_dicts(PAIRS_FILE):
        a, b = f"{p['id']}a", f"{p['id']}b"
        messages += [(a, f"{p['a_title']}\n{p['a_text']}"), (b, f"{p['b_title']}\n{p['b_text']}")]
        pairs.append((a, b))
    topics, seconds = cpu(lambda: method(messages, max_topics=None))
    seed_only = [_restrict(t, gold) for t in topics]  # the pairs have no category
    out = clustering_scores(seed_only, gold, recall=False)
    out["same_matter_pair_recall"] = pair_recall(topics, pairs)
    out["cpu_seconds"] = round(seconds, 2)
    return out


def _restrict(topic, keep: dict):
    members = tuple(m for m in topic.member_ids if m in keep)
    return topicsmod.Topic(len(members), members, topic.representative_id, "", ())


# --------------------------------------------------------------------------- 2. demo street
def demo_setup(db: str | None) -> bool:
    if db:
        os.environ["SQLITE_PATH"] = db
    if not os.environ.get("SQLITE_PATH") or not Path(os.environ["SQLITE_PATH"]).exists():
        return False
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    import django

    django.setup()
    return True


def bench_demo(method: Cluster) -> dict:
    from django.utils import timezone

    from gongzhi.cases import triage_topics
    from gongzhi.cases.models import Case

    end = timezone.now()
    start = end - dt.timedelta(days=90)
    cases = Case.objects.all()
    original = topicsmod.hot_topics
    topicsmod.hot_topics = method  # hot_topics_for imports it from the module at each call
    try:
        # As the page asks (20 topics), twice: the first call also loads jieba and the corpus.
        triage_topics.hot_topics_for(cases, start=start, end=end)
        shown, seconds = cpu(lambda: triage_topics.hot_topics_for(cases, start=start, end=end))
        every = triage_topics.hot_topics_for(cases, start=start, end=end, max_topics=10_000)
    finally:
        topicsmod.hot_topics = original
    in_window = triage_topics._in_window(cases, start, end)
    gold = dict(in_window.values_list("pk", "title"))
    mixed = []
    for t in every:
        titles = Counter(gold[c.pk] for c in t.cases)
        if len(titles) > 1:
            mixed.append(dict(titles.most_common()))
    scores = clustering_scores(_as_topics(every), gold)
    return {
        "cases_in_window": len(gold),
        "matters_in_window": len(set(gold.values())),
        "selector_cpu_seconds": round(seconds, 3),
        **scores,
        "mixed_topics": mixed[:10],
        "top10": [
            {
                "size": t.size,
                "terms": list(t.top_terms),
                "representative": t.representative.replace("\n", " ")[:30],
                "titles": dict(Counter(gold[c.pk] for c in t.cases).most_common(3)),
            }
            for t in shown[:10]
        ],
    }


def _as_topics(hot) -> list:
    return [
        topicsmod.Topic(t.size, tuple(c.pk for c in t.cases), None, "", t.top_terms) for t in hot
    ]


# --------------------------------------------------------------------------- 3. tipdm
def bench_tipdm(method: Cluster, data: Path, *, labels: bool = True) -> dict:
    hot = read_dicts(data / "hot_topics.csv")
    messages = [(m["id"], m["title"] + "\n" + m["text"]) for m in hot]
    topics, seconds = cpu(lambda: method(messages, max_topics=None))
    by_title: dict[str, dict[str, str]] = {}
    for m in hot:
        by_title.setdefault(m["title"].strip(), {}).setdefault(m["text"].strip(), m["id"])
    pairs = [
        tuple(list(texts.values())[:2]) for title, texts in by_title.items() if len(texts) >= 2
    ]
    out = {
        "hot_messages": len(messages),
        "hot_cpu_seconds": round(seconds, 2),
        "hot_topics": len(topics),
        "hot_messages_in_topics": sum(t.size for t in topics),
        "hot_largest_sizes": [t.size for t in topics[:10]],
        "same_title_pairs": len(pairs),
        "same_title_pair_recall": pair_recall(topics, pairs),
    }
    if labels:
        out["hot_top10"] = label_report(topics)
    train = read_rows(data / "train.csv")
    messages = [(r.id, f"{r.title}\n{r.text}") for r in train]
    topics = method(messages, max_topics=None)
    scores = clustering_scores(topics, {r.id: r.label for r in train}, recall=False)
    out.update({f"train_{k}": v for k, v in scores.items()})
    return out


# --------------------------------------------------------------------------- report
def markdown(result: dict) -> str:
    lines = []
    methods = [m for m in ("old", "new") if m in result]
    if not methods:
        return ""
    rows = [
        ("seed: topics / messages in topics", "seed", ("topics", "messages_in_topics")),
        ("seed: category purity / pairwise precision", "seed", ("purity", "pairwise_precision")),
        ("seed: same-matter pairs together (20)", "seed", ("same_matter_pair_recall",)),
        ("demo 90 days: topics / messages in topics", "demo", ("topics", "messages_in_topics")),
        ("demo: purity (matter)", "demo", ("purity",)),
        ("demo: B-cubed P / R / F1", "demo", ("bcubed_precision", "bcubed_recall", "bcubed_f1")),
        ("demo: pairwise P / R", "demo", ("pairwise_precision", "pairwise_recall")),
        ("demo: selector CPU s (20 topics)", "demo", ("selector_cpu_seconds",)),
        ("tipdm hot_topics: topics / in topics", "tipdm", ("hot_topics", "hot_messages_in_topics")),
        ("tipdm hot_topics: CPU s", "tipdm", ("hot_cpu_seconds",)),
        ("tipdm same-title pairs together", "tipdm", ("same_title_pair_recall",)),
        (
            "tipdm train: category purity / pairwise precision",
            "tipdm",
            ("train_purity", "train_pairwise_precision"),
        ),
        ("tipdm train: topics / in topics", "tipdm", ("train_topics", "train_messages_in_topics")),
    ]
    lines += ["| measure | " + " | ".join(methods) + " |", "|---" * (len(methods) + 1) + "|"]
    for title, part, keys in rows:
        cells = []
        for m in methods:
            got = result[m].get(part)
            cells.append(" / ".join(str(got.get(k)) for k in keys) if got else "–")
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    for m in methods:
        demo = result[m].get("demo")
        if demo:
            lines += ["", f"Demo street, top 10 topics of 90 days ({m}):", ""]
            lines += ["| size | label words | representative (30 characters) |", "|---|---|---|"]
            for t in demo["top10"]:
                lines.append(f"| {t['size']} | {' '.join(t['terms'])} | {t['representative']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--demo-db", help="SQLite file with seed_demo (default: $SQLITE_PATH)")
    parser.add_argument("--only", nargs="*", help="seed demo tipdm")
    parser.add_argument("--sweep", action="store_true", help="other thresholds as well")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    parts = set(args.only or ["seed", "demo", "tipdm"])
    have_tipdm = (args.data / "hot_topics.csv").exists() and (args.data / "train.csv").exists()
    have_demo = "demo" in parts and demo_setup(args.demo_db)
    result: dict = {"threshold": topicsmod.TOPIC_THRESHOLD, "skipped": []}
    if not have_tipdm:
        result["skipped"].append(f"tipdm data not found at {args.data}")
    if "demo" in parts and not have_demo:
        result["skipped"].append("demo: no SQLite file (--demo-db or SQLITE_PATH with seed_demo)")
    runs: list[tuple[str, Cluster]] = [("old", star_topics), ("new", shipped())]
    if args.sweep:
        runs += [(f"new@{t}", shipped(t)) for t in SWEEP]
        runs += [(f"new@{t} no attach", shipped(t, None)) for t in SWEEP]
        runs += [(f"new@{t} attach {a}", shipped(t, a)) for t in SWEEP for a in ATTACH_SWEEP]
    for name, method in runs:
        print(f"… {name}", file=sys.stderr, flush=True)
        got: dict = {}
        if "seed" in parts:
            got["seed"] = bench_seed(method)
        if have_demo:
            got["demo"] = bench_demo(method)
        if have_tipdm and "tipdm" in parts:
            got["tipdm"] = bench_tipdm(method, args.data, labels=name in ("old", "new"))
        result[name] = got
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(json.dumps(result, ensure_ascii=False, indent=2))
    print()
    print(markdown(result))


if __name__ == "__main__":
    main()
