"""The Open311 service list: the case categories (service_code = category code) and the
attributes a client may send with a request (the service definition)."""

from typing import Any

from gongzhi.cases.choices import CaseType, Category

# Bump when the list or the definitions change: clients refresh their cached copies (discovery).
CHANGESET = "2026-11-29T00:00:00+08:00"  # W3C datetime, as the spec's discovery example

_GROUPS: dict[str, tuple[str, str]] = {
    # code: (group, keywords)
    Category.PROPERTY_SERVICE: ("物业", "物业服务, 保安, 保洁, 服务态度"),
    Category.REPAIR: ("物业", "维修, 漏水, 路灯, 门禁, 管道"),
    Category.ELEVATOR: ("物业", "电梯, 困人, 故障, 维保"),
    Category.UTILITIES: ("市政", "停水, 停电, 燃气, 供暖"),
    Category.SANITATION: ("环境", "垃圾, 清运, 卫生, 异味"),
    Category.GREENERY: ("环境", "绿化, 树木, 草坪, 修剪"),
    Category.PARKING: ("物业", "停车, 车位, 占道, 充电桩"),
    Category.NOISE: ("邻里", "噪音, 扰民, 装修, 广场舞"),
    Category.ILLEGAL_BUILDING: ("城管", "违建, 搭建, 私占, 违章"),
    Category.FIRE_SAFETY: ("安全", "消防, 通道, 电动车, 隐患"),
    Category.NEIGHBOUR: ("邻里", "纠纷, 邻里, 矛盾"),
    Category.FEES: ("物业", "物业费, 收费, 公摊, 票据"),
    Category.COMMON_INCOME: ("物业", "公共收益, 广告, 车位收入, 公示"),
    Category.COMMITTEE: ("自治", "业委会, 换届, 选举, 业主大会"),
    Category.PUBLIC_ORDER: ("安全", "治安, 盗窃, 可疑人员"),
    Category.ROADS: ("市政", "道路, 井盖, 坑洼, 人行道"),
    Category.OTHER: ("其他", "其他"),
}

ATTRIBUTES: list[dict[str, Any]] = [
    {
        "variable": True,
        "code": "case_type",
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": "默认为“求助”",
        "order": 1,
        "description": "诉求类型",
        "values": [{"key": value, "name": label} for value, label in CaseType.choices],
    },
    {
        "variable": True,
        "code": "title",
        "datatype": "string",
        "required": False,
        "datatype_description": "不超过 200 字；不填时取描述的开头",
        "order": 2,
        "description": "诉求标题",
        "values": [],
    },
    {
        "variable": True,
        "code": "is_public",
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": "默认不公开",
        "order": 3,
        "description": "是否同意公开诉求内容（个人信息始终不公开）",
        "values": [{"key": "true", "name": "同意公开"}, {"key": "false", "name": "不公开"}],
    },
]


def services() -> list[dict[str, Any]]:
    rows = []
    for code, label in Category.choices:
        group, keywords = _GROUPS.get(code, ("其他", ""))
        rows.append(
            {
                "service_code": code,
                "service_name": label,
                "description": f"{label}方面的诉求",
                "metadata": True,
                "type": "realtime",
                "keywords": keywords,
                "group": group,
            }
        )
    return rows


def service_name(code: str) -> str:
    return Category(code).label if code in Category.values else ""


def definition(code: str) -> dict[str, Any] | None:
    if code not in Category.values:
        return None
    return {"service_code": code, "attributes": ATTRIBUTES}
