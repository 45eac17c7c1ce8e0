from __future__ import annotations

from django.contrib import admin

from linli.accounts.roles import ADMIN_ROLES
from linli.core.admin import AuditedAdmin, ScopedAdmin

from .models import Venue


@admin.register(Venue)
class VenueAdmin(AuditedAdmin, ScopedAdmin):
    scope_roles = ADMIN_ROLES
    scope_field = "resource__region_path"
    list_display = ("name", "kind", "owner", "public")
    list_filter = ("kind", "public")
    search_fields = ("name", "owner")
    raw_id_fields = ("resource",)
