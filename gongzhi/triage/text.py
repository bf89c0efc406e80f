"""Text normalisation and Chinese tokenisation for triage.

Words come from jieba's dictionary and algorithm, run by rjieba (jieba-rs, the Rust port): on
the TipDM messages it segments exactly as Python jieba does (HMM off), about 15 times faster,
and loads its dictionary in 0.1 s instead of 0.7 s. Python jieba remains the fallback where
rjieba is missing. Either way we use our own tokenizer instance, so the domain words we add
(业委会, 电梯困人 …) never change how other code in the process segments text.
"""

from __future__ import annotations

import importlib.util
import logging
import re
import threading
import unicodedata
from pathlib import Path

try:
    import rjieba
except ImportError:  # pragma: no cover - platforms without a rjieba wheel
    rjieba = None

MAX_CHARS = 10_000

# Words residents use that jieba's general dictionary splits badly.
DOMAIN_WORDS = (
    "业委会",
    "业主委员会",
    "业主大会",
    "物业费",
    "物业公司",
    "物业管理",
    "维修基金",
    "维修资金",
    "公共收益",
    "电梯困人",
    "燃气泄漏",
    "煤气味",
    "天然气",
    "消防通道",
    "消防栓",
    "灭火器",
    "飞线充电",
    "电动车",
    "充电桩",
    "高空抛物",
    "违章搭建",
    "违建",
    "化粪池",
    "下水道",
    "二次供水",
    "水箱",
    "停车位",
    "车位",
    "地下车库",
    "门禁",
    "监控",
    "广场舞",
    "装修噪音",
    "楼栋长",
    "网格员",
    "红色物业",
    "开裂",
    "渗水",
    "漏水",
    "爆管",
    "跳闸",
)

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
# A token worth keeping: contains a CJK character, a latin letter or is a number placeholder.
_KEEP = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z]|^0$")

# Function words that carry no topic; kept short on purpose (the TF-IDF weighting does the rest).
STOPWORDS = frozenset(
    "的 了 是 在 我 我们 你 你们 他 她 它 他们 和 与 及 或 也 都 就 还 又 很 非常 这 那 这个 那个"
    " 一个 有 没有 被 把 让 给 对 从 到 为 为了 因为 所以 但是 但 而且 如果 请 谢谢 您好 你好 希望"
    " 能 能够 可以 会 要 已经 一直 现在 目前 今天 昨天 一下 什么 怎么 如何 吗 呢 吧 啊 呀 哦 嗯"
    " 着 过 个 些 等 上 下 中 里 后 前 时 时候 问题 情况 反映 相关 部门".split()
)

# Words that say how much, how often, when, where in general or who, not what a message is
# about: poor reasons to show for a suggestion ("很大", "我家", "可能") and poor topic labels.
# Explanations and labels only; the model's features keep them (its F1 is measured with them).
FILLER_WORDS = frozenset(
    "很大 很多 太大 太多 及时 有人 没人 经常 总是 每天 天天 长期 多次 好几 几次 严重 影响 导致"
    " 晚上 早上 白天 半夜 凌晨 中午 下午 上午 最近 近期 之前 以前 以后 马上 尽快 立即 一些 所有"
    " 不能 不是 无法 还是 而且 然后 并且 已经 直接 处理 解决 联系 要求 麻烦 一下 看看"
    " 这样 那样 之间 突然 好像 大家 我家 里面 赶紧 担心 非常 单元"
    " 属于 问题 情况 反映 小区 业主 住户 居民 一户 本人 自己 我们 他们 请问 是否 到底 这种"
    " 未经 看不见 下楼 上下楼 单元楼 存在 出现 发现 进行 没有 时间 目前 现在 今天 本周 一直"
    " 造成 希望 相关 有关 部门 领导 市民 群众 给予 予以 请求 恳请 谢谢"
    " 容易 附近 打开 清楚 不明 几乎 门外 旁边 周围 一样 完全 根本 只能"
    " 可能 还有 感觉 觉得 知道 不敢 开灯 在家 家里 随时 哪家 很浓 半小时 东西 地方 时候"
    " 栋 幢 层 室 号 户 需要 应该 能不能 怎么办 回来 出来 起来 过来 上去 下来 看到 听到"
    " 告诉 说是 这边 那边".split()
)
# English function words and where-words (building, floor): messages in English are compared
# for duplicates and topics on what they are about, not on "the" and "building" (two English
# messages formed a topic labelled "building / the"). Not used by the category model.
ENGLISH_STOPWORDS = frozenset(
    "a an the and or but if then so of in on at to for from by with about as into over under"
    " is are was were be been being am do does did have has had will would can could should"
    " may might must shall not no yes it its this that these those there here i me my we our"
    " you your he him his she her they them their what which who whom when where why how all"
    " any some very too also just please thanks thank hello hi dear sir madam again still now"
    " today yesterday up down out off than more most much many one two three get got"
    " building buildings block floor floors room unit flat apartment no. number".split()
)
# jieba part-of-speech tags of such words: pronouns (我家, 哪家), numerals and measure words
# (三个), adverbs (随时, 不敢), locality and place words (里面, 家里), time words, idioms and
# set phrases (很浓), distinguishing words (半小时), adjectives (很大), function words.
_FILLER_TAGS = frozenset(
    "r rr rz ry m mq q d dg f s t tg l b a ad ag p c u ul uj uz e y o x".split()
)
# A number with a measure word or a unit of time: "三个", "两天", "10分钟".
_COUNTED = re.compile(
    r"^[0-9零〇一二三四五六七八九十两百千万半几多]+[个次天年月日号点分秒层楼栋户人家名位条块辆台只件周]"
)

_lock = threading.Lock()
_cut = None  # (text) -> list[str], built on first use


def normalise(text: str) -> str:
    """NFKC (full-width → half-width), lower case, one space between words, at most MAX_CHARS."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = _SPACE.sub(" ", text).strip()
    return text[:MAX_CHARS]


def cjk_count(text: str, *, distinct: bool = False) -> int:
    found = _CJK.findall(text or "")
    return len(set(found)) if distinct else len(found)


def combine(title: str, text: str) -> str:
    """The document the model sees: the title carries the gist, so it is repeated once."""
    title = (title or "").strip()
    if not title:
        return normalise(text)
    return normalise(f"{title}。{title}。{text}")


def _python_jieba_cut():
    import jieba

    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict …" on stderr
    tok = jieba.Tokenizer()
    tok.initialize()
    for word in DOMAIN_WORDS:
        tok.add_word(word, freq=20000)
    return lambda text: tok.lcut(text, HMM=False)


def _get_cut():
    """The segmenter, built once per process (dictionary load is the expensive part)."""
    global _cut
    if _cut is None:
        with _lock:
            if _cut is None:
                if rjieba is None:
                    _cut = _python_jieba_cut()
                else:
                    tok = rjieba.Jieba()
                    for word in DOMAIN_WORDS:
                        tok.add_word(word, 20000, None)
                    _cut = lambda text: tok.cut(text, False)  # noqa: E731 (HMM off)
    return _cut


def words(text: str) -> list[str]:
    """jieba words of normalised text, numbers collapsed to "0", punctuation and stopwords dropped.

    A module-level function (not a lambda) so fitted vectorizers pickle with joblib. No HMM
    new-word discovery: it costs a quarter of the time and the character n-grams already cover
    words jieba does not know.
    """
    text = _DIGITS.sub(" 0 ", text)
    out = []
    for tok in _get_cut()(text):
        tok = tok.strip()
        if tok and tok not in STOPWORDS and _KEEP.search(tok):
            out.append(tok)
    return out


def chars(text: str) -> str:
    """Text for the character n-gram view: digits collapsed, spaces and punctuation removed."""
    text = _DIGITS.sub("0", text)
    return "".join(ch for ch in text if ch.isalnum())


def char_grams(text: str, lo: int = 1, hi: int = 2) -> list[str]:
    """Character n-grams (lo..hi) of `chars(text)`: the analyzer of the character view.

    Built here rather than by scikit-learn's char analyzer, which re-normalises whitespace and
    costs three times as much per message. Module-level so fitted vectorizers pickle.
    """
    s = chars(text)
    grams = list(s) if lo == 1 else []
    for n in range(max(lo, 2), hi + 1):
        grams.extend(s[i : i + n] for i in range(len(s) - n + 1))
    return grams


_filler_tagged: frozenset[str] | None = None  # words jieba's dictionary tags as filler


def _tagged_as_filler() -> frozenset[str]:
    """The words jieba's dictionary (the one rjieba also ships) tags with a filler tag, read
    once per process: a scan of the file, a fraction of the time jieba.posseg takes to load."""
    global _filler_tagged
    if _filler_tagged is None:
        with _lock:
            if _filler_tagged is None:
                spec = importlib.util.find_spec("jieba")
                path = Path(spec.origin).parent / "dict.txt" if spec and spec.origin else None
                if path is None or not path.exists():  # pragma: no cover - jieba is installed
                    _filler_tagged = frozenset()
                else:
                    tags = "|".join(sorted(_FILLER_TAGS))
                    line = re.compile(rf"^(\S+) \d+ (?:{tags})$", re.M)
                    _filler_tagged = frozenset(line.findall(path.read_text(encoding="utf-8")))
    return _filler_tagged


def explains(word: str) -> bool:
    """Whether a word may be shown as a reason for a suggestion: a word about what the message
    is about (nouns, verbs: 电梯, 漏水, 维修), not filler (很大, 我家, 三个, 随时, 里面). Words
    jieba's dictionary does not list (our domain words, 异响) are kept."""
    if not word or word in FILLER_WORDS or word in STOPWORDS or _COUNTED.match(word):
        return False
    return bool(_CJK.search(word)) and word not in _tagged_as_filler()
