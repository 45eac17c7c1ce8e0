from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from linli.accounts.roles import ADMIN_ROLES
from linli.core.admin import AuditedAdmin, ScopedAdmin
from linli.core.crypto import lookup_hash

from . import services
from .models import ApiToken, RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ("region",)
    readonly_fields = ("region_path",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "masked_phone", "is_active", "is_staff", "last_login")
    search_fields = ("username", "display_name")
    ordering = ("username",)
    list_filter = ("is_active", "is_staff", "roles__role")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("资料", {"fields": ("display_name", "phone", "resident")}),
        ("权限", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("时间", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "display_name", "password1", "password2")}),)
    raw_id_fields = ("resident",)
    inlines = (RoleInline,)

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str):  # type: ignore[no-untyped-def]
        qs, dup = super().get_search_results(request, queryset, search_term)
        if search_term.isdigit() and len(search_term) == 11:
            qs = qs | queryset.filter(phone_hash=lookup_hash(search_term))
        return qs, dup

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        obj.phone_hash = lookup_hash(obj.phone)
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for inst in instances:
            if isinstance(inst, RoleAssignment):
                inst.region_path = inst.region.path
            inst.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedAdmin, ScopedAdmin):
    scope_roles = ADMIN_ROLES
    list_display = ("user", "role", "region", "active", "created_at")
    list_filter = ("role", "active")
    search_fields = ("user__username", "user__display_name", "region__name", "region__code")
    autocomplete_fields = ("user", "region")

    def save_model(self, request: HttpRequest, obj: RoleAssignment, form: Any, change: bool) -> None:
        obj.region_path = obj.region.path
        super().save_model(request, obj, form, change)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at", "revoked_at")
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    autocomplete_fields = ("user",)
    actions = ["revoke"]

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        token, secret = services.issue_api_token(actor=request.user, user=obj.user, name=obj.name)
        obj.pk = token.pk
        messages.warning(request, f"新令牌(只显示这一次，请立即保存)：{secret}")

    @admin.action(description="吊销所选令牌")
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            services.revoke_api_token(actor=request.user, token=token)


__all__ = ["ADMIN_ROLES"]
