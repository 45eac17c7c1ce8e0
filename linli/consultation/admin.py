"""Consultation in the admin: the list of matters is configuration (superusers edit it, audited);
everything else is read-only and scoped to the area — topics, meetings and resolutions move only
through the services (lifecycles, timeline, notifications)."""

from __future__ import annotations

from django.contrib import admin

from linli.accounts.roles import ADMIN_ROLES, Role
from linli.core.admin import AuditedAdmin, ReadOnlyAdmin, ScopedAdmin

from .models import Body, BodyMember, Event, Matter, Meeting, Resolution, Settings, Topic

SCOPE = (Role.CASEWORKER, *ADMIN_ROLES)


@admin.register(Matter)
class MatterAdmin(AuditedAdmin, ScopedAdmin):
    scope_roles = SCOPE
    list_display = ("name", "category", "region_name", "order", "active")
    list_filter = ("category", "active")
    search_fields = ("name", "region_name")


@admin.register(Settings)
class SettingsAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope_roles = SCOPE
    list_display = ("community", "support_threshold", "answer_days", "notice_days", "disclosure_days")
    list_select_related = ("community",)


class MemberInline(admin.TabularInline):
    model = BodyMember
    extra = 0
    can_delete = False
    fields = ("name", "sector", "organisation", "active")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Body)
class BodyAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope_roles = SCOPE
    list_display = ("name", "community", "kind", "quorum_percent", "active")
    list_filter = ("kind", "active")
    list_select_related = ("community",)
    inlines = (MemberInline,)


class ResolutionInline(admin.TabularInline):
    model = Resolution
    extra = 0
    can_delete = False
    fields = ("position", "title", "kind", "owner", "due_on", "status", "progress")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Topic)
class TopicAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope_roles = SCOPE
    list_display = ("number", "title", "community", "source", "status", "supports", "due_on", "created_at")
    list_filter = ("status", "source")
    search_fields = ("number", "title")
    list_select_related = ("community",)
    exclude = ("proposer", "entered_by")
    inlines = (ResolutionInline,)


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope_roles = SCOPE
    list_display = ("topic", "body", "form", "starts_at", "status", "members_present", "members_total")
    list_filter = ("status", "form")
    list_select_related = ("topic", "body")
    exclude = ("checkin_token", "minutes_scan")


@admin.register(Resolution)
class ResolutionAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope_roles = SCOPE
    list_display = ("title", "topic", "owner", "due_on", "status", "progress")
    list_filter = ("status", "kind")
    list_select_related = ("topic",)


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope_roles = SCOPE
    scope_field = "topic__region_path"
    list_display = ("topic", "action", "note", "at", "public")
    list_filter = ("action", "public")
    list_select_related = ("topic",)
