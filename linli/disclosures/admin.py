"""Disclosures and objections change only through their lifecycles (pages and API): the admin
reads them, scoped to the area, never showing an objector's contact details."""

from __future__ import annotations

from django.contrib import admin

from linli.core.admin import ReadOnlyAdmin, ScopedAdmin

from .models import Attachment, Disclosure, Objection
from .rules import STAFF_ROLES


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ("name", "content_type", "size")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Disclosure)
class DisclosureAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope_roles = tuple(str(r) for r in STAFF_ROLES)
    list_display = ("title", "kind", "region_name", "version", "status", "starts_on", "ends_on", "result")
    list_filter = ("status", "kind", "result")
    search_fields = ("title", "region_path")
    inlines = (AttachmentInline,)


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope_roles = tuple(str(r) for r in STAFF_ROLES)
    list_display = ("disclosure", "status", "due_on", "outcome", "escalation_level", "answered_at")
    list_filter = ("status", "outcome", "escalation_level")
    exclude = ("contact_name", "contact_phone", "contact_id_number")
