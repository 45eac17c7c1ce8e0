from __future__ import annotations

from django.contrib import admin

from linli.accounts.roles import ADMIN_ROLES
from linli.core.admin import ReadOnlyAdmin, ScopedAdmin

from .models import Offering, Provider, Review


@admin.register(Provider)
class ProviderAdmin(ReadOnlyAdmin, ScopedAdmin):
    """Vetting happens on /station/vetting/ (reason required, audited)."""

    scope_roles = ADMIN_ROLES
    list_display = ("name", "uscc", "kind", "state", "region", "vetted_at")
    list_filter = ("state", "kind")
    search_fields = ("name", "uscc")
    exclude = ("contact_phone", "licence")


@admin.register(Offering)
class OfferingAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope_roles = ADMIN_ROLES
    scope_field = "provider__region_path"
    list_display = ("title", "provider", "category", "price_type", "active", "views")
    list_filter = ("category", "price_type", "active")
    search_fields = ("title",)


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope_roles = ADMIN_ROLES
    scope_field = "offering__provider__region_path"
    list_display = ("offering", "rating", "hidden", "created_at")
    list_filter = ("hidden", "rating")
