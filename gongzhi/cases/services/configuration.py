"""The street's configuration of the closed loop (style rule 7: configuration is data edited in
the UI): SLA classes (S3), routing rules (category → party, per compound or street-wide) and the
working-day calendar's overrides. Each change is audited; a change applies to deadlines set and
suggestions made after it, never to deadlines already running."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases import policies
from gongzhi.cases.choices import Category, Level
from gongzhi.cases.models import RoutingRule, SlaPolicy
from gongzhi.core import audit
from gongzhi.core.models import CalendarOverride
from gongzhi.org.models import Compound, PropertyCompany
from gongzhi.org.scopes import current_company_compounds

SLA_FIELDS = (
    "name",
    "respond_minutes",
    "clock",
    "resolve_hours",
    "resolve_working_days",
    "escalation_hours",
    "escalation_working_days",
    "warn_percent",
    "max_extensions",
    "extension_days",
    "auto_close_days",
    "source",
)


def _check_configure(actor: Any, compound: Compound | None = None) -> None:
    """`compound=None`: a setting shared by every street of the deployment."""
    if policies.can_configure_compound(actor, compound):
        return
    if compound is None:
        raise PermissionDenied(_("这是各街道共用的设置，仅负责全部街道的工作人员可以修改"))
    raise PermissionDenied(_("仅该小区所在街道的工作人员可以修改它的派单规则"))


@transaction.atomic
def sla_policy_update(*, actor: Any, policy: SlaPolicy, **changes: Any) -> SlaPolicy:
    """Change an SLA class's deadlines. Only the clock's own resolve figure is kept, and the
    escalation figure in the clock's own unit (a working-day class keeps its stored hours
    when none are given: they no longer govern it)."""
    _check_configure(actor)
    unknown = set(changes) - set(SLA_FIELDS)
    if unknown:
        raise ValueError(f"not an SLA policy field: {sorted(unknown)}")
    locked = SlaPolicy.objects.select_for_update().get(pk=policy.pk)
    before = {field: getattr(locked, field) for field in SLA_FIELDS}
    for field, value in changes.items():
        setattr(locked, field, value)
    if locked.clock == SlaPolicy.Clock.HOURS:
        locked.resolve_working_days = None
        locked.escalation_working_days = None
    else:
        locked.resolve_hours = None
        if locked.escalation_hours is None:
            locked.escalation_hours = before["escalation_hours"]
    _check_sla(locked)
    locked.save()
    changed = {
        field: [str(before[field]), str(getattr(locked, field))]
        for field in SLA_FIELDS
        if before[field] != getattr(locked, field)
    }
    if changed:
        audit.record(action="cases.slapolicy_change", actor=actor, obj=locked, detail=changed)
    return locked


# (field, lowest, highest): wide enough for any real class, narrow enough to catch a slip.
SLA_RANGES = (
    ("respond_minutes", 1, 7 * 24 * 60),
    ("resolve_hours", 1, 24 * 366),
    ("resolve_working_days", 1, 250),
    ("escalation_hours", 1, 24 * 30),
    ("escalation_working_days", 1, 60),
    ("warn_percent", 0, 90),
    ("max_extensions", 0, 10),
    ("extension_days", 1, 90),
    ("auto_close_days", 1, 90),
)


def _check_sla(policy: SlaPolicy) -> None:
    errors: dict[str, str] = {}
    if not str(policy.name).strip():
        errors["name"] = _("请填写名称")
    if policy.clock not in SlaPolicy.Clock.values:
        errors["clock"] = _("请选择计时方式")
    elif policy.clock == SlaPolicy.Clock.HOURS and policy.resolve_hours is None:
        errors["resolve_hours"] = _("按自然小时计时须填写处置时限（小时）")
    elif policy.clock == SlaPolicy.Clock.WORKING_DAYS and policy.resolve_working_days is None:
        errors["resolve_working_days"] = _("按工作日计时须填写处置时限（工作日）")
    if policy.clock == SlaPolicy.Clock.HOURS and policy.escalation_hours is None:
        errors["escalation_hours"] = _("按自然小时计时须填写超时升级后上一级的处置时限（小时）")
    elif policy.clock == SlaPolicy.Clock.WORKING_DAYS and policy.escalation_working_days is None:
        errors["escalation_working_days"] = _(
            "按工作日计时须填写超时升级后上一级的处置时限（工作日）"
        )
    for field, lowest, highest in SLA_RANGES:
        value = getattr(policy, field)
        if value is not None and not lowest <= value <= highest and field not in errors:
            errors[field] = _("应在 %(low)s 到 %(high)s 之间") % {"low": lowest, "high": highest}
    if errors:
        raise ValidationError(errors)


def _check_rule(
    compound: Compound | None, level: str, company: PropertyCompany | None, department: str
) -> None:
    errors: dict[str, str] = {}
    if level == Level.DEPARTMENT and not department.strip():
        errors["department"] = _("派往职能部门须填写部门名称")
    if level != Level.DEPARTMENT and department.strip():
        errors["department"] = _("只有派往职能部门时才填写部门名称")
    if company is not None and level != Level.COMPOUND:
        errors["company"] = _("只有派往小区时才指定物业企业")
    if company is not None and compound is None:
        errors["company"] = _("街道默认规则不能指定物业企业：派往小区时由该小区当前的物业企业承办")
    elif company is not None and compound.path not in current_company_compounds({company.pk}):
        errors["company"] = _("该物业企业目前不服务这个小区")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def routing_rule_save(
    *,
    actor: Any,
    rule: RoutingRule | None = None,
    compound: Compound | None,
    category: str,
    level: str,
    company: PropertyCompany | None = None,
    department: str = "",
) -> RoutingRule:
    """Add a rule (`rule=None`) or change one. One rule per compound and category, and one
    street default per category; a compound's rule wins over the default."""
    _check_configure(actor, compound)
    if rule is not None:
        _check_configure(actor, rule.compound)
    if category not in Category.values:
        raise ValidationError({"category": _("请选择类别")})
    if level not in Level.values:
        raise ValidationError({"level": _("请选择责任层级")})
    _check_rule(compound, level, company, department)
    target = rule or RoutingRule()
    created = rule is None
    target.compound, target.category, target.level = compound, category, level
    target.company, target.department = company, department.strip()
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError:
        if compound is None:
            raise ValidationError({"category": _("此类别已有街道默认派单规则")}) from None
        raise ValidationError({"category": _("该小区此类别已有派单规则")}) from None
    audit.record(
        action=f"cases.routingrule_{'add' if created else 'change'}",
        actor=actor,
        obj=target,
        detail=_rule_detail(target),
    )
    return target


@transaction.atomic
def routing_rule_delete(*, actor: Any, rule: RoutingRule) -> None:
    _check_configure(actor, rule.compound)
    _delete_audited(actor, rule, "cases.routingrule_delete", _rule_detail(rule))


def _rule_detail(rule: RoutingRule) -> dict[str, Any]:
    return {
        "compound": rule.compound_id,
        "category": rule.category,
        "level": rule.level,
        "company": rule.company_id,
        "department": rule.department,
    }


def calendar_years() -> tuple[int, int]:
    """The years an override may fall in: none before 2000 (no case is older, see
    `intake.EARLIEST_RECEIVED`), none beyond the year after next (the State Council publishes a
    year's holidays in the November before)."""
    return 2000, timezone.localdate().year + 2


@transaction.atomic
def calendar_override_save(
    *, actor: Any, date: dt.date, is_workday: bool, note: str = ""
) -> CalendarOverride:
    """Mark one date a working day or a rest day, whatever the official calendar says (a
    make-up workday, a holiday the library does not know yet, a local closure)."""
    _check_configure(actor)
    first, last = calendar_years()
    if not first <= date.year <= last:
        raise ValidationError(
            {"date": _("日期须在 %(first)s 年至 %(last)s 年之间") % {"first": first, "last": last}}
        )
    if not note.strip():
        raise ValidationError({"note": _("请写明依据，例如“国务院办公厅2027年节假日安排”")})
    override, created = CalendarOverride.objects.update_or_create(
        date=date, defaults={"is_workday": is_workday, "note": note.strip()[:200]}
    )
    audit.record(
        action=f"core.calendaroverride_{'add' if created else 'change'}",
        actor=actor,
        obj=override,
        detail={"date": date.isoformat(), "is_workday": is_workday, "note": override.note},
    )
    return override


@transaction.atomic
def calendar_override_delete(*, actor: Any, override: CalendarOverride) -> None:
    _check_configure(actor)
    detail = {"date": override.date.isoformat(), "is_workday": override.is_workday}
    _delete_audited(actor, override, "core.calendaroverride_delete", detail)


def _delete_audited(actor: Any, obj: Any, action: str, detail: dict[str, Any]) -> None:
    """Delete one setting row and record what it was (the row itself is gone afterwards)."""
    pk = obj.pk
    type(obj).objects.filter(pk=pk).delete()
    audit.record(
        action=action,
        actor=actor,
        object_type=obj._meta.label_lower,
        object_id=str(pk),
        detail=detail,
    )
