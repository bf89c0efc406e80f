"""The vocabulary of cases: channels, types, taxonomy, levels, ratings (S1, S3, S5, S7).

Pure choices, no queries. `CATEGORY_TAXONOMY` is the platform taxonomy the triage model learns.
"""

from django.db import models


class Channel(models.TextChoices):
    """S1: every channel feeds the one inbox."""

    HOTLINE_12345 = "hotline_12345", "12345热线"
    PETITION = "petition", "阳光信访"
    GRID_WORKER = "grid_worker", "网格员"
    SENTINEL = "sentinel", "民情前哨"
    PATROL = "patrol", "巡查"
    ONLINE = "online", "线上"
    VISIT = "visit", "来访"
    PROPERTY_HOTLINE = "property_hotline", "物业热线"
    SUPERIOR = "superior", "上级交办"
    AI_GRID = "ai_grid", "AI网格员"


class CaseType(models.TextChoices):
    CONSULTATION = "consultation", "咨询"
    HELP = "help", "求助"
    COMPLAINT = "complaint", "投诉"
    REPORT = "report", "举报"
    SUGGESTION = "suggestion", "建议"
    PRAISE = "praise", "表扬"
    OTHER = "other", "其他"


# Types whose requester is accusing someone: their identity is never shown to property staff.
ACCUSING_TYPES = frozenset({CaseType.COMPLAINT, CaseType.REPORT})


class Category(models.TextChoices):
    PROPERTY_SERVICE = "property_service", "物业服务"
    REPAIR = "repair", "设施设备维修"
    ELEVATOR = "elevator", "电梯"
    UTILITIES = "utilities", "供水供电供气"
    SANITATION = "sanitation", "环境卫生"
    GREENERY = "greenery", "绿化"
    PARKING = "parking", "停车管理"
    NOISE = "noise", "噪音扰民"
    ILLEGAL_BUILDING = "illegal_building", "违章搭建"
    FIRE_SAFETY = "fire_safety", "消防安全"
    NEIGHBOUR = "neighbour", "邻里纠纷"
    FEES = "fees", "物业费与收费"
    COMMON_INCOME = "common_income", "公共收益"
    COMMITTEE = "committee", "业委会事务"
    PUBLIC_ORDER = "public_order", "治安"
    ROADS = "roads", "市政道路"
    OTHER = "other", "其他"


# The platform taxonomy as the triage library sees it: Chinese labels, in display order.
CATEGORY_TAXONOMY: tuple[str, ...] = tuple(label for _, label in Category.choices)


class Urgency(models.TextChoices):
    NORMAL = "normal", "一般"
    URGENT = "urgent", "紧急"
    CRITICAL = "critical", "特急"


class SlaClass(models.TextChoices):
    """S3 classes; the numbers live in `SlaPolicy` rows (street-editable)."""

    PROPERTY = "property", "物业类"
    EMERGENCY = "emergency", "紧急类"
    UTILITIES = "utilities", "水电气热"
    GENERAL = "general", "一般类"
    COMPLEX = "complex", "复杂类"
    PETITION = "petition", "信访类"


# A suggestion shown at assessment; the assessor decides.
DEFAULT_SLA_CLASS: dict[str, str] = {
    Category.PROPERTY_SERVICE: SlaClass.PROPERTY,
    Category.REPAIR: SlaClass.PROPERTY,
    Category.ELEVATOR: SlaClass.PROPERTY,
    Category.SANITATION: SlaClass.PROPERTY,
    Category.GREENERY: SlaClass.PROPERTY,
    Category.PARKING: SlaClass.PROPERTY,
    Category.UTILITIES: SlaClass.UTILITIES,
    Category.FIRE_SAFETY: SlaClass.EMERGENCY,
    Category.COMMON_INCOME: SlaClass.COMPLEX,
    Category.COMMITTEE: SlaClass.COMPLEX,
}


class Level(models.TextChoices):
    """S4: the levels a case climbs when it breaches, in order."""

    COMPOUND = "compound", "小区"
    COMMUNITY = "community", "社区"
    STREET = "street", "街道"
    DEPARTMENT = "department", "职能部门"


LEVEL_ORDER: tuple[str, ...] = (Level.COMPOUND, Level.COMMUNITY, Level.STREET, Level.DEPARTMENT)


def next_level(level: str) -> str | None:
    """The level above `level`, or None at the top (a department has nobody to escalate to)."""
    index = LEVEL_ORDER.index(level)
    return LEVEL_ORDER[index + 1] if index + 1 < len(LEVEL_ORDER) else None


class RatingLevel(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", "非常满意"
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"
    VERY_DISSATISFIED = "very_dissatisfied", "非常不满意"


SATISFIED_LEVELS = frozenset({RatingLevel.VERY_SATISFIED, RatingLevel.SATISFIED, RatingLevel.BASIC})


class RatingVia(models.TextChoices):
    ONLINE = "online", "线上评价"
    PHONE = "phone", "电话回访"
    VISIT = "visit", "上门回访"


class NotAcceptedReason(models.TextChoices):
    """S7: matters that belong to another procedure; the requester is told which one."""

    LITIGATION = "litigation", "已进入诉讼程序"
    ARBITRATION = "arbitration", "已进入仲裁程序"
    ADMIN_REVIEW = "admin_review", "已进入行政复议程序"
    DISCIPLINE = "discipline", "属纪检监察事项"
    CONCLUDED = "concluded", "已依法办结"


# The channel named to the requester for each reason (S7).
NOT_ACCEPTED_CHANNEL: dict[str, str] = {
    NotAcceptedReason.LITIGATION: "请通过人民法院诉讼程序解决",
    NotAcceptedReason.ARBITRATION: "请通过仲裁机构依法解决",
    NotAcceptedReason.ADMIN_REVIEW: "请通过行政复议机关依法解决",
    NotAcceptedReason.DISCIPLINE: "请向纪检监察机关反映",
    NotAcceptedReason.CONCLUDED: "该事项已依法办结，如有异议可向原办理机关的上一级机关申请复查",
}


class AttachmentKind(models.TextChoices):
    EVIDENCE = "evidence", "处置凭证"
    PHOTO = "photo", "现场照片"
