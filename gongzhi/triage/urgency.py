"""Urgency: explicit emergency signs first, then the learned model for urgent vs normal.

Missing an emergency is far worse than a false alarm, so a listed sign (gas smell, fire, people
trapped, burst pipe, collapse, electric shock, violence, a person down) makes the suggestion
"emergency" whatever the model thinks. A sign in a clearly past or hypothetical sentence
("上次电梯困人…", "万一着火怎么办") does not count: the model still sees those words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongzhi.triage.taxonomy import EMERGENCY, NORMAL, URGENT

# "Urgent" is suggested from this probability on, not only when it is the likeliest level: a
# missed urgent case waits days in the normal queue, a false one costs a glance. Chosen by
# 5-fold cross-validation on the seed corpus (two shuffles, 1,946 out-of-fold predictions),
# where it maximised the urgent class's F2: precision 0.70 → 0.61, recall 0.54 → 0.64.
URGENT_FROM = 0.3

# (sign, pattern). The sign is what a person reads as "the words that drove it".
EMERGENCY_SIGNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (sign, re.compile(pattern))
    for sign, pattern in (
        (
            "燃气泄漏",
            # A bare 漏气 is gas unless the sentence is about a tyre, a ball or an air mattress.
            # "厨房闻到燃气，好像漏了": 漏了 said of gas.
            r"(燃气|煤气|天然气|液化气)[^。！？]{0,8}(泄漏|泄露|漏气|冒气|漏了)"
            r"|^(?![^。！？]*(胎|气球|充气|打气|气垫|游泳圈))[^。！？]*漏气",
        ),
        (
            "燃气味",
            r"(煤气|燃气|天然气|液化气)(的)?(味|气味|臭味)|臭鸡蛋味|像臭鸡蛋"
            r"|(燃气|煤气)[^。！？]{0,10}(嘶嘶|臭味)"
            # "闻到一股气味，好像是煤气": a smell someone takes for gas
            r"|(味|闻到)[^。！？]{0,8}(像|好像|是)[^。！？]{0,3}(煤气|燃气|天然气|液化气)"
            # "厨房闻到燃气": the gas itself smelled
            r"|闻(到|见)[^。！？]{0,4}(煤气|燃气|天然气|液化气)",
        ),
        (
            "起火",
            r"起火|(?<!打不)(?<!点不)着火|失火|火灾(?!隐患|的时候)|火苗|火势|烧起来|燃起来|自燃",
        ),
        ("冒烟", r"冒(黑|白|浓)?烟|浓烟|黑烟|焦糊味|烧焦"),
        ("火花", r"(冒|打|噼啪)[^。！？]{0,3}火花|火花"),
        (
            "电梯困人",
            r"电梯困人|(困|关|卡)在电梯|被困(在)?电梯|电梯[^。！？]{0,12}(困|卡)[^。！？]{0,8}人"
            # "电梯停了，我妈关在里面出不来"
            r"|电梯[^。！？]{0,12}(关|困|卡)在(里面|里头|里边)"
            # "电梯突然停在8楼和9楼之间，里面困了两个老人"
            r"|电梯[^。！？]{0,24}(里面|里头|里边|轿厢里?)(困|关|卡)(了|着|住)[^。！？]{0,6}人",
        ),
        (
            "人被困",
            r"被困在里面|困在里面|人没出来|还有人没出来|(关|困)在(里面|里头)[^。！？]{0,3}出不来",
        ),
        ("电梯坠落", r"电梯[^。！？]{0,10}(坠落|下坠|溜梯|往下掉|滑到|掉了好几层)"),
        ("夹人", r"(门|电梯)[^。！？]{0,4}夹(住|伤)?[^。！？]{0,4}(人|腿|手|脚)"),
        (
            "水管爆裂",
            r"(?<!污)(水管|管道|主管|进水管|供水管|消防水管)[^。！？]{0,4}(爆裂|爆了|破裂|爆管)|爆管",
        ),
        (
            "大量漏水",
            r"大量漏水|水漫楼道|淹到(膝盖|腰)|往下灌|水哗哗|涌出来"
            # "天花板一直往下流水，家里都淹了": water pouring in, a home flooded
            r"|(一直|不停|不断|哗哗)[^。！？]{0,3}往下(流|淌|冒|喷)水"
            r"|(家里|屋里|房间|客厅|卧室|厨房|卫生间|屋子)[^。！？]{0,3}(都|全|全部|已经)?(被)?淹了",
        ),
        (
            "倒塌风险",
            r"倒塌|坍塌|塌陷|塌了|要塌|随时(会|可能|要|都会|都要|都可能|就会)(掉|倒|塌)|快倒了|往下掉东西"
            # "小区围墙歪了": a wall leaning
            r"|(围墙|墙体|挡土墙|山墙|女儿墙|院墙)[^。！？]{0,4}(歪了|倾斜|外鼓|鼓出来)",
        ),
        (
            "墙体开裂",
            r"(墙|墙体|山墙|楼板)[^。！？]{0,6}(裂缝|开裂)[^。！？]{0,12}(越来越|变宽|响声|咔)",
        ),
        ("高处坠物", r"砸碎|砸伤|砸中|砸到了|砸坏|砸在[^。！？]{0,4}(人|头|身|雨棚|门口)"),
        ("触电", r"触电|被电(了|倒|到|一下)|漏电|带电|电线[^。！？]{0,6}(冒火|着火|断落|断了)"),
        (
            "持刀/斗殴",
            r"持刀|拿着(刀|菜刀|酒瓶)|持械|砍人|已经动手|动起手|(?<!差点)(?<!差一点)打起来|流血",
        ),
        (
            "人身危险",
            r"跳楼|闯入(家|我家|屋)|翻进来|翻进(我家|家里|屋)|掉进去|压住(了)?(人|一个)|站不起来",
        ),
        (
            "急症",
            r"摔倒(在家|在地|了?起不来|无法起身)|晕倒|昏迷|心脏病|打了120|救护车|喘不上气|救命",
        ),
        ("井盖缺失", r"井盖[^。！？]{0,4}(不见|丢失|丢了|没了|被偷)"),
        ("儿童走失", r"(孩子|小孩|儿子|女儿)[^。！？]{0,6}(走失|找不到|不见了)"),
    )
)

# The same signs in English (a resident, a visitor or a foreign tenant writing in English): the
# category model reads Chinese only, but an emergency must not wait for a translation. Matched
# ignoring case, each named by its Chinese sign as above.
ENGLISH_SIGNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (sign, re.compile(pattern, re.IGNORECASE))
    for sign, pattern in (
        ("燃气泄漏", r"\bgas (leak|is leaking|escaping)|\bleak(ing)? gas\b"),
        ("燃气味", r"\bsmell(s|ing)? (of )?gas\b|\bgas smell|\bsmells? like gas\b"),
        (
            "起火",
            r"\b(on fire|caught fire|in flames|flames)\b"
            r"|\bfire\b(?! (extinguisher|exit|door|drill|hydrant|alarm test|safety|escape|lane))",
        ),
        ("冒烟", r"\b(?<!no )smok(e|ing)\b(?! (alarm|detector))|\bburning smell\b"),
        ("火花", r"\bsparks?\b|\bsparking\b"),
        (
            "电梯困人",
            r"\b(trapped|stuck|locked)\b[^.!?]{0,20}\b(lift|elevator)s?\b"
            r"|\b(lift|elevator)s?\b[^.!?]{0,30}\b(trapped|stuck inside)\b",
        ),
        ("人被困", r"\btrapped\b|\b(can ?not|can't|cannot) get out\b"),
        ("水管爆裂", r"\bburst (water )?(pipe|main)s?\b|\bpipe (has )?burst\b"),
        ("大量漏水", r"\bflood(ed|ing|s)?\b|\bwater (is )?(pouring|gushing|rushing)\b"),
        ("倒塌风险", r"\bcollaps(e|ed|es|ing)\b|\babout to fall\b|\bcaved? in\b"),
        ("触电", r"\belectric(al)? shock\b|\belectrocut(ed|ion)\b|\blive wire\b"),
        ("持刀/斗殴", r"\bknife\b|\bstabb(ed|ing)\b|\bfighting\b|\bbleeding\b"),
        (
            "急症",
            r"\bunconscious\b|\bfainted\b|\bheart attack\b|\bambulance\b"
            r"|\b(can't|cannot|can not) breathe\b|\bhelp!",
        ),
    )
)
_NOT_LIVE_EN = re.compile(
    r"\b(last (week|month|year|time)|previously|if|in case|what if|drill|how to|prevent"
    r"|prevention|safety tips?|hazard|news)\b",
    re.IGNORECASE,
)
# English sentences end with a full stop and a space; Chinese text has decimals (1.2元).
_SENTENCE_EN = re.compile(r"[^。！？!?；;\n]+?(?:\.(?=\s|$)|[!?]|$)|[^。！？!?；;\n]+")

# A sentence with one of these is about the past, a question or a precaution, not a live event.
_NOT_LIVE = re.compile(
    r"上次|上周|上个月|去年|以前|之前|曾经|万一|如果|要是|假如|怎么办|演练|宣传|知识|讲座|须知"
    r"|防范|隐患|新闻|真着火"
)
_SENTENCE = re.compile(r"[^。！？!?；;\n]+")
_LATIN = re.compile(r"[A-Za-z]{3}")


@dataclass(frozen=True)
class UrgencyGuess:
    level: str
    confidence: float
    signs: tuple[str, ...]


def emergency_signs(text: str) -> tuple[str, ...]:
    """Emergency signs found in live (not past/hypothetical) sentences, in order of the list."""
    live = [s for s in _SENTENCE.findall(text) if not _NOT_LIVE.search(s)]
    found = []
    for sign, pattern in EMERGENCY_SIGNS:
        if any(pattern.search(sentence) for sentence in live):
            found.append(sign)
    if _LATIN.search(text):
        english = [s for s in _SENTENCE_EN.findall(text) if not _NOT_LIVE_EN.search(s)]
        for sign, pattern in ENGLISH_SIGNS:
            if sign not in found and any(pattern.search(sentence) for sentence in english):
                found.append(sign)
    return tuple(found)


def combine(signs: tuple[str, ...], proba: dict[str, float] | None) -> UrgencyGuess:
    """Rules decide emergency; otherwise the model's most probable level, except that a
    "normal" with an urgent probability of at least `URGENT_FROM` is suggested as urgent.

    A rule hit is reported with at least 0.9 confidence: the signs are chosen to be specific,
    and a person checks every emergency suggestion anyway.
    """
    if signs:
        p = proba.get(EMERGENCY, 0.0) if proba else 0.0
        return UrgencyGuess(EMERGENCY, round(max(0.9, p), 3), signs)
    if not proba:
        return UrgencyGuess(NORMAL, 0.5, ())
    level = max(proba, key=proba.get)
    if level == NORMAL and proba.get(URGENT, 0.0) >= URGENT_FROM:
        level = URGENT
    return UrgencyGuess(level, round(proba[level], 3), ())
