"""SLA deadlines (S3) from the street-editable `SlaPolicy` rows and the working-day calendar."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gongzhi.cases.models import SlaPolicy
from gongzhi.core.calendar import WorkingCalendar, add_clock_hours


@dataclass(frozen=True)
class Window:
    """One deadline window: when it started, when to warn, when it ends."""

    started_at: dt.datetime
    warn_at: dt.datetime
    due_at: dt.datetime


def policy_for(sla_class: str) -> SlaPolicy:
    try:
        return SlaPolicy.objects.get(code=sla_class)
    except SlaPolicy.DoesNotExist:
        raise ValidationError({"sla_class": _("未配置该时限类别的办理时限")}) from None


def warn_time(start: dt.datetime, due: dt.datetime, policy: SlaPolicy) -> dt.datetime:
    """Warn when `warn_percent` of the window is left (20 % of 24 h: 4.8 h before the end)."""
    return due - (due - start) * policy.warn_percent / 100


def resolve_window(policy: SlaPolicy, start: dt.datetime, calendar: WorkingCalendar | None = None):
    """The resolve deadline of a freshly dispatched case: clock hours or working days."""
    if policy.clock == SlaPolicy.Clock.WORKING_DAYS:
        calendar = calendar or WorkingCalendar()
        due = calendar.add_working_days(start, policy.resolve_working_days)
    else:
        due = add_clock_hours(start, policy.resolve_hours)
    return Window(start, warn_time(start, due, policy), due)


def respond_due(policy: SlaPolicy, start: dt.datetime) -> dt.datetime:
    return start + dt.timedelta(minutes=policy.respond_minutes)


def escalation_window(policy: SlaPolicy, start: dt.datetime) -> Window:
    """The next level's own deadline (S4), in clock hours."""
    due = add_clock_hours(start, policy.escalation_hours)
    return Window(start, warn_time(start, due, policy), due)


def extension_limit(policy: SlaPolicy, due_at: dt.datetime) -> dt.datetime:
    return due_at + dt.timedelta(days=policy.extension_days)


def ensure_default_policies() -> None:
    """Create any missing default policy (S3) exactly as the data migration does.

    Used where the rows may be gone: benchmark seeding on a database whose policies were
    deleted, and tests after a transactional flush.
    """
    import importlib

    from django.apps import apps

    migration = importlib.import_module("gongzhi.cases.migrations.0002_default_sla_policies")
    migration.create(apps, None)
