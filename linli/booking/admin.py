from __future__ import annotations

from django.contrib import admin

from linli.accounts.roles import ADMIN_ROLES
from linli.core.admin import AuditedAdmin, ReadOnlyAdmin, ScopedAdmin

from .models import Closure, ExtraOpening, OpeningRule, Reservation, Resource, Suspension, TermPeriod


class RuleInline(admin.TabularInline):
    model = OpeningRule
    extra = 0


class TermInline(admin.TabularInline):
    model = TermPeriod
    extra = 0


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0


class ExtraOpeningInline(admin.TabularInline):
    model = ExtraOpening
    extra = 0


@admin.register(Resource)
class ResourceAdmin(AuditedAdmin, ScopedAdmin):
    scope_roles = ADMIN_ROLES
    list_display = ("name", "kind", "region", "capacity", "slot_minutes", "approval_required", "active")
    list_filter = ("kind", "audience", "approval_required", "active")
    search_fields = ("name",)
    raw_id_fields = ("region",)
    filter_horizontal = ("served", "managers")
    inlines = (RuleInline, TermInline, ClosureInline, ExtraOpeningInline)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        obj.region_path = obj.region.path
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            from .services import apply_capacity

            apply_capacity(obj)


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin, ScopedAdmin):
    """Bookings change only through the engine (pages and API), where capacity is enforced."""

    list_display = ("code", "resource", "starts_at", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("code",)


@admin.register(Suspension)
class SuspensionAdmin(AuditedAdmin, ScopedAdmin):
    scope_roles = ADMIN_ROLES
    scope_field = "user__resident__region_path"  # the suspended person's home area
    list_display = ("user", "until", "reason", "created_at")
