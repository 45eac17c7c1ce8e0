from __future__ import annotations

from django.contrib import admin

from linli.accounts.roles import ADMIN_ROLES
from linli.core.admin import AuditedAdmin, ReadOnlyAdmin, ScopedAdmin

from .models import (
    Application,
    ApplicationEvent,
    ApplicationMaterial,
    Certificate,
    CertificateKind,
    Forwarding,
    ItemMaterial,
    OpeningHours,
    ServiceCentre,
    ServiceItem,
)


class ItemMaterialInline(admin.TabularInline):
    model = ItemMaterial
    extra = 0


@admin.register(ServiceItem)
class ServiceItemAdmin(AuditedAdmin):
    """The catalogue. Saving raises the version; accepted applications keep their own copy."""

    list_display = ("code", "name", "category", "committed_limit_days", "legal_limit_days", "finish_at", "citywide", "local_scope",
                    "online", "deferral_allowed", "version", "active")
    list_filter = ("category", "finish_at", "citywide", "local_scope", "online", "deferral_allowed", "active")
    search_fields = ("code", "name")
    readonly_fields = ("version",)
    inlines = (ItemMaterialInline,)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        from .services import next_item_version

        obj.version = next_item_version(obj)
        super().save_model(request, obj, form, change)


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


@admin.register(ServiceCentre)
class ServiceCentreAdmin(AuditedAdmin, ScopedAdmin):
    scope_roles = ADMIN_ROLES
    list_display = ("name", "region", "address", "phone")
    search_fields = ("name", "address")
    raw_id_fields = ("region",)
    inlines = (OpeningHoursInline,)


@admin.register(CertificateKind)
class CertificateKindAdmin(AuditedAdmin):
    list_display = ("code", "name", "purpose", "active")
    list_filter = ("active",)


class MaterialInline(admin.TabularInline):
    model = ApplicationMaterial
    extra = 0
    exclude = ("file",)
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class EventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "actor", "action", "from_status", "to_status", "note", "public")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class ForwardingInline(admin.TabularInline):
    model = Forwarding
    extra = 0
    can_delete = False
    readonly_fields = ("department", "request_note", "sent_at", "sent_by", "days", "due_date", "returned_at", "returned_by",
                       "outcome", "outcome_note")
    exclude = ("region_path",)

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin, ScopedAdmin):
    """Applications change only through the workflow (pages and API)."""

    list_display = ("number", "item_name", "status", "channel", "centre", "due_date", "escalation_level", "rating")
    list_filter = ("status", "channel", "escalation_level")
    search_fields = ("number",)
    exclude = ("applicant_id_number", "applicant_phone", "result_file")
    inlines = (MaterialInline, ForwardingInline, EventInline)


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin, ScopedAdmin):
    list_display = ("serial", "kind", "state", "issued_at", "revoked_at")
    list_filter = ("state", "kind")
    search_fields = ("serial", "verify_code")
    exclude = ("subject_id_number",)
