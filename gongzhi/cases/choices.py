"""The vocabulary of cases: channels, types, taxonomy, levels, ratings (S1, S3, S5, S7).

Pure choices, no queries. Labels are lazily translated: Chinese is the source text (decision
0005), shown in English from locale/en. Where a label is data rather than display (the triage
taxonomy, a Chinese spreadsheet's cells) use `source_label` / `source_labels`, which give the
Chinese whatever the language of the request; `category_taxonomy()` is the platform taxonomy
the triage model learns.
"""

from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _


def source_label(label: str | Promise) -> str:
    """The Chinese source text of a (lazily translated) label, in any active language."""
    if not isinstance(label, Promise):
        return label
    with translation.override(None):  # no catalogue: gettext returns the msgid
        return str(label)


def source_labels(choices: type[models.Choices]) -> dict[str, str]:
    """value → Chinese label of a choices class, in any active language."""
    with translation.override(None):
        return {value: str(label) for value, label in choices.choices}


class Channel(models.TextChoices):
    """S1: every channel feeds the one inbox."""

    HOTLINE_12345 = "hotline_12345", _("12345热线")
    PETITION = "petition", _("阳光信访")
    GRID_WORKER = "grid_worker", _("网格员")
    SENTINEL = "sentinel", _("民情前哨")
    PATROL = "patrol", _("巡查")
    ONLINE = "online", _("线上")
    VISIT = "visit", _("来访")
    PHONE = "phone", _("来电")  # a call to the community or street desk (12345 is its own)
    PROPERTY_HOTLINE = "property_hotline", _("物业热线")
    SUPERIOR = "superior", _("上级交办")
    AI_GRID = "ai_grid", _("AI网格员")


class CaseType(models.TextChoices):
    CONSULTATION = "consultation", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    SUGGESTION = "suggestion", _("建议")
    PRAISE = "praise", _("表扬")
    OTHER = "other", _("其他")


# Types whose requester is accusing someone: their identity is never shown to property staff.
ACCUSING_TYPES = frozenset({CaseType.COMPLAINT, CaseType.REPORT})


class Category(models.TextChoices):
    PROPERTY_SERVICE = "property_service", _("物业服务")
    REPAIR = "repair", _("设施设备维修")
    ELEVATOR = "elevator", _("电梯")
    UTILITIES = "utilities", _("供水供电供气")
    SANITATION = "sanitation", _("环境卫生")
    GREENERY = "greenery", _("绿化")
    PARKING = "parking", _("停车管理")
    NOISE = "noise", _("噪音扰民")
    ILLEGAL_BUILDING = "illegal_building", _("违章搭建")
    FIRE_SAFETY = "fire_safety", _("消防安全")
    NEIGHBOUR = "neighbour", _("邻里纠纷")
    FEES = "fees", _("物业费与收费")
    COMMON_INCOME = "common_income", _("公共收益")
    COMMITTEE = "committee", _("业委会事务")
    PUBLIC_ORDER = "public_order", _("治安")
    ROADS = "roads", _("市政道路")
    OTHER = "other", _("其他")


# Categories that are about the serving property company's own conduct (its service, its fees,
# its handling of common income): 研判 names that company as the party the case is about
# (被反映物业) even as a 求助, so it never learns who raised it (S9). A repair, a lift or the
# cleaning are work it does for the requester and may need to call them about.
ABOUT_SERVING_COMPANY = frozenset(
    {Category.PROPERTY_SERVICE, Category.FEES, Category.COMMON_INCOME}
)


def category_taxonomy() -> tuple[str, ...]:
    """The platform taxonomy as the triage library sees it: Chinese labels, in display order
    (a function: labels are lazy, and no translation may run while the apps load)."""
    return tuple(source_labels(Category).values())


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
    CRITICAL = "critical", _("特急")


class SlaClass(models.TextChoices):
    """S3 classes; the numbers live in `SlaPolicy` rows (street-editable)."""

    PROPERTY = "property", _("物业类")
    EMERGENCY = "emergency", _("紧急类")
    UTILITIES = "utilities", _("水电气热")
    GENERAL = "general", _("一般类")
    COMPLEX = "complex", _("复杂类")
    PETITION = "petition", _("信访类")


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

    COMPOUND = "compound", _("小区")
    COMMUNITY = "community", _("社区")
    STREET = "street", _("街道")
    DEPARTMENT = "department", _("职能部门")


LEVEL_ORDER: tuple[str, ...] = (Level.COMPOUND, Level.COMMUNITY, Level.STREET, Level.DEPARTMENT)

# A level as the organisation that handles a case, in a sentence told to its requester: the same
# Chinese as the level's label; in English "handed over to the community office", not "to
# Community".
LEVEL_AS_PARTY = {
    Level.COMPOUND: pgettext_lazy("handling party", "小区"),
    Level.COMMUNITY: pgettext_lazy("handling party", "社区"),
    Level.STREET: pgettext_lazy("handling party", "街道"),
    Level.DEPARTMENT: pgettext_lazy("handling party", "职能部门"),
}


def next_level(level: str) -> str | None:
    """The level above `level`, or None at the top (a department has nobody to escalate to)."""
    index = LEVEL_ORDER.index(level)
    return LEVEL_ORDER[index + 1] if index + 1 < len(LEVEL_ORDER) else None


# Where a case escalated past the street goes when no routing rule names a department: the
# street names one by 改派 (services/reassignment.py). Not a name to tell a requester.
UNNAMED_DEPARTMENT = gettext_noop("待街道指定的职能部门")


def department_label(name: str) -> str:
    """A department as stored, but this placeholder (kept in Chinese in the data) in the
    reader's language."""
    return gettext(UNNAMED_DEPARTMENT) if name == UNNAMED_DEPARTMENT else name


def party_for_requester(level: str, company: str = "", department: str = "") -> str | Promise:
    """Who handles a case, as its requester is told: the property company at the compound, a
    department by its name, else the level ("社区"). Organisations only, never a person: the
    requester's page shows the party as the API's case detail does, and no staff member. A
    level is its lazy label: a page reads it in the reader's language, a notice keeps it as
    part of its message (`notifications.texts.label`)."""
    if level == Level.COMPOUND and company:
        return company
    if level == Level.DEPARTMENT and department and department != UNNAMED_DEPARTMENT:
        return department
    return LEVEL_AS_PARTY[Level(level)] if level in Level.values else level


class RatingLevel(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("非常满意")
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")
    VERY_DISSATISFIED = "very_dissatisfied", _("非常不满意")


SATISFIED_LEVELS = frozenset({RatingLevel.VERY_SATISFIED, RatingLevel.SATISFIED, RatingLevel.BASIC})


class RatingVia(models.TextChoices):
    ONLINE = "online", _("线上评价")
    PHONE = "phone", _("电话回访")
    VISIT = "visit", _("上门回访")


class NotAcceptedReason(models.TextChoices):
    """S7: matters that belong to another procedure; the requester is told which one."""

    LITIGATION = "litigation", _("已进入诉讼程序")
    ARBITRATION = "arbitration", _("已进入仲裁程序")
    ADMIN_REVIEW = "admin_review", _("已进入行政复议程序")
    DISCIPLINE = "discipline", _("属纪检监察事项")
    CONCLUDED = "concluded", _("已依法办结")


# The channel named to the requester for each reason (S7).
NOT_ACCEPTED_CHANNEL: dict[str, str | Promise] = {
    NotAcceptedReason.LITIGATION: _("请通过人民法院诉讼程序解决"),
    NotAcceptedReason.ARBITRATION: _("请通过仲裁机构依法解决"),
    NotAcceptedReason.ADMIN_REVIEW: _("请通过行政复议机关依法解决"),
    NotAcceptedReason.DISCIPLINE: _("请向纪检监察机关反映"),
    NotAcceptedReason.CONCLUDED: _("如有异议，可向原办理机关的上一级机关申请复查"),
}


class AttachmentKind(models.TextChoices):
    EVIDENCE = "evidence", _("处置凭证")
    PHOTO = "photo", _("现场照片")
