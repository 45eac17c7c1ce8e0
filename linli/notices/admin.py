"""Notices in the admin: read-only (every write goes through the services: the fan-out, the
versions and the delivery records must stay consistent), scoped to the area."""

from __future__ import annotations

from django.contrib import admin

from linli.accounts.roles import ADMIN_ROLES, Role
from linli.core.admin import ReadOnlyAdmin, ScopedAdmin

from .models import Notice, NoticeBuilding, NoticeHousehold, NoticeVersion

SCOPE = (Role.CASEWORKER, *ADMIN_ROLES)


class VersionInline(admin.TabularInline):
    model = NoticeVersion
    extra = 0
    can_delete = False
    fields = ("number", "title", "note", "created_at", "superseded_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope_roles = SCOPE
    list_display = ("title", "status", "urgency", "must_reach", "area_name", "households_total", "published_at", "version")
    list_filter = ("status", "urgency", "must_reach")
    search_fields = ("title",)
    exclude = ("household_ids",)
    inlines = (VersionInline,)


@admin.register(NoticeHousehold)
class NoticeHouseholdAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope_roles = SCOPE
    list_display = ("notice", "household_id", "building_id", "region_path", "reached_at", "how", "by")
    list_filter = ("how",)
    list_select_related = ("notice", "by")
    raw_id_fields = ("notice", "household", "building", "by")


@admin.register(NoticeBuilding)
class NoticeBuildingAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope_roles = SCOPE
    list_display = ("notice", "building_id", "region_path", "total", "reached", "confirmed", "without_representative", "gaps_at")
    list_select_related = ("notice",)
    raw_id_fields = ("notice", "building")
