"""What the demo street looks like: Wuchang District's 南湖街道, its 7 communities and an
invented but plausible set of compounds, companies and contracts. Names of compounds, companies
and people are made up; phones (19900xxxxxx) and ID numbers (region 420199, which does not
exist) are syntactically valid but fake.
"""

from dataclasses import dataclass

STREET_NAME = "南湖街道"
STREET_CODE = "420106011"  # 武昌区 (420106) — the seed is detected by this code
DISTRICT = "武昌区"
CITY = "武汉市"
SEED = 2026
PASSWORD = "gongzhi2026"  # noqa: S105 - the published password of the demo accounts


@dataclass(frozen=True)
class CompoundSpec:
    name: str
    short: str  # for account and branch names
    address: str
    built_year: int
    # (number of buildings, floors, entrances, units per floor and entrance)
    layout: tuple[tuple[int, int, int, int], ...]
    company: str  # key of COMPANIES
    fee_mode: str  # lump_sum / commission / trust
    committee: bool = True
    areas: tuple[str, ...] = ("68.45", "89.12", "96.30", "75.86")
    unsold: float = 0.0  # share of units the developer has not sold


@dataclass(frozen=True)
class CommunitySpec:
    name: str
    slug: str
    latitude: float
    longitude: float
    compounds: tuple[CompoundSpec, ...]


OLD = ("52.36", "63.18", "58.72", "71.05")
MID = ("78.64", "89.12", "96.30", "108.47")
NEW = ("89.56", "118.32", "126.75", "143.08")
LARGE = ("109.27", "128.64", "142.90", "159.85")

COMMUNITIES = (
    CommunitySpec("华锦", "huajin", 30.5052, 114.3306, (
        CompoundSpec("华锦花园", "hjhy", "武昌区南湖文馨街16号", 2003,
                     ((8, 7, 2, 2), (2, 18, 1, 4)), "A", "trust", areas=MID),
        CompoundSpec("华锦苑", "hjy", "武昌区南湖文馨街28号", 1998,
                     ((5, 6, 2, 2),), "C", "lump_sum", areas=OLD),
        CompoundSpec("南湖景苑", "nhjy", "武昌区丁字桥南路518号", 2008,
                     ((3, 26, 1, 4),), "A", "commission", areas=NEW),
        CompoundSpec("锦绣南湖", "jxnh", "武昌区南湖路88号", 2016,
                     ((2, 33, 1, 4),), "D", "lump_sum", areas=LARGE, unsold=0.06),
    )),
    CommunitySpec("中央花园", "zhongyang", 30.4985, 114.3381, (
        CompoundSpec("南湖中央花园一期", "zyhy1", "武昌区南湖中央花园路1号", 2001,
                     ((8, 7, 2, 2),), "A", "trust", areas=MID),
        CompoundSpec("南湖中央花园二期", "zyhy2", "武昌区南湖中央花园路9号", 2005,
                     ((4, 11, 2, 2),), "F", "lump_sum", areas=MID),
        CompoundSpec("中央花园·雅苑", "zyya", "武昌区雄楚大道366号", 2012,
                     ((2, 30, 1, 3),), "F", "commission", areas=NEW),
        CompoundSpec("丁字桥南苑", "dzqny", "武昌区丁字桥南路302号", 1995,
                     ((4, 6, 2, 2),), "G", "lump_sum", committee=False, areas=OLD),
    )),
    CommunitySpec("祥和", "xianghe", 30.5098, 114.3247, (
        CompoundSpec("祥和小区", "xhxq", "武昌区石牌岭路21号", 1993,
                     ((6, 6, 2, 2),), "G", "lump_sum", areas=OLD),
        CompoundSpec("祥和雅居", "xhyj", "武昌区石牌岭路45号", 2006,
                     ((3, 16, 1, 4),), "A", "lump_sum", areas=MID),
        CompoundSpec("南湖明珠苑", "mzy", "武昌区珞狮南路221号", 2010,
                     ((2, 24, 1, 3),), "F", "lump_sum", areas=NEW),
    )),
    CommunitySpec("宝安", "baoan", 30.5021, 114.3195, (
        CompoundSpec("宝安花园", "bahy", "武昌区宝安街38号", 2000,
                     ((7, 7, 2, 2),), "B", "lump_sum", areas=MID),
        CompoundSpec("宝安·山水龙城", "sslc", "武昌区宝安街120号", 2009,
                     ((2, 28, 1, 4),), "B", "commission", areas=NEW),
        CompoundSpec("宝安翠湖苑", "chy", "武昌区新安街66号", 2014,
                     ((2, 32, 1, 3),), "B", "lump_sum", areas=LARGE, unsold=0.04),
        CompoundSpec("宝安商住楼", "aszl", "武昌区宝安街7号", 1999,
                     ((1, 9, 1, 4),), "G", "lump_sum", committee=False, areas=OLD),
    )),
    CommunitySpec("都市桃源", "dushi", 30.4951, 114.3279, (
        CompoundSpec("都市桃源一期", "dsty1", "武昌区南湖路156号", 2002,
                     ((8, 7, 2, 2),), "C", "trust", areas=MID),
        CompoundSpec("都市桃源二期", "dsty2", "武昌区南湖路172号", 2007,
                     ((5, 11, 2, 2),), "C", "lump_sum", areas=MID),
        CompoundSpec("桃源新村", "tyxc", "武昌区文治街12号", 1992,
                     ((5, 6, 2, 2),), "C", "lump_sum", areas=OLD),
        CompoundSpec("南湖春晓苑", "cxy", "武昌区南湖路230号", 2018,
                     ((2, 33, 1, 3),), "D", "lump_sum", areas=LARGE, unsold=0.08),
    )),
    CommunitySpec("宁松", "ningsong", 30.5146, 114.3352, (
        CompoundSpec("宁松小区", "nsxq", "武昌区松涛路8号", 1996,
                     ((6, 6, 2, 2),), "E", "trust", areas=OLD),
        CompoundSpec("松涛苑", "sty", "武昌区松涛路26号", 2004,
                     ((4, 9, 2, 2),), "E", "lump_sum", areas=MID),
        CompoundSpec("南湖松竹苑", "szy", "武昌区雄楚大道512号", 2011,
                     ((2, 18, 2, 2),), "E", "lump_sum", areas=NEW),
    )),
    CommunitySpec("水域天际", "shuiyu", 30.4902, 114.3403, (
        CompoundSpec("水域天际", "sytj", "武昌区南湖大道99号", 2006,
                     ((4, 18, 1, 3),), "B", "commission", areas=NEW),
        CompoundSpec("水域天际·澜岸", "syla", "武昌区南湖大道131号", 2013,
                     ((2, 26, 1, 4),), "D", "lump_sum", areas=NEW),
        CompoundSpec("南湖湾畔", "nhwp", "武昌区南湖大道177号", 2020,
                     ((2, 33, 1, 3),), "D", "lump_sum", committee=False, areas=LARGE,
                     unsold=0.12),
    )),
)  # fmt: skip

# Property companies; `party` says whether the company has its own party organisation.
COMPANIES = {
    "A": ("武汉南湖锦华物业服务有限公司", "027-88100001", True),
    "B": ("湖北楚天安居物业管理有限公司", "027-88100002", True),
    "C": ("武汉桃源物业服务有限公司", "027-88100003", True),
    "D": ("武汉江南鼎盛物业服务有限公司", "027-88100004", False),
    "E": ("武汉宁松物业管理有限公司", "027-88100005", True),
    "F": ("武汉中南城市物业服务有限公司", "027-88100006", True),
    "G": ("武汉武昌红盾物业服务有限公司", "027-88100007", False),
}
# Compounds whose contract replaced an earlier company's (history for the contract pages).
PREVIOUS_COMPANY = {"华锦苑": "G", "祥和雅居": "F", "宝安花园": "G", "南湖中央花园二期": "A"}
FEE_PER_M2 = {"lump_sum": "1.60", "commission": "2.20", "trust": "1.85"}

COMMITMENTS = (
    "报修15分钟响应、24小时处置",
    "每日清扫公共区域，每周冲洗楼道一次",
    "每月开展一次消防设施巡查并公示记录",
    "每季度公示公共收益收支明细",
    "电梯故障30分钟内到场处置",
    "每半年开展一次业主满意度测评",
)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚"
    "邵万覃戴严"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌宇浩凯鹏辉俊峰晨欣怡婷"
    "雪梅琳丹慧颖佳瑶琪嘉子轩涵睿博铭泽宁安然昊晗鑫立新春海波燕云飞林松荣德成"
)
PARTY_DUTIES = ("书记", "副书记", "组织委员", "宣传委员", "纪检委员")
