"""Admin for Open311 keys (created by street officers) and a read-only view of API tokens."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from gongzhi.api import services
from gongzhi.api.models import ApiToken, Open311Client


class Open311ClientForm(forms.ModelForm):
    class Meta:
        model = Open311Client
        fields = ["name", "street", "requests_per_minute"]


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    form = Open311ClientForm
    list_display = ["name", "street", "prefix", "requests_per_minute", "created_at", "revoked_at"]
    list_filter = ["street"]
    actions = ["revoke"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["name", "street", "requests_per_minute"] if obj else []

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            return  # keys are immutable: revoke and create a new one
        try:
            issued = services.open311_client_create(
                actor=request.user,
                name=obj.name,
                street=obj.street,
                requests_per_minute=obj.requests_per_minute,
            )
        except (ValidationError, PermissionDenied) as exc:
            raise PermissionDenied(str(exc)) from exc
        obj.pk = issued.obj.pk
        messages.warning(request, f"新密钥（只显示这一次，请立即保存）：{issued.secret}")

    @admin.action(description="撤销所选密钥")
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        for client in queryset:
            services.open311_client_revoke(actor=request.user, client=client)
        self.message_user(request, "已撤销。")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "prefix", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = list_display

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
