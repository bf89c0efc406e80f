"""街道设置: the street edits its SLA classes, routing rules and working-day calendar here
(style rule 7) instead of in the administrators' back office."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.cases import config_selectors, policies
from gongzhi.cases.forms.configuration import (
    CalendarOverrideForm,
    RoutingRuleForm,
    SlaPolicyForm,
)
from gongzhi.cases.models import SlaPolicy
from gongzhi.cases.services import configuration
from gongzhi.core.calendar import upcoming_uncovered_years
from gongzhi.core.models import CalendarOverride
from gongzhi.core.parsing import parse_id


def _require(user: Any, shared: bool = False) -> None:
    if not policies.can_configure(user):
        raise PermissionDenied(_("仅街道工作人员可修改设置"))
    if shared and not policies.can_configure_shared(user):
        raise PermissionDenied(_("这是各街道共用的设置，仅负责全部街道的工作人员可以修改"))


def _apply(form: Any, service: Callable[..., Any], **kwargs: Any) -> bool:
    """Call a service; its ValidationError lands on the form's fields, so nothing is lost."""
    try:
        service(**kwargs)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return False
    return True


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    context.setdefault("uncovered_years", upcoming_uncovered_years())
    context["can_edit_shared"] = policies.can_configure_shared(request.user)
    form = context.get("form")
    status = 400 if form is not None and form.errors else 200
    return render(request, f"cases/settings/{template}", context, status=status)


@login_required
def sla_list(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    context = {"policies": config_selectors.sla_policies(), "section": "sla"}
    return _render(request, "sla_list.html", context)


@login_required
def sla_edit(request: HttpRequest, code: str) -> HttpResponse:
    _require(request.user, shared=True)
    policy = get_object_or_404(SlaPolicy, code=code)
    initial = {field: getattr(policy, field) for field in configuration.SLA_FIELDS}
    if policy.clock == SlaPolicy.Clock.WORKING_DAYS:
        initial["escalation_hours"] = None  # kept in store, but working days govern (S4)
    form = SlaPolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _apply(form, configuration.sla_policy_update, actor=request.user, policy=policy, **data):
            messages.success(
                request,
                _("已保存「%(name)s」：此后交办的诉求按新时限计时，已在计时的不变")
                % {"name": data["name"]},
            )
            return redirect("cases:settings_sla")
    return _render(request, "sla_form.html", {"form": form, "policy": policy, "section": "sla"})


@login_required
def routing_list(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    compounds = config_selectors.configurable_compounds(request.user)
    compound = None
    if (wanted := parse_id(request.GET.get("compound"))) is not None:  # else: every compound
        compound = get_object_or_404(compounds, pk=wanted)
    context = {
        "rules": config_selectors.routing_rules(request.user, compound),
        "compounds": compounds,
        "compound": compound,
        "section": "routing",
    }
    return _render(request, "routing_list.html", context)


@login_required
def routing_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add a rule (no pk) or change one. A rule out of the user's scope is not found (404)."""
    rule = config_selectors.routing_rule(request.user, pk) if pk is not None else None
    _require(request.user)
    compounds = config_selectors.configurable_compounds(request.user)
    initial: dict[str, Any] = {"compound": request.GET.get("compound")}
    if rule is not None:
        initial = {
            "compound": rule.compound_id,
            "category": rule.category,
            "level": rule.level,
            "company": rule.company_id,
            "department": rule.department,
        }
    form = RoutingRuleForm(
        request.POST or None,
        initial=initial,
        compounds=compounds,
        street_wide=policies.can_configure_shared(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _apply(form, configuration.routing_rule_save, actor=request.user, rule=rule, **data):
            messages.success(request, _("派单规则已保存，此后研判的诉求按新规则建议承办单位"))
            return redirect("cases:settings_routing")
    context = {"form": form, "rule": rule, "section": "routing"}
    return _render(request, "routing_form.html", context)


@login_required
@require_POST
def routing_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = config_selectors.routing_rule(request.user, pk)
    _require(request.user)
    configuration.routing_rule_delete(actor=request.user, rule=rule)
    messages.success(request, _("派单规则已删除"))
    return redirect("cases:settings_routing")


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    """The overrides, the library's coverage, and the form to add one."""
    _require(request.user)
    form = CalendarOverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _apply(
            form, configuration.calendar_override_save, actor=request.user, **form.cleaned_data
        ):
            messages.success(
                request,
                _("已保存 %(date)s：此后计算的工作日期限按此执行")
                % {"date": form.cleaned_data["date"].isoformat()},
            )
            return redirect("cases:settings_calendar")
    context = {"form": form, "section": "calendar", **config_selectors.calendar_overrides()}
    return _render(request, "calendar.html", context)


@login_required
@require_POST
def calendar_delete(request: HttpRequest, day: dt.date) -> HttpResponse:
    _require(request.user, shared=True)
    override = get_object_or_404(CalendarOverride, date=day)
    configuration.calendar_override_delete(actor=request.user, override=override)
    messages.success(request, _("已删除 %(date)s 的调整") % {"date": override.date.isoformat()})
    return redirect("cases:settings_calendar")
