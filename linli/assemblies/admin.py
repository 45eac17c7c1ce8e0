"""Owners' assemblies change only through their services (pages and API): the admin reads them,
scoped to the area. Ballots show no choice, proxies no document, rolls no owner's phone."""

from __future__ import annotations

from django.contrib import admin

from linli.core.admin import ReadOnlyAdmin, ScopedAdmin

from .models import Assembly, Matter, Roll, RollCorrection
from .rules import FOLLOW_ROLES

SCOPE = tuple(str(r) for r in FOLLOW_ROLES)


class MatterInline(admin.TabularInline):
    model = Matter
    extra = 0
    fields = ("no", "item", "title", "result")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class CorrectionInline(admin.TabularInline):
    model = RollCorrection
    extra = 0
    fields = ("field", "before", "after", "reason", "by", "at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Assembly)
class AssemblyAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope_roles = SCOPE
    list_display = ("title", "status", "convener", "opens_at", "closes_at", "escalation_level", "announced_at")
    list_filter = ("status", "convener", "named")
    search_fields = ("title", "convener_name", "region_path")
    exclude = ("record",)
    inlines = (MatterInline,)


@admin.register(Roll)
class RollAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope_roles = SCOPE
    list_display = ("scope_name", "status", "total_units", "total_heads", "total_area", "locked_at")
    list_filter = ("status",)
    search_fields = ("scope_name", "region_path")
    inlines = (CorrectionInline,)
