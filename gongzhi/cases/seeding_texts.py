"""The words of seeded cases (`seed_demo`'s history, `seed_scale`): per category, a title, what
the resident wrote and the public reply (公开答复) the case got when it was resolved.

The replies differ per matter, as real ones do: the reply drafts (AI网格员) and the public pages
read them, and a single boilerplate answer would make both look broken. Placeholders: {b}
building, {u} unit, {r} room, {n} a small count; a reply never names the requester (S9).
"""

from gongzhi.cases.choices import Category, Urgency

# (title, content, public reply)
TEMPLATES: dict[str, list[tuple[str, str, str]]] = {
    Category.PROPERTY_SERVICE: [
        (
            "物业服务态度差",
            "{b}栋{r}业主反映物业前台人员态度生硬，报修多次无人回应。",
            "物业公司已约谈前台当班人员并进行服务规范培训，报修电话改为专人接听、当日回访。",
        ),
        (
            "门岗管理松散",
            "小区{b}号门岗夜间经常无人值守，外来人员随意进出。",
            "物业已调整{b}号门岗排班，夜间增设一名保安值守，外来人员一律登记后进入。",
        ),
    ],
    Category.REPAIR: [
        (
            "楼道灯不亮",
            "{b}栋{u}单元楼道灯坏了{n}天，晚上上下楼看不见，请尽快维修。",
            "物业已更换{b}栋{u}单元楼道声控灯，现已恢复照明，并对其他单元灯具进行了排查。",
        ),
        (
            "单元门禁损坏",
            "{b}栋{u}单元门禁坏了，门一直关不上。",
            "物业已更换{b}栋{u}单元门禁闭门器和电磁锁，单元门现可正常关闭和刷卡开启。",
        ),
        (
            "屋顶漏水",
            "{b}栋顶楼{r}下雨天屋顶渗水，墙面已经发霉。",
            "物业已对{b}栋屋面防水层进行局部修补，经雨天复查无渗漏；室内墙面待干燥后修复。",
        ),
    ],
    Category.ELEVATOR: [
        (
            "电梯频繁故障",
            "{b}栋{u}单元电梯本周停运{n}次，老人上下楼困难。",
            "维保单位已更换{b}栋{u}单元电梯门机控制板，试运行正常，并将该梯保养周期缩短为每周一次。",
        ),
        (
            "电梯困人",
            "{b}栋电梯运行中突然停在两层之间，请排查安全隐患。",
            "维保单位已对{b}栋电梯平层装置进行检修调试，经特种设备检验合格后恢复运行。",
        ),
    ],
    Category.UTILITIES: [
        (
            "停水无通知",
            "{b}栋今天上午突然停水，没有提前通知，至今未恢复。",
            "停水系市政管网抢修所致，当日下午已恢复供水；物业今后收到停水通知将提前在群内和单元门公告。",
        ),
        (
            "水压太低",
            "{b}栋高层住户水压不足，{r}几乎放不出热水。",
            "物业已检修{b}栋二次供水加压泵并调高出水压力，高层住户用水已恢复正常。",
        ),
        (
            "燃气管道异味",
            "{b}栋{u}单元楼道有燃气味，请尽快派人检查。",
            "燃气公司已到场检测，系{b}栋{u}单元立管接口老化微漏，已更换接口，复测无泄漏。",
        ),
    ],
    Category.SANITATION: [
        (
            "垃圾清运不及时",
            "{b}栋旁垃圾桶满溢{n}天无人清理，气味很大。",
            "物业已清运{b}栋旁积存垃圾并对桶站消毒，清运频次由每日一次调整为早晚各一次。",
        ),
        (
            "楼道堆放杂物",
            "{b}栋{u}单元楼道堆满纸箱杂物，影响通行。",
            "物业已通知住户自行清理，逾期未清理的杂物已统一清走，楼道恢复畅通。",
        ),
    ],
    Category.GREENERY: [
        (
            "树木遮挡采光",
            "{b}栋前的树长得太高，低层住户白天也要开灯。",
            "经园林部门同意，物业已对{b}栋前树木进行修剪疏枝，低层住户采光已改善。",
        ),
        (
            "绿地被毁种菜",
            "{b}栋旁公共绿地被人开垦种菜，请恢复绿化。",
            "社区和物业已劝导相关住户停止种菜，{b}栋旁绿地已清理并补种草皮。",
        ),
    ],
    Category.PARKING: [
        (
            "消防通道停车",
            "{b}栋消防通道长期被私家车占用。",
            "物业已在{b}栋消防通道施划禁停标线、设置隔离桩，并联系车主将车辆移走，加强每日巡查。",
        ),
        (
            "车位乱收费",
            "地下车库临时停车收费标准没有公示。",
            "物业已在车库出入口和公告栏公示临时停车收费标准及物价备案文件，收费按公示标准执行。",
        ),
    ],
    Category.NOISE: [
        (
            "夜间装修噪音",
            "{b}栋{r}晚上十点后还在装修，严重影响休息。",
            "物业已上门告知装修管理规定，该户承诺严格在工作日8:00—12:00、14:00—18:00施工。",
        ),
        (
            "广场舞噪音",
            "小区广场舞音响声音过大，持续到晚上九点半。",
            "社区已与广场舞队协商，音响音量调低，活动时间调整为晚上七点至八点半。",
        ),
    ],
    Category.ILLEGAL_BUILDING: [
        (
            "楼顶违建",
            "{b}栋顶楼住户在屋面私自搭建阳光房。",
            "经城管执法部门认定为违法建设，已下达限期拆除通知，该户已自行拆除，屋面恢复原状。",
        ),
        (
            "一楼私扩院子",
            "{b}栋一楼住户圈占公共绿地扩建院子。",
            "社区、物业和城管已联合上门，该户已拆除私扩围栏，占用的公共绿地已恢复。",
        ),
    ],
    Category.FIRE_SAFETY: [
        (
            "电动车楼道充电",
            "{b}栋{u}单元有住户在楼道给电动车充电，存在火灾隐患。",
            "物业已清理{b}栋{u}单元楼道内的电动车和飞线，并引导住户到小区集中充电桩充电。",
        ),
        (
            "消防栓无水",
            "{b}栋消防栓打开没有水，灭火器已过期。",
            "物业已修复{b}栋消防供水阀门，试水正常；过期灭火器已全部更换并张贴检查记录。",
        ),
    ],
    Category.NEIGHBOUR: [
        (
            "楼上漏水纠纷",
            "{b}栋{r}楼上卫生间漏水，协商{n}次未果。",
            "社区调解员已组织双方协商，楼上住户已重做卫生间防水，并承担楼下天花板修复费用。",
        ),
        (
            "宠物扰民",
            "邻居养狗夜间吠叫，沟通无效。",
            "社区已上门宣传文明养犬规定，犬主已采取措施，夜间吠叫明显减少，双方表示认可。",
        ),
    ],
    Category.FEES: [
        (
            "物业费上涨",
            "物业公司通知物业费上涨，未经业主大会讨论。",
            "经核查，调价须经业主共同决定；物业公司已暂停执行新标准，待业主大会表决后再定。",
        ),
        (
            "水电公摊不明",
            "{b}栋公摊电费账目不清楚，要求公示明细。",
            "物业已在公告栏和平台公示{b}栋近一年公摊电费明细及分摊计算方法，接受业主查询。",
        ),
    ],
    Category.COMMON_INCOME: [
        (
            "广告收益去向",
            "电梯广告收入多年未公示，业主要求查看账目。",
            "物业已公示近三年电梯广告合同及收支情况，收益余额已转入公共收益专户，按季度公示。",
        ),
        (
            "车位租金公示",
            "公共车位租金收入没有公布，要求公开。",
            "物业已公示公共车位租赁收入及管理成本明细，净收益记入业主共有资金账户。",
        ),
    ],
    Category.COMMITTEE: [
        (
            "业委会换届拖延",
            "业委会任期已满{n}个月仍未启动换届。",
            "街道和社区已指导成立换届工作小组，换届选举公告已张贴，预计两个月内完成选举。",
        ),
        (
            "业委会账目质疑",
            "业委会使用维修资金未征求业主意见。",
            "社区已督促业委会公示维修资金使用明细；后续使用将按规定经业主表决并公示。",
        ),
    ],
    Category.PUBLIC_ORDER: [
        (
            "电动车被盗",
            "{b}栋楼下电动车被盗，监控无法调取。",
            "已报派出所立案；物业已修复{b}栋周边监控，并增加夜间巡逻频次。",
        ),
        (
            "陌生人推销",
            "有陌生人挨家挨户敲门推销，存在安全隐患。",
            "物业已加强门岗登记管理，禁止推销人员进入；社区已开展防诈骗宣传。",
        ),
    ],
    Category.ROADS: [
        (
            "路面塌陷",
            "小区{b}号门外人行道塌陷，晚上容易摔倒。",
            "已转市政设施管理部门，{b}号门外塌陷人行道已完成回填修复，恢复通行。",
        ),
        (
            "路灯损坏",
            "小区外道路路灯坏了{n}盏，夜间出行不安全。",
            "已转路灯管理部门，损坏的{n}盏路灯已更换灯具，恢复夜间照明。",
        ),
    ],
    Category.OTHER: [
        (
            "咨询老旧小区改造",
            "请问小区什么时候纳入老旧小区改造计划？",
            "经向区住房和城市更新部门了解，本小区已列入明年改造申报名单，具体方案将另行公示征求意见。",
        ),
        (
            "快递柜设置",
            "希望在{b}栋附近增设快递柜。",
            "物业已与快递柜运营企业协商，将在{b}栋附近增设一组快递柜，预计本月内安装。",
        ),
    ],
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧建国红霞平刚桂兰"

# How pressing an assessor finds each matter (研判's 紧急程度): (urgency, share of such cases
# found so); every other matter is 一般. A lane-light or a tree blocking light is never 紧急.
PRESSING: dict[str, tuple[str, float]] = {
    "燃气管道异味": (Urgency.CRITICAL, 1.0),
    "电梯困人": (Urgency.URGENT, 1.0),  # stopped between floors, nobody trapped now
    "停水无通知": (Urgency.URGENT, 0.8),
    "路面塌陷": (Urgency.URGENT, 0.8),
    "消防栓无水": (Urgency.URGENT, 0.7),
    "电梯频繁故障": (Urgency.URGENT, 0.8),
    "电动车楼道充电": (Urgency.URGENT, 0.7),
    "消防通道停车": (Urgency.URGENT, 0.5),
    "屋顶漏水": (Urgency.URGENT, 0.6),
    "水压太低": (Urgency.URGENT, 0.5),
}

# Matters 特急 enough that no seeded case of them is still open after a day.
SETTLED_AT_ONCE = frozenset(t for t, (u, _) in PRESSING.items() if u == Urgency.CRITICAL)


def assessed_urgency(title: str, roll: float) -> str:
    """The urgency 研判 gave a seeded case of this title; `roll` is uniform in [0, 1)."""
    urgency, share = PRESSING.get(title, (Urgency.NORMAL, 0.0))
    return urgency if roll < share else Urgency.NORMAL
