"""Admin: routing rules (config is data, style rule 7); SLA policies are shown read-only.

SLA policies are changed only on the street's 设置 › 办理时限 page, whose service checks every
figure's range and records old and new values in the audit log: the admin's own form checked
neither, and a figure such as 0 or 2,000,000,000 hours broke 交办 and the SLA sweep.

Cases are read-only here: every change of a case goes through `cases.services`, so that the
transition table, the event timeline and the audit log cannot be bypassed.
"""

from typing import Any

from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.models import Case, CaseEvent, RoutingRule, SlaPolicy
from gongzhi.core.admin_readonly import EditedInSettingsAdmin


@admin.register(SlaPolicy)
class SlaPolicyAdmin(EditedInSettingsAdmin):
    """One place to change a policy, with one set of checks and one audit (every class must
    keep a policy: none is added or deleted here either)."""

    list_display = (
        "name",
        "code",
        "respond_minutes",
        "clock",
        "resolve_hours",
        "resolve_working_days",
        "escalation_hours",
        "escalation_working_days",
        "max_extensions",
        "auto_close_days",
        "edit_in_settings",
    )
    settings_place = _("在 设置 › 办理时限 中修改")

    def settings_url(self, obj: SlaPolicy) -> str:
        return reverse("cases:settings_sla_edit", args=[obj.code])


@admin.register(RoutingRule)
class RoutingRuleAdmin(EditedInSettingsAdmin):
    """Like the SLA classes: 设置 › 派单规则 checks a rule (a company that does not serve the
    compound, a department for a compound-level rule …) and audits it."""

    list_display = ("category", "compound", "level", "company", "department", "edit_in_settings")
    list_filter = ("category", "level")
    settings_place = _("在 设置 › 派单规则 中修改")

    def settings_url(self, obj: RoutingRule) -> str:
        return reverse("cases:settings_routing_edit", args=[obj.pk])


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    fields = ("created_at", "kind", "old_status", "new_status", "actor", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "compound", "status", "category", "due_at", "created_at")
    list_filter = ("status", "channel", "category", "supervised")
    search_fields = ("number", "title", "external_order_no")
    # Requester name and phone are left out on purpose (S9, G2).
    exclude = ("requester_name", "requester_phone", "requester_phone_key")
    inlines = [CaseEventInline]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        return [f.name for f in Case._meta.fields if f.name not in self.exclude]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return request.method in ("GET", "HEAD") and super().has_view_permission(request, obj)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
