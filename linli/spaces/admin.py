from __future__ import annotations

from django.contrib import admin

from linli.core.admin import AuditedAdmin

from .models import Venue


@admin.register(Venue)
class VenueAdmin(AuditedAdmin):
    list_display = ("name", "kind", "owner", "public")
    list_filter = ("kind", "public")
    search_fields = ("name", "owner")
    raw_id_fields = ("resource",)
