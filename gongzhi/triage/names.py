"""People's names in free text (a neighbour, a caretaker, a building head), for texts that are
shown to others: reply drafts meant for the public and the hot topics' representative messages
(S9, G1). Only names are found here; phones, ids and rooms are masked elsewhere.

jieba's part-of-speech tagger (`jieba.posseg`) marks person names `nr`, but on residents'
messages it also marks a good many ordinary words so (井盖, 门岗, 单元楼, 许可, 杨树, 谢谢): a
word it marks is taken for a name only when it starts with a common surname, is two or three
characters long, is not a common dictionary word (李桂香, 刘建国 and 王建军 are rare there; 许可
and 高峰 are not) and is not on the allow-list below. A surname directly before a form of
address (张师傅, 王阿姨, 李爹爹) is a name whatever jieba says, and so is a surname and one or
two characters right after a word that introduces a person (我是李娜, 业主张伟投诉, 本人欧阳娜娜):
jieba cuts those wrongly (业 / 主张 / 伟) and common names are common words to it.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache

# The most common surnames (a name jieba tags must start with one of them).
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向"
    "汤康施樊葛邢乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿兰焦俞柳祝舒阮柯纪梅凌裴霍涂苗翁冉骆辛靳柴蒙鲍喻祁蒲房滕"
    "屈饶牟艾尤穆卓缪项芦褚娄窦戚岑景党费卜晏柏宗瞿桂佟臧闵苟邬卞姬仇栾隋刁巫寇郎甄仲虞敖巩佘邝"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "令狐", "慕容")
# Forms of address after a name; the name and the form go together (李桂香女士, 张师傅).
TITLES = (
    "师傅",
    "女士",
    "先生",
    "小姐",
    "阿姨",
    "叔叔",
    "大爷",
    "大妈",
    "大姐",
    "大哥",
    "奶奶",
    "爷爷",
    "婆婆",
    "爹爹",
    "嬢嬢",
    "老师",
    "同志",
    "楼长",
    "经理",
    "书记",
    "主任",
    "队长",
    "组长",
    "管家",
)
_TITLE = "|".join(TITLES)
# 向, 任 and 于 before a form of address are words more often than surnames (已向师傅反映,
# 前任主任).
_SURNAME_TITLE = re.compile(rf"[{''.join(sorted(SURNAMES - set('向任于')))}](?:{_TITLE})")
_NICKNAME = re.compile(rf"[小老][{''.join(sorted(SURNAMES))}]$")
# Words jieba tags as names in residents' messages and replies that are not names. (Words
# common in its dictionary, 许可 or 高峰, are rejected by their frequency; these are not.)
ALLOWED = frozenset(
    "杨絮 柳絮 钟点工 钱花 费能 费和 费归 段时间 张贴 马路边 毛毛虫 杨树 柳树 桂花树 黄鹤楼 金桥苑"
    " 高大乔木 车库里 车开进 池 连根 连 管卡 卡充 卡住 施 明沟 查一查 安保 安静 文明 麻将馆 麻乌"
    " 雷雨 江边 高层 高楼 高空 万一 向上 向下 时间 和平 单元楼 景苑 楼栋 门岗 井盖 师傅 阿姨 老师傅"
    " 温度 温水 华锦 房东 房屋 宁静 易燃 程序 管道 包裹 路灯 路面 邢台 石头 方便 方面 常年".split()
)
# A word this common in jieba's dictionary is a word, not a person (刘建国 3, 王建军 5; 张贴 401).
COMMON_WORD_FREQ = 20
# A word starting with a word this common is a phrase jieba guessed at (马上拉), not a name.
COMMON_PREFIX_FREQ = 1000
# A place, not a person: 南湖景苑, 翠微居, 黄鹤楼.
_PLACE_END = tuple("苑园居楼栋院湖城村庄府湾寓厦庭期区路街桥")

_lock = threading.Lock()
_tagger = None


def _pseg():
    global _tagger
    if _tagger is None:
        with _lock:
            if _tagger is None:
                import jieba
                import jieba.posseg

                jieba.setLogLevel(logging.WARNING)
                # Our own tokenizer: the words triage.text adds for segmenting do not change it.
                _tagger = jieba.posseg.POSTokenizer(jieba.Tokenizer())
    return _tagger


# A person introduced: 我是李娜, 我叫司马光明, 本人欧阳娜娜, 业主张伟投诉, 联系人是李红梅. The name
# is a surname and one or two characters that do not start the next words (投诉, 反映, 的, 住…).
# 物业主张, 入住户数, 常住户口 and 根本人手 hold the same characters but introduce no one. After
# 业主, 住户, 租户 and 本人 a verb or a noun usually follows (业主白天上班, 本人孙子), so a name
# there must be followed by a pause or a word that follows a name (投诉, 反映, 说, 的, 家…);
# after 我叫, 联系人 and X是 / X：, a name is what is expected.
_INTRODUCER = (
    r"(?P<intro>我是|我叫|(?<![根基日原])本人|(?<!物)业主|(?<![入常居])住户|租户|联系人)"
    r"(?P<said>[是叫为]?[:：\s]*)"
)
_NOT_GIVEN = (
    "的了是在和与跟及或也都就还又再才已曾被把给让叫向对于从到自为因说讲称反投举诉要想请"
    "不没未无很太最更住家楼栋号室单元门们"
)
_GIVEN = rf"(?![{_NOT_GIVEN}])[\u4e00-\u9fff]"
# 曾, 向, 任 and 于 after these words are words (本人曾多次, 业主向物业反映, 本人于今年).
_INTRODUCED_NAME = re.compile(
    rf"{_INTRODUCER}(?P<name>(?:{'|'.join(COMPOUND_SURNAMES)}|"
    rf"[{''.join(sorted(SURNAMES - set('曾向任于')))}])(?:{_GIVEN}){{1,2}})"
)
_LOOSE_INTRODUCERS = ("我是", "我叫", "联系人")
# What follows a name: a pause, a form of address or a word said of a person.
_AFTER_NAME = re.compile(
    rf"$|[\s，,。.！!？?；;：:、（(）)“”\"'…—\-]|{_TITLE}|投诉|反映|举报|反馈|说|称|表示|讲|来电|致电"
    r"|打电话|要求|申请|住|家(?![庭具电长政乡务])|的|和|与|及|等|是|也|向|对|于|在家"
)
# Characters common in given names. A name that is also a dictionary word (李娜, 王国庆 after
# 王国, 王建国) is taken for a name only when its given name is made of them: 白领, 高三, 孙子,
# 顾问, 陈述 and 丁克 are not.
_GIVEN_NAME_CHARS = frozenset(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英霞平刚桂华玲红梅兰凤洁琳素云莲真环雪荣爱妹香月莺"
    "媛瑞凡佳嘉琼勤珍贞莉娣璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓仪荷丹蓉眉君琴"
    "蕊薇菁梦岚婕馨韵咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣滢馥筠柔竹凝晓欢霄枫芸菲伊亚宜舒思飞彬"
    "富顺信昌康光岩茂林坚彪博诚敬震振壮群豪邦承乐绍功松善厚庆民友裕河哲江浩亮政谦亨奇翰朗伯"
    "宏若鸣朋斌梁栋维启伦翔旭鹏泽晨辰建炎德泰盛雄琛钧冠腾楠榕风航弘义兴良国东文辉力永健世广"
    "志海山仁波贵福龙胜祥武春娇雨桦巧美淑惠珠翠雅芝玉萍娥芬燕彩菊儿梓涵轩宇睿琪峰帆"
    "鑫凯锋毅阳勋慧婧晴雯璇萱蕾萌妮彤骏俊峻洪淼森桐曼"
)
# Words after 业主 / 本人 that jieba's dictionary tags as names: 未经业主许可.
_NOT_INTRODUCED = frozenset({"许可", "宁静"})
# A word this frequent in jieba's dictionary is a word as well as a name (王建国 12, 贺州 3).
_WORD_FREQ = 3


def _has_surname(word: str) -> bool:
    return word[:1] in SURNAMES or word.startswith(COMPOUND_SURNAMES)


@lru_cache(maxsize=4096)
def _common(word: str, freq: int) -> bool:
    return (_pseg().tokenizer.FREQ.get(word) or 0) >= freq


def _name_like(word: str, *, before_title: bool = False) -> bool:
    """Whether a word jieba tagged `nr` is a person's name."""
    longest = 4 if word.startswith(COMPOUND_SURNAMES) else 3
    if not (2 <= len(word) <= longest) or not _has_surname(word) or word in ALLOWED:
        return False
    if word.endswith(_PLACE_END) or any(ch.isdigit() for ch in word):
        return False
    if before_title:
        return True
    return not _common(word, COMMON_WORD_FREQ) and not (
        len(word) == 3 and _common(word[:2], COMMON_PREFIX_FREQ)
    )


def _word(word: str, freq: int = 1) -> bool:
    return _common(word, freq)


_PAUSE = re.compile(r"$|[\s，,。.！!？?；;：:、（(）)“”\"'…]")


def _introduced(text: str, start: int, end: int, *, loose: bool) -> int:
    """The end of the name introduced at text[start:end] (see _INTRODUCED_NAME), or `start`
    when it is words: 业主钱包丢了, 我是高层住户, 本人孙子, 业主白天上班."""
    surname = next((s for s in COMPOUND_SURNAMES if text.startswith(s, start)), text[start])
    given = text[start + len(surname) : end]
    # 李娜保安打人, 王芳师傅: 保安 and 师傅 are the next words, not a part of the name.
    following = text[end : end + 1]
    if len(given) == 2 and following and not _word(given) and _word(given[1] + following, 100):
        end -= 1
    # After 业主 / 本人 the name may be one character shorter (业主张伟家属); after 我是 the
    # characters read on (我是熊孩子 is not 熊孩).
    shortest = end - 1 if not loose and end - start - len(surname) == 2 else end
    for stop in range(end, shortest - 1, -1):
        word = text[start:stop]
        if word in ALLOWED or word in _NOT_INTRODUCED or word.endswith(_PLACE_END):
            return start
        if _a_name(text, start, stop, len(surname), loose=loose):
            return stop
    return start


def _a_name(text: str, start: int, end: int, surname: int, *, loose: bool) -> bool:
    word, given = text[start:end], text[start + surname : end]
    if text[end : end + 1] in ("了", "过", "着"):  # 我是钱交了: a verb, not a name
        return False
    named = all(ch in _GIVEN_NAME_CHARS for ch in given)
    after_name = _AFTER_NAME.match(text, end) is not None
    # 白领, 高三, 孙子 (a word), 白天上 (a word and a character): a name only when its given
    # name is one and a name's pause or verb follows (李娜，, 王国庆反映).
    if _word(word, _WORD_FREQ) or (len(given) == 2 and _word(word[: surname + 1], _WORD_FREQ)):
        return named and after_name
    # 熊孩子, 秘密: the given name is a word. 本人熊孩子 is words; 我是张秘密。 a name.
    if len(given) == 2 and _word(given, _WORD_FREQ):
        return (named and after_name) or (loose and _PAUSE.match(text, end) is not None)
    # 张伟投诉; after 我是 / 我叫 also a name read on (我叫王芳在3栋), not 我是史上最倒霉的.
    return after_name or (loose and named)


def name_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each person's name in `text`, a form of address right after it included
    (李桂香女士, 张师傅), in order and not overlapping."""
    if not text:
        return []
    spans: list[tuple[int, int]] = []
    tokens = [(t.word, t.flag) for t in _pseg().cut(text)]
    pos = 0
    for i, (word, flag) in enumerate(tokens):
        start, end = pos, pos + len(word)
        pos = end
        if not flag.startswith("nr"):
            continue
        following = tokens[i + 1][0] if i + 1 < len(tokens) else ""
        nxt_flag = tokens[i + 1][1] if i + 1 < len(tokens) else ""
        titled = next((t for t in TITLES if word.endswith(t) and len(word) > len(t)), "")
        if titled:  # 张师傅 in one token
            bare = word[: -len(titled)]
            if (len(bare) == 1 and bare in SURNAMES) or _name_like(bare, before_title=True):
                spans.append((start, end))
            continue
        if len(word) == 1 and word in SURNAMES and nxt_flag.startswith("nr"):
            if 1 <= len(following) <= 2 and following not in TITLES:  # 周 + 志强
                spans.append((start, end + len(following)))
            continue
        nickname = _NICKNAME.search(word)  # 网格员小李 cut as 网格 / 员小李
        if nickname and not _name_like(word):
            spans.append((start + nickname.start(), end))
            continue
        if _name_like(word, before_title=following.startswith(TITLES)):
            spans.append((start, end))
    for m in _SURNAME_TITLE.finditer(text):  # 王阿姨, whatever jieba made of it
        spans.append((m.start(), m.end()))
    for m in _INTRODUCED_NAME.finditer(text):  # 我是李娜, 业主张伟投诉
        loose = m.group("intro") in _LOOSE_INTRODUCERS or bool(m.group("said"))
        end = _introduced(text, m.start("name"), m.end("name"), loose=loose)
        if end > m.start("name"):
            spans.append((m.start("name"), end))
    # A name's form of address goes with it.
    widened = []
    for start, end in spans:
        title = next((t for t in TITLES if text.startswith(t, end)), "")
        widened.append((start, end + len(title)))
    out: list[tuple[int, int]] = []
    for start, end in sorted(widened):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def person_names(text: str) -> list[str]:
    """The names in `text` (with their form of address), in order."""
    return [text[s:e] for s, e in name_spans(text)]


def is_person_name(word: str) -> bool:
    """Whether a word on its own (a topic label) is a person's name."""
    return bool(word) and name_spans(word) == [(0, len(word))]


def remove_names(text: str, replacement: str) -> str:
    """`text` with every name (and its form of address) replaced by `replacement`."""
    for start, end in reversed(name_spans(text)):
        text = text[:start] + replacement + text[end:]
    return text
