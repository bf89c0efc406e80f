from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongzhi.core.admin_readonly import EditedInSettingsAdmin, ReadOnlyAdmin
from gongzhi.core.masking import mask_phone
from gongzhi.core.models import AuditRecord, CalendarOverride, PhoneSms


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(EditedInSettingsAdmin):
    """Overrides are entered on 设置 › 工作日历, whose service requires the 依据 and records every
    change in the audit log; the admin's own form did neither."""

    list_display = ("date", "is_workday", "note", "edit_in_settings")
    settings_place = _("在 设置 › 工作日历 中修改")

    def settings_url(self, obj: CalendarOverride) -> str:
        return reverse("cases:settings_calendar")


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    """The audit log has no update or delete path (domain rule G4)."""

    list_display = ("seq", "created_at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action", "outcome")
    search_fields = ("actor_label", "action", "object_id")


@admin.register(PhoneSms)
class PhoneSmsAdmin(ReadOnlyAdmin):
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
