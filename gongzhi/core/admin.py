from typing import Any

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from gongzhi.core.masking import mask_phone
from gongzhi.core.models import AuditRecord, CalendarOverride, PhoneSms


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    """Read-only: overrides are entered on 设置 › 工作日历, whose service requires the 依据 and
    records every change in the audit log; the admin's own form did neither."""

    list_display = ("date", "is_workday", "note", "edit_in_settings")
    readonly_fields = ("edit_in_settings",)

    @admin.display(description=_("修改"))
    def edit_in_settings(self, obj: CalendarOverride) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("cases:settings_calendar"),
            _("在 设置 › 工作日历 中修改"),
        )

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    """Read-only: the audit log has no update or delete path (domain rule G4)."""

    list_display = ("seq", "created_at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action", "outcome")
    search_fields = ("actor_label", "action", "object_id")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(PhoneSms)
class PhoneSmsAdmin(admin.ModelAdmin):
    """Texts to numbers without an account: read-only, the number always masked (G1)."""

    list_display = ("created_at", "masked_phone", "kind", "status", "attempts", "sent_at")
    list_filter = ("status", "kind")
    fields = readonly_fields = (
        "masked_phone",
        "kind",
        "text",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
        "created_at",
    )

    @admin.display(description="手机号")
    def masked_phone(self, obj: PhoneSms) -> str:
        return mask_phone(obj.phone)

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
