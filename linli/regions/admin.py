from __future__ import annotations

from django.contrib import admin

from linli.core.admin import AuditedAdmin, ReadOnlyAdmin, ScopedAdmin

from .models import (
    Building,
    Compound,
    HomeVisit,
    Household,
    ImportBatch,
    MobilisationDuty,
    Ownership,
    RegionNode,
    Resident,
    Room,
    Unit,
)


@admin.register(RegionNode)
class RegionNodeAdmin(AuditedAdmin, ScopedAdmin):
    scope_field = "path"
    list_display = ("code", "name", "level", "full_name")
    list_filter = ("level",)
    search_fields = ("code", "name", "full_name")
    ordering = ("path",)
    readonly_fields = ("path",)
    raw_id_fields = ("parent",)

    # RegionNode.clean() derives ``path`` from code and level and checks it against the parent.


@admin.register(Compound)
class CompoundAdmin(AuditedAdmin, ScopedAdmin):
    list_display = ("name", "grid", "address")
    search_fields = ("name", "address")
    raw_id_fields = ("grid",)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        obj.region_path = obj.grid.path
        super().save_model(request, obj, form, change)


@admin.register(Building)
class BuildingAdmin(AuditedAdmin, ScopedAdmin):
    list_display = ("__str__", "grid", "floors")
    search_fields = ("name", "compound__name")
    raw_id_fields = ("compound", "grid")

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        obj.region_path = obj.grid.path
        super().save_model(request, obj, form, change)


class ScopedReadOnly(ReadOnlyAdmin, ScopedAdmin):
    """Registry records change through the workbench and API, where rules and audit apply."""


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("__str__",)
    search_fields = ("building__name", "building__compound__name")

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        qs = super().get_queryset(request).select_related("building__compound")
        if request.user.is_superuser:
            return qs
        from linli.accounts.roles import REGISTRY_ROLES
        from linli.accounts.selectors import scope_paths, scope_q

        return qs.filter(scope_q(scope_paths(request.user, REGISTRY_ROLES), "building__region_path"))


@admin.register(Room)
class RoomAdmin(ScopedReadOnly):
    list_display = ("address", "floor", "exclusive_area", "use")
    list_filter = ("use",)
    search_fields = ("address",)


@admin.register(Ownership)
class OwnershipAdmin(ScopedReadOnly):
    scope_field = "room__region_path"
    list_display = ("room", "kind", "owner_name", "share")
    list_filter = ("kind",)


@admin.register(Household)
class HouseholdAdmin(ScopedReadOnly):
    list_display = ("number", "room", "representative")
    search_fields = ("number", "room__address")


@admin.register(Resident)
class ResidentAdmin(ScopedReadOnly):
    list_display = ("name", "gender", "birth_date", "masked_id", "masked_phone", "grid")
    search_fields = ("name", "name_initials", "name_pinyin")
    list_filter = ("gender",)
    exclude = ("id_number", "phone", "sensitive_tags")
    readonly_fields = ("masked_id", "masked_phone")


@admin.register(MobilisationDuty)
class MobilisationDutyAdmin(ScopedReadOnly):
    list_display = ("building", "kind", "resident", "active")
    list_filter = ("kind", "active")


@admin.register(HomeVisit)
class HomeVisitAdmin(ScopedReadOnly):
    list_display = ("visited_on", "household", "purpose", "visitor", "needs_follow_up")
    list_filter = ("purpose", "needs_follow_up")


@admin.register(ImportBatch)
class ImportBatchAdmin(ScopedReadOnly):
    list_display = ("created_at", "filename", "kind", "status", "total_rows", "error_rows", "imported_rows", "uploaded_by")
    exclude = ("file",)
    list_filter = ("kind", "status")
