"""Admin pages that only show: records with one write path elsewhere (an append-only log, or
configuration whose service checks and audits every change under 设置)."""

from typing import Any

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


class ReadOnlyAdmin(admin.ModelAdmin):
    """No add, change or delete in the admin."""

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class EditedInSettingsAdmin(ReadOnlyAdmin):
    """Configuration edited under 设置 (one set of checks, one audit): each row links there.
    Subclasses give `settings_url(obj)` and `settings_place` (the page's name, translated)."""

    settings_place: Any = ""
    readonly_fields = ("edit_in_settings",)

    def settings_url(self, obj: Any) -> str:
        raise NotImplementedError

    @admin.display(description=_("修改"))
    def edit_in_settings(self, obj: Any) -> str:
        return format_html('<a href="{}">{}</a>', self.settings_url(obj), self.settings_place)
