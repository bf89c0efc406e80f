"""Masking of personal data on public and export surfaces (domain rules G1, S9)."""

import re
from collections.abc import Iterable

_DIGITS = re.compile(r"\d")
_SEP = r"[ \t\-－—]?"
# Mainland mobile numbers inside free text, as people write them: 19900000372, 199-0000-0372,
# 199 0000 0372, +86 199…, 0086199…. Groups: first three and last four digits.
_MOBILE_IN_TEXT = re.compile(
    rf"(?<![\d+])(?:(?:\+|00)?86{_SEP})?(1[3-9]\d){_SEP}\d{{4}}{_SEP}(\d{{4}})(?!\d)"
)
# A mobile number spelt out digit by digit, in words or spaced: 一三九一二三四五六七八,
# 幺三九…, 1 3 9 1 2 3 4 5 6 7 8, 1-3-9-…: eleven digits, each maybe set apart by one mark.
_SPELT_DIGITS = "0123456789零〇一二三四五六七八九幺"
_SPELT_SEP = r"[ \t\-－—]?"
# Eleven numerals before a measure word are a count or a sum, not a phone: 一五九八七六五四三二一次.
_SPELT_COUNTED = r"\s*[次个元块毛角天年月日号岁人户位名台辆件只条张份遍趟层栋楼米斤吨分秒倍]"
_MOBILE_SPELT = re.compile(
    rf"(?<![{_SPELT_DIGITS}十百千万])[1一幺]{_SPELT_SEP}[3-9三四五六七八九]"
    rf"(?:{_SPELT_SEP}[{_SPELT_DIGITS}]){{9}}(?![{_SPELT_DIGITS}十百千万]|{_SPELT_COUNTED})"
)
_DIGIT_WORDS = str.maketrans("零〇一二三四五六七八九幺", "001234567891")


def _spelt_digits(number: str) -> str:
    return "".join(ch for ch in number.translate(_DIGIT_WORDS) if ch.isdigit())


# Landlines with an area code: 027-87654321, (027)8765 4321, 0710 1234567.
_LANDLINE_IN_TEXT = re.compile(
    rf"(?<!\d)[(（]?(0\d{{2,3}})[)）]?{_SEP}\d{{3,4}}{_SEP}(\d{{4}})(?!\d)"
)
# Any run of 7-12 digits right after a word that announces a phone number: 电话87654321.
_ANNOUNCED_NUMBER = re.compile(
    r"(?P<lead>(?:电话|手机|座机|号码|联系方式|tel|Tel|TEL)[:：是为\s]*)(?P<num>\d[\d \-]{5,14}\d)"
)
# An email address: xjl372@qq.com, wang.jg@163.com (ASCII only, so the Chinese around it stays).
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])(?P<first>[A-Za-z0-9])[A-Za-z0-9._%+\-]*"
    r"(?P<domain>@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,})(?![A-Za-z])"
)
# A WeChat or QQ id after the word that announces it: 微信号 xiajinglin_wx88, 加我微信：wjg_1966,
# QQ 12345678, vx: abc_123. An id is 5-20 letters, digits, _ or -; 微信群, 微信同号 (the phone,
# caught above), 微信支付300元 and a word like "wxpython" have none. A word of letters alone
# is an id only when said to be one (微信号 zhangsan, 微信：zhangsan), not in "WeChat group".
_ID_KEYWORD = r"(?<![A-Za-z])(?:微信|扣扣|(?i:wechat|vx|wx|qq)(?![A-Za-z]))"
_ID_SAID = r"(?P<said>(?:号码|号)?[ \t]*[:：是为]|号码|号)"
_ANNOUNCED_ID = re.compile(
    rf"(?P<lead>{_ID_KEYWORD}(?:{_ID_SAID}[ \t]*|[ \t]*))"
    r"(?(said)|(?=[A-Za-z\-]*[\d_]))"
    r"(?P<id>[A-Za-z0-9][A-Za-z0-9_\-]{4,19})(?![A-Za-z0-9_\-@%％年元块万米])"
)
_ID_IN_TEXT = re.compile(r"(?<![\dXx])(\d)\d{15}(\d[\dXx])(?![\dXx])")
# Room numbers narrow a writer down to one household: 9栋1单元301, 9-1-301, 301室.
# Numbers as people also write them: 十二栋三单元五零二 (a count in words, a room digit by digit).
_CN_COUNT = "[一二三四五六七八九十零〇两]"
_CN_DIGIT = "[零〇一二三四五六七八九幺]"
_COUNT = rf"(?:\d+|{_CN_COUNT}{{1,3}})"
_BUILDING = rf"{_COUNT}\s*(?:栋|幢|号楼|座)"
# What follows a number that is a quantity, not a room: a year, an amount, a size, a count
# (30天 is a count of days; 301天天吵 a door).
_NOT_A_QUANTITY = r"(?![\d.%％年元块万米平个次户人多余分秒吨斤盏台辆件只条张袋桶箱]|天(?!天))"
# A room number, in digits or digit by digit in words (五零二): not 三百户, nor 一二三四五.
# A shop's number is no one's home: 一楼一二三号商铺, 2栋105门面 stay.
_NOT_A_SHOP = r"(?!\s*号?\s*(?:商铺|门面|店|铺|档口|摊位))"
_ROOM = rf"(?:\d{{3,4}}|{_CN_DIGIT}{{3,4}}(?!{_CN_COUNT}|百|千)){_NOT_A_QUANTITY}{_NOT_A_SHOP}"
# The word after a room goes with it: 901号房, 502室.
_ROOM_WORD = r"(?:室|号房|房间|号|房)?"
_ROOM_AFTER_UNIT = re.compile(rf"((?:{_BUILDING}\s*)?{_COUNT}\s*单元)\s*{_ROOM}\s*{_ROOM_WORD}")
# A room after its floor: 9栋1单元3楼301, 1号楼12层1203, 3楼301 (3楼楼道灯 stays: no room).
_ROOM_AFTER_FLOOR = re.compile(
    rf"(?:{_BUILDING}\s*)?(?:{_COUNT}\s*单元\s*)?"
    rf"(?:(?<![\d号])\d{{1,2}}|{_CN_COUNT}{{1,3}}|顶|底)\s*(?:楼|层)\s*{_ROOM}\s*{_ROOM_WORD}"
)
_DASH = r"[\-－—]"
_ROOM_SHORTHAND = re.compile(
    rf"(?<![\d.－—\-])\d{{1,2}}{_DASH}\d{{1,2}}{_DASH}\d{{3,4}}(?![\d.－—\-])"
)
# A room right after the building, without the unit: 26栋2507, 8号楼1203室 (the building stays).
# Not a year, an amount or a count after it: 3栋2024年, 5栋1500元.
_ROOM_AFTER_BUILDING = re.compile(rf"({_BUILDING})\s*{_ROOM}\s*{_ROOM_WORD}")
# A bare room after a word that makes it a door: 我家301门口, 住在1201, 楼上501, 我是301的
# (the word stays).
_ROOM_AFTER_HOME = re.compile(
    r"(?P<lead>(?:我家|家住|住在|我住|家在|楼上|楼下|隔壁|对门|我是|本人是)\s*(?:是|在)?\s*)"
    rf"(?:\d{{3,4}}|{_CN_DIGIT}{{3,4}}(?!{_CN_COUNT}|百|千))"
    rf"(?!\s*(?:号楼|栋|幢|座|单元|楼|层)){_NOT_A_QUANTITY}\s*{_ROOM_WORD}"
)
# 301室, 302号房, 501房 (not 300房租, 500房款: a sum).
_ROOM_NUMBER = re.compile(
    rf"(?:(?<![\d.])\d{{3,4}}|(?<!{_CN_COUNT}){_CN_DIGIT}{{3,4}})"
    r"\s*(?:室|房间|号房|房(?![租价款费贷产源子屋东型龄]))"
)
# A door named by whoever lives there: 301的业主, 1201住户, 502的租户 (not 200多户业主, 有300业主).
_ROOM_BEFORE_RESIDENT = re.compile(
    r"(?<![\d.有共近约超逾第])\d{3,4}(?=\s*(?:室|号)?\s*的?\s*(?:业主|住户|户主|租户|房东|居民|老人|人家|邻居))"
)
# A door number before 家 (好像是502家里漏气, 502家天天吵), not a count of shops (200家商户).
_ROOM_BEFORE_HOME = re.compile(r"(?<![\d.])\d{3,4}(?=\s*家(?!商|店|企|单位|公司|门店|餐|医))")
# A bare 3-4 digit number opening a clause, in a text about a building's homes (22栋住户水压
# 不足，2360几乎放不出热水): a door. Not an emergency number, a year, an amount or a count.
_ROOM_STARTING_CLAUSE = re.compile(
    r"(?<=[，,；;。！？\s])(?!(?:110|119|120|122)(?!\d))\d{3,4}"
    r"(?![\d.%％年元块万米平个次户人多余分秒吨斤盏台辆件只条张袋桶箱天号栋幢座楼层单])"
)
_HOMES = re.compile(r"栋|号楼|幢|单元|楼上|楼下|住户|业主|家里|我家|邻居")
# Surname + form of address ("夏女士", "李阿姨"): the common surnames only, so that a word like
# 维修 before 师傅 is left alone.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤"
)
_ADDRESS_FORMS = "先生|女士|小姐|阿姨|大爷|大妈|奶奶|爷爷|婆婆|老师"
_SURNAME_ADDRESSED = re.compile(rf"[{_SURNAMES}](?:{_ADDRESS_FORMS})")

REMOVED = "[已隐去]"


def mask_phone(phone: str | None) -> str:
    """`13812341234` → `138****1234`; other numbers keep only their last 4 digits."""
    if not phone:
        return ""
    digits = "".join(_DIGITS.findall(phone))
    if len(digits) == 11:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) <= 4:
        return "*" * len(digits)
    return "*" * (len(digits) - 4) + digits[-4:]


def mask_id_number(id_number: str | None) -> str:
    """Keep the first character and the last two: `1***************2X`."""
    if not id_number:
        return ""
    value = id_number.strip()
    if len(value) <= 3:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 3) + value[-2:]


def mask_name(name: str | None) -> str:
    """Surname plus `*`: `张三丰` → `张*`; a Latin name keeps its first letter."""
    if not name:
        return ""
    value = name.strip()
    return value[0] + "*"


def _known_names(names: Iterable[str | None]) -> list[str]:
    """Names worth searching for in text: two characters or more, longest first."""
    found = {name.strip() for name in names if name and len(name.strip()) >= 2}
    return sorted(found, key=len, reverse=True)


def redact_text(text: str, names: Iterable[str | None] = ()) -> str:
    """Mask phone and ID numbers, emails (`x***@qq.com`) and WeChat / QQ ids (`微信号 x***`)
    written into free text (case content, replies, notes), and the given people's names
    (`夏静琳` → `夏*`), for a viewer who sees the writer masked."""
    text = _EMAIL.sub(lambda m: m.group("first") + "***" + m.group("domain"), text)
    text = _ID_IN_TEXT.sub(lambda m: m.group(1) + "*" * 15 + m.group(2), text)
    text = _MOBILE_IN_TEXT.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)
    text = _MOBILE_SPELT.sub(lambda m: mask_phone(_spelt_digits(m.group())), text)
    text = _LANDLINE_IN_TEXT.sub(lambda m: f"{m.group(1)}-****{m.group(2)}", text)
    text = _ANNOUNCED_NUMBER.sub(lambda m: m.group("lead") + mask_phone(m.group("num")), text)
    text = _ANNOUNCED_ID.sub(lambda m: m.group("lead") + m.group("id")[0] + "***", text)
    for name in _known_names(names):
        text = text.replace(name, mask_name(name))
    return text


def remove_contacts(text: str, names: Iterable[str | None] = ()) -> str:
    """Drop phone and ID numbers, emails, WeChat / QQ ids, home addresses and the given people's
    names from free text, for the party a complaint is about and for public pages (S9): even a
    masked number, a room or a "夏女士" narrows down who wrote it."""
    text = _EMAIL.sub(REMOVED, text)
    text = _ID_IN_TEXT.sub(REMOVED, text)
    text = _MOBILE_IN_TEXT.sub(REMOVED, text)
    text = _MOBILE_SPELT.sub(REMOVED, text)
    text = _LANDLINE_IN_TEXT.sub(REMOVED, text)
    text = _ANNOUNCED_NUMBER.sub(lambda m: m.group("lead") + REMOVED, text)
    text = _ANNOUNCED_ID.sub(lambda m: m.group("lead") + REMOVED, text)
    # A building and unit followed by a room is someone's home: all of it goes (9栋1单元 alone,
    # where the lamp is broken, stays: it is where the work is).
    text = _ROOM_AFTER_FLOOR.sub(REMOVED, text)
    text = _ROOM_AFTER_UNIT.sub(REMOVED, text)
    text = _ROOM_SHORTHAND.sub(REMOVED, text)
    text = _ROOM_AFTER_BUILDING.sub(lambda m: m.group(1) + REMOVED, text)
    text = _ROOM_NUMBER.sub(REMOVED, text)
    text = _ROOM_BEFORE_RESIDENT.sub(REMOVED, text)
    text = _ROOM_AFTER_HOME.sub(lambda m: m.group("lead") + REMOVED, text)
    text = _ROOM_BEFORE_HOME.sub(REMOVED, text)
    if _HOMES.search(text):
        text = _ROOM_STARTING_CLAUSE.sub(REMOVED, text)
    for name in _known_names(names):
        text = text.replace(name, REMOVED)
        text = re.sub(rf"{re.escape(name[0])}(?:{_ADDRESS_FORMS})", REMOVED, text)
    return _SURNAME_ADDRESSED.sub(REMOVED, text)


def contains_contacts(text: str) -> bool:
    """Whether free text holds a phone or ID number, an email or a WeChat / QQ id."""
    patterns = (_EMAIL, _ID_IN_TEXT, _MOBILE_SPELT, _MOBILE_IN_TEXT, _LANDLINE_IN_TEXT)
    patterns += (_ANNOUNCED_NUMBER,)
    return any(pattern.search(text) for pattern in (*patterns, _ANNOUNCED_ID))
