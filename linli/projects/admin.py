"""微实事 in the admin: read-only and scoped to the area — calls and projects move only through the
services (lifecycles, timeline, notifications, the vote's locks); the designers' registry is kept
on its page (audited), here it is read."""

from __future__ import annotations

from django.contrib import admin

from linli.accounts.roles import ADMIN_ROLES, Role
from linli.core.admin import ReadOnlyAdmin, ScopedAdmin

from .models import Call, Designer, Event, Project, Review

SCOPE = (Role.CASEWORKER, *ADMIN_ROLES)


@admin.register(Designer)
class DesignerAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope_roles = SCOPE
    list_display = ("name", "profession", "organisation", "active", "created_at")
    list_filter = ("active", "profession")
    search_fields = ("name", "organisation")
    exclude = ("phone", "user")


class ProjectInline(admin.TabularInline):
    model = Project
    extra = 0
    can_delete = False
    fields = ("number", "title", "kind", "status", "cost", "votes", "progress", "due_on")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Call)
class CallAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope_roles = SCOPE
    list_display = ("number", "title", "region", "status", "budget", "chosen_total", "ballots", "created_at")
    list_filter = ("status", "vote_mode")
    search_fields = ("number", "title")
    list_select_related = ("region",)
    exclude = ("created_by",)
    inlines = (ProjectInline,)


class ReviewInline(admin.TabularInline):
    model = Review
    extra = 0
    can_delete = False
    fields = ("body_name", "decision", "votes_for", "votes_against", "votes_abstain", "opinion", "meeting_on")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope_roles = SCOPE
    list_display = ("number", "title", "call", "community", "kind", "status", "cost", "votes", "progress", "due_on")
    list_filter = ("status", "kind", "source")
    search_fields = ("number", "title")
    list_select_related = ("call", "community")
    exclude = ("proposer", "entered_by", "drawings")
    inlines = (ReviewInline,)


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope_roles = SCOPE
    scope_field = "call__region_path"
    list_display = ("call", "project", "action", "note", "at", "public")
    list_filter = ("action", "public")
    list_select_related = ("call", "project")
