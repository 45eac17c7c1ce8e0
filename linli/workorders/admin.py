from __future__ import annotations

from django.contrib import admin

from linli.accounts.roles import ADMIN_ROLES
from linli.core.admin import AuditedAdmin, ReadOnlyAdmin, ScopedAdmin, SuperuserOnly

from .models import (
    Category,
    HandlingUnit,
    Open311Client,
    RoutingRule,
    WorkOrder,
    WorkOrderEvent,
)


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        from .selectors import forget_categories

        super().save_model(request, obj, form, change)
        forget_categories()

    list_display = ("code", "name", "parent", "handle_limit", "limit_unit", "urgent_limit_hours", "active")
    list_filter = ("active", "limit_unit")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


@admin.register(HandlingUnit)
class HandlingUnitAdmin(AuditedAdmin, ScopedAdmin):
    scope_roles = ADMIN_ROLES
    list_display = ("name", "kind", "region", "active")
    list_filter = ("kind", "active")
    search_fields = ("name",)
    raw_id_fields = ("region",)
    filter_horizontal = ("members",)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        obj.region_path = obj.region.path
        super().save_model(request, obj, form, change)


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedAdmin, ScopedAdmin):
    scope_roles = ADMIN_ROLES
    list_display = ("category", "region", "unit")
    raw_id_fields = ("region",)
    autocomplete_fields = ("unit",)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        obj.region_path = obj.region.path
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        """The city's catch-all rule (no category, at the city) is the fallback every order can
        fall back to: it can be pointed at another unit, not deleted."""
        if obj is not None and obj.category_id is None and len(obj.region_path) <= 4:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):  # type: ignore[no-untyped-def]
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # bulk delete would bypass the check above
        return actions


class EventInline(admin.TabularInline):
    model = WorkOrderEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "actor", "action", "from_status", "to_status", "note", "public")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdmin, ScopedAdmin):
    """Orders change only through the workflow (pages and API), where rules and the timeline apply."""

    list_display = ("number", "category", "status", "unit", "due_at", "escalation_level", "channel", "created_at")
    list_filter = ("status", "channel", "urgency", "escalation_level")
    search_fields = ("number", "address")
    exclude = ("contact_phone",)
    inlines = (EventInline,)




@admin.register(Open311Client)
class Open311ClientAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ("name", "key_prefix", "default_region", "read_scope", "requests_per_minute", "active", "created_at")
    fields = ("name", "default_region", "read_scope", "requests_per_minute", "active")
    raw_id_fields = ("default_region", "read_scope")

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        from django.contrib import messages

        from .open311 import issue_client

        if change:
            super().save_model(request, obj, form, change)
            return
        client, key = issue_client(actor=request.user, name=obj.name, default_region=obj.default_region,
                                   requests_per_minute=obj.requests_per_minute, read_scope=obj.read_scope)
        obj.pk = client.pk
        messages.warning(request, f"Open311 api_key(只显示这一次，请立即交给对方)：{key}")
