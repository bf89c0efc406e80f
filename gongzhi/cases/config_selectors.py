"""Reads of the street's settings pages (设置), scoped like every read."""

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext, gettext_noop, ngettext

from gongzhi.cases.models import RoutingRule, SlaPolicy
from gongzhi.core.calendar import local_zone, official_last_year, upcoming_uncovered_years
from gongzhi.core.models import CalendarOverride
from gongzhi.org.models import Compound, Role
from gongzhi.org.scopes import scope_for


def duration_label(minutes: int) -> str:
    """15 分钟, 24 小时, 15 天: the largest whole unit, as the street writes its rules."""
    if minutes % (24 * 60) == 0 and minutes >= 2 * 24 * 60:
        days = minutes // (24 * 60)
        return ngettext("%(n)d 天", "%(n)d 天", days) % {"n": days}
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(n)d 小时", "%(n)d 小时", hours) % {"n": hours}
    return ngettext("%(n)d 分钟", "%(n)d 分钟", minutes) % {"n": minutes}


def _working_days(days: int) -> str:
    return ngettext("%(n)d 个工作日", "%(n)d 个工作日", days) % {"n": days}


# The default classes' names as the data migration wrote them (0002_default_sla_policies), in
# Chinese in the data: shown in the reader's language while the street keeps them. A class the
# street renamed is shown as typed.
DEFAULT_POLICY_NAMES = frozenset(
    {
        gettext_noop("物业类（15分钟响应、24小时处置）"),
        gettext_noop("紧急类（2小时处置）"),
        gettext_noop("水电气热（24小时）"),
        gettext_noop("一般类（5个工作日）"),
        gettext_noop("复杂类（15个工作日）"),
        gettext_noop("信访类（15日内受理、60日内办结，可延30日一次）"),
    }
)


def policy_name(policy: SlaPolicy) -> str:
    """An SLA class's name for display: a default one translated, a street's own as typed."""
    name = policy.name
    return gettext(name) if name in DEFAULT_POLICY_NAMES else name


def sla_policies() -> list[dict[str, Any]]:
    """Each SLA class with its figures written for people."""
    rows = []
    for policy in SlaPolicy.objects.order_by("id"):
        if policy.clock == SlaPolicy.Clock.WORKING_DAYS:
            resolve = _working_days(policy.resolve_working_days or 0)
            escalation = _working_days(policy.escalation_working_days or 0)
        else:
            resolve = duration_label((policy.resolve_hours or 0) * 60)
            escalation = duration_label(policy.escalation_hours * 60)
        rows.append(
            {
                "policy": policy,
                "respond": duration_label(policy.respond_minutes),
                "resolve": resolve,
                "escalation": escalation,
            }
        )
    return rows


def configurable_compounds(user: Any) -> QuerySet[Compound]:
    """Compounds whose routing rules the user may set: those under their street grants."""
    scope = scope_for(user)
    return (
        Compound.objects.filter(scope.q("path", {Role.STREET_OFFICER}))
        .select_related("community")
        .order_by("community__name", "name")
    )


def routing_rules(user: Any, compound: Compound | None = None) -> QuerySet[RoutingRule]:
    """The street defaults and the rules of the user's compounds (or of one of them)."""
    rules = RoutingRule.objects.select_related("compound", "company")
    if compound is not None:
        rules = rules.filter(Q(compound=compound) | Q(compound__isnull=True))
    else:
        rules = rules.filter(
            Q(compound__isnull=True) | Q(compound__in=configurable_compounds(user))
        )
    return rules.order_by("compound__name", "category")


def routing_rule(user: Any, pk: int) -> RoutingRule:
    return get_object_or_404(routing_rules(user), pk=pk)


def calendar_overrides(today: dt.date | None = None) -> dict[str, Any]:
    """Overrides from the start of last year on (older ones no longer move a deadline), and
    what the installed holiday library covers."""
    today = today or dt.datetime.now(local_zone()).date()
    since = dt.date(today.year - 1, 1, 1)
    return {
        "overrides": CalendarOverride.objects.filter(date__gte=since).order_by("date"),
        "official_last_year": official_last_year(),
        "uncovered_years": upcoming_uncovered_years(today),
    }
