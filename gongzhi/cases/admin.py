"""Admin: the street edits SLA policies and routing rules (config is data, style rule 7).

Cases are read-only here: every change of a case goes through `cases.services`, so that the
transition table, the event timeline and the audit log cannot be bypassed.
"""

from typing import Any

from django.contrib import admin

from gongzhi.cases.models import Case, CaseEvent, RoutingRule, SlaPolicy
from gongzhi.core import audit


class AuditedConfigAdmin(admin.ModelAdmin):
    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit.record(
            action=f"cases.{obj._meta.model_name}_{'change' if change else 'add'}",
            actor=request.user,
            obj=obj,
            detail={"fields": sorted(form.changed_data)},
        )


@admin.register(SlaPolicy)
class SlaPolicyAdmin(AuditedConfigAdmin):
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
    )

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # every class must keep a policy


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedConfigAdmin):
    list_display = ("category", "compound", "level", "company", "department")
    list_filter = ("category", "level")
    autocomplete_fields = ("compound", "company")


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
