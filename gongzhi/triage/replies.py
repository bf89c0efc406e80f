"""Draft public replies for resolved cases, from the replies to the most similar closed cases.

The draft is for staff to edit before anything is published (G3): it reuses the substance of
the closest earlier reply, drops that reply's own greeting and thanks, puts this message's
building where the earlier one named its own, and masks phone numbers and ID numbers it may
contain. It is meant for the public (S9), and the earlier reply was about someone else's
matter: its compound becomes this case's, its numbered places (24号门岗) and counts (5盏)
become this message's or neutral words (相关门岗), and a sentence naming a person (李桂香女士)
loses the name after a role (楼长李桂香女士 → 楼长) or is dropped, as is a sentence where
something was removed ("[已隐去]"): a sentence left out reads better than a broken one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gongzhi.triage.names import name_spans
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


# What a caller's masking leaves where it removed something (core.masking.REMOVED; triage
# imports nothing else of the project): such a sentence is not drafted.
REMOVED_MARKERS = ("[已隐去]",)
_CN_NUMBER = "两二三四五六七八九十百"
# A numbered place of the compound: 24号门岗, 3号门, 2号泵房 (号楼 is a building: _PLACE).
_NUMBERED_PLACE = re.compile(
    rf"(?<![\d{_CN_NUMBER}一])(?:\d+|[一{_CN_NUMBER}]+)号"
    r"(门岗|岗亭|大门|侧门|小门|门|电梯|车位|车库|泵房|配电房|机房|出入口|入口|出口|通道|地下室|垃圾站)"
)
# A count of things: 5盏, 两台, 12户 (not a time, an amount or a building: 3天, 300元, 6栋).
_COUNT = re.compile(
    rf"(?<![\d{_CN_NUMBER}一.第])(?:\d+|[{_CN_NUMBER}]+)"
    r"(盏|台|辆|棵|株|根|处|只|户|名|位|袋|桶|扇|部|套|把|张|条|个(?!月|小时|工作日|星期|礼拜|钟头|半))"
)
# What a count stands for when it ends the phrase (损坏的5盏。): 损坏的路灯.
_COUNTED = {"盏": "路灯", "台": "设备", "辆": "车辆", "棵": "树木", "株": "树木", "户": "住户"}
_CJK = re.compile(r"[\u4e00-\u9fff]")
# A person named after their role (楼长李桂香女士, 维修师傅刘建国师傅): the role is enough.
_ROLE_BEFORE = re.compile(
    r"(师傅|楼长|网格员|经理|书记|主任|社工|保安|保洁员|保洁|管家|民警|工作人员|干部|志愿者|队长"
    r"|组长|负责人|委员|电工|维修工|工程师|客服|业主|居民)$"
)
# A person named by a staff title alone (张师傅已上门) is 工作人员; a resident (女士, 阿姨…)
# drops the sentence.
_STAFF_TITLES = ("师傅", "楼长", "经理", "书记", "主任", "队长", "组长", "管家", "老师")


# A date or a time of the earlier case (11月21日, 2026年11月3日下午3点, 2026-11-21, 于14:30):
# this case's work was done on another day, so it becomes 〔日期〕 for staff to fill in, unless
# this message names the same. A rule's hours (工作日8:00—12:00施工) stay.
_DAY_PART = r"(?:上午|下午|晚上|早上|中午|凌晨|傍晚|夜间)"
_CLOCK = rf"{_DAY_PART}?\d{{1,2}}(?:[:：]\d{{2}}|[点时](?:\d{{1,2}}分|半)?)"
_DATE = re.compile(
    rf"(?:(?:\d{{4}}年)?\d{{1,2}}月\d{{1,2}}[日号]|\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}"
    rf"|(?<=[于在])\d{{1,2}}[日号](?!\d))(?:{_CLOCK}|{_DAY_PART})?"
    rf"|(?<=[于在]){_CLOCK}"
)


def _own_dates(sentence: str, message: str) -> str:
    """The earlier case's dates and times become 〔日期〕 (kept when this message names them)."""
    return _DATE.sub(lambda m: m.group(0) if m.group(0) in message else "〔日期〕", sentence)


def _without_people(sentence: str) -> str | None:
    for start, end in reversed(name_spans(sentence)):
        if _ROLE_BEFORE.search(sentence[:start]):
            sentence = sentence[:start] + sentence[end:]
        elif sentence[start:end].endswith(_STAFF_TITLES):
            sentence = sentence[:start] + "工作人员" + sentence[end:]
        else:
            return None
    return sentence


def _own_places(sentence: str, message: str) -> str:
    """The earlier case's numbered places become this message's (or 相关门岗)."""

    def place(m: re.Match[str]) -> str:
        if m.group(0) in message:
            return m.group(0)
        noun = m.group(1)
        own = (o.group(0) for o in _NUMBERED_PLACE.finditer(message) if o.group(1) == noun)
        return next(own, "相关" + noun)

    return _NUMBERED_PLACE.sub(place, sentence)


def _own_counts(sentence: str, message: str) -> str | None:
    """The earlier case's counts become this message's (路灯坏了4盏: 4盏), or go (5盏路灯:
    路灯; 损坏的5盏: 损坏的路灯); None when the sentence cannot do without one."""
    broken = False

    def count(m: re.Match[str]) -> str:
        nonlocal broken
        if m.group(0) in message:
            return m.group(0)
        unit = m.group(1)
        own = [o.group(0) for o in _COUNT.finditer(message) if o.group(1) == unit]
        if len(set(own)) == 1:
            return own[0]
        after = sentence[m.end() : m.end() + 1]
        if _CJK.match(after) and after not in "的已均都":
            return ""  # 5盏路灯 → 路灯
        if unit in _COUNTED:
            return _COUNTED[unit]
        broken = True
        return m.group(0)

    out = _COUNT.sub(count, sentence)
    return None if broken else out


def _compound_names(names: Sequence[str]) -> re.Pattern[str] | None:
    names = sorted({n for n in names if n and len(n) >= 2}, key=len, reverse=True)
    if not names:
        return None
    # With the building right after it: 南湖景苑6栋 is not this compound's 6栋.
    return re.compile(f"({'|'.join(re.escape(n) for n in names)})({_PLACE.pattern})?")


_CLAUSE = re.compile(r"[^，,]+[，,]?")
_END = ("。", "！", "？", "!", "?", "；", ";")


def _for_this_case(
    sentence: str, message: str, compounds: re.Pattern[str] | None, compound: str, place: str
) -> str | None:
    """`sentence` of an earlier reply made fit for this case's public reply, or None.

    A clause that cannot be made fit (something was removed from it, a resident is named in
    it, it needs the earlier count) is left out: "已电话联系[已隐去]（[已隐去]），维修人员已更换
    楼道灯。" becomes "维修人员已更换楼道灯。"."""
    for marker in REMOVED_MARKERS:  # an aside that held only what was removed goes whole
        sentence = re.sub(rf"[（(][^（）()]*{re.escape(marker)}[^（）()]*[）)]", "", sentence)
    if compounds is not None:
        sentence = compounds.sub(
            lambda m: (
                m.group(0)
                if m.group(1) == compound
                else (compound or "本小区") + ((place or "〔楼栋〕") if m.group(2) else "")
            ),
            sentence,
        )
    sentence = _own_dates(_own_places(sentence, message), message)
    end = sentence[-1] if sentence.endswith(_END) else "。"
    kept = []
    for clause in _CLAUSE.findall(sentence.rstrip("".join(_END))):
        if any(marker in clause for marker in REMOVED_MARKERS):
            continue
        counted = _own_counts(clause, message)
        fit = None if counted is None else _without_people(counted)
        if fit and fit.strip("，, "):
            kept.append(fit)
    if not kept:
        return None
    return "".join(kept).rstrip("，, ") + end


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
# their buildings made this message's, their dates 〔日期〕, near-identical sentences once, none
# repeating the opening or closing); bump it when the method changes. Shown beside every
# draft (G3).
VERSION = "reply-char23-tfidf-top3-v5"
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
    compounds: Sequence[str] = (),
    compound: str = "",
) -> Draft:
    """A draft reply for `text`, from `closed` (message, reply) pairs; a template if none is close.

    The closest reply gives the body; up to two more of the k closest add sentences it lacks
    (not near-identical to one it has), only when they are nearly as close (≥ 80 % of the best
    similarity). `compounds` are the names of the street's compounds: any but `compound` (this
    case's) that an earlier reply names becomes `compound` (or 本小区).
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
    # The opening and closing are added around the body: an earlier reply drafted here
    # carries them too ("如仍有问题，欢迎继续通过平台反映。"), which must not read twice.
    frame = [s.strip() for s in _SENTENCE.findall(OPENING + "\n" + CLOSING)]
    used: list[tuple[int, float]] = []
    place = next((m.group(0) for m in _PLACE.finditer(text)), "")
    names = _compound_names([*compounds, compound])
    for rank, i in enumerate(order):
        if rank and sims[i] < NEARLY_AS_CLOSE * best:
            break
        used.append((kept[i], round(float(sims[i]), 2)))
        message, reply = closed[kept[i]]
        for raw in _body_sentences(_retarget(reply, message, place)):
            sentence = _for_this_case(raw, text, names, compound, place)
            if sentence is None or len(sentence) < 4:
                continue
            if len(body) < MAX_SENTENCES and not _says_the_same(sentence, body + frame):
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
    compounds: Sequence[str] = (),
    compound: str = "",
) -> str:
    """The text alone of `compose_reply`."""
    return compose_reply(
        text, closed, k=k, min_similarity=min_similarity, compounds=compounds, compound=compound
    ).text
