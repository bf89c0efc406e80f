"""The platform's case categories and urgency levels (the cases app defines the same lists)."""

CATEGORIES: tuple[str, ...] = (
    "物业服务",
    "设施设备维修",
    "电梯",
    "供水供电供气",
    "环境卫生",
    "绿化",
    "停车管理",
    "噪音扰民",
    "违章搭建",
    "消防安全",
    "邻里纠纷",
    "物业费与收费",
    "公共收益",
    "业委会事务",
    "治安",
    "市政道路",
    "其他",
)

EMERGENCY = "emergency"
URGENT = "urgent"
NORMAL = "normal"
URGENCY_LEVELS: tuple[str, ...] = (EMERGENCY, URGENT, NORMAL)
