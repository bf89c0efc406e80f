"""The Django admin serves staff for reference data (the tree, companies, contracts, grids).

Nodes are created through `org.services` so that their paths are set; the admin edits names
and attributes only.
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from gongzhi.org import models, services


class NodeAdmin(admin.ModelAdmin):
    readonly_fields = ("path",)
    search_fields = ("name",)


@admin.register(models.Street)
class StreetAdmin(NodeAdmin):
    list_display = ("name", "code", "district", "city")

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
        else:
            created = services.street_create(
                name=obj.name, code=obj.code, district=obj.district, city=obj.city
            )
            obj.pk, obj.path = created.pk, created.path


@admin.register(models.Community)
class CommunityAdmin(NodeAdmin):
    list_display = ("name", "street")

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
        else:
            created = services.community_create(street=obj.street, name=obj.name)
            obj.pk, obj.path = created.pk, created.path


@admin.register(models.Compound)
class CompoundAdmin(NodeAdmin):
    list_display = ("name", "community", "address")
    list_filter = ("community",)

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
        else:
            created = services.compound_create(
                community=obj.community,
                name=obj.name,
                address=obj.address,
                latitude=obj.latitude,
                longitude=obj.longitude,
                built_year=obj.built_year,
            )
            obj.pk, obj.path = created.pk, created.path


@admin.register(models.Building)
class BuildingAdmin(NodeAdmin):
    list_display = ("name", "compound", "floors")
    list_filter = ("compound__community",)

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
        else:
            created = services.building_create(
                compound=obj.compound, name=obj.name, floors=obj.floors
            )
            obj.pk, obj.path = created.pk, created.path


@admin.register(models.PropertyCompany)
class PropertyCompanyAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "hotline")
    search_fields = ("name",)


class CommitmentInline(admin.TabularInline):
    model = models.Commitment
    extra = 0


@admin.register(models.ServiceContract)
class ServiceContractAdmin(admin.ModelAdmin):
    list_display = ("company", "compound", "fee_mode", "start", "end")
    list_filter = ("fee_mode", "company")
    inlines = [CommitmentInline]


@admin.register(models.Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ("name", "community")
    filter_horizontal = ("buildings", "workers")


@admin.register(models.User)
class GongzhiUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("共治", {"fields": ("display_name", "person")}))
    raw_id_fields = ("person",)


@admin.register(models.RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    """Grants are read here; they are given through `org.services.role_grant` (audited)."""

    list_display = ("user", "role", "scope_label", "company", "granted_at")
    list_filter = ("role",)

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
