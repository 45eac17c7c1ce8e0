from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from linli.accounts.roles import ADMIN_ROLES
from linli.core.admin import AuditedAdmin, ScopedAdmin, SuperuserOnly, superusers_only
from linli.core.crypto import lookup_hash

from . import services
from .models import ApiToken, RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ("region",)
    readonly_fields = ("region_path",)


@admin.register(User)
class UserAdmin(SuperuserOnly, BaseUserAdmin):
    list_display = ("username", "display_name", "masked_phone", "is_active", "is_staff", "last_login")
    search_fields = ("username", "display_name")
    ordering = ("username",)
    list_filter = ("is_active", "is_staff", "roles__role")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("资料", {"fields": ("display_name", "phone", "email", "resident")}),
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
        from django.db import transaction

        from linli.core.services import record_audit

        obj.phone_hash = lookup_hash(obj.phone)
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record_audit(actor=request.user, action=f"admin.{'change' if change else 'add'}", target=obj,
                         changes={f: "changed" for f in (form.changed_data or []) if f not in ("password", "phone", "email")})

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        from linli.core.services import record_audit

        for inst in instances:
            if isinstance(inst, RoleAssignment):
                inst.region_path = inst.region.path
            inst.save()
            record_audit(actor=request.user, action="role.assign", target=inst, region_path=getattr(inst, "region_path", ""),
                         changes={"role": getattr(inst, "role", ""), "active": getattr(inst, "active", None)})
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SuperuserOnly, AuditedAdmin, ScopedAdmin):
    scope_roles = ADMIN_ROLES
    list_display = ("user", "role", "region", "active", "created_at")
    list_filter = ("role", "active")
    search_fields = ("user__username", "user__display_name", "region__name", "region__code")
    autocomplete_fields = ("user", "region")

    def save_model(self, request: HttpRequest, obj: RoleAssignment, form: Any, change: bool) -> None:
        obj.region_path = obj.region.path
        super().save_model(request, obj, form, change)


@admin.register(ApiToken)
class ApiTokenAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at", "revoked_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None):  # type: ignore[no-untyped-def]
        return (*self.readonly_fields, "user") if obj is not None else self.readonly_fields
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


def _login_records() -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group

    # login records hold phone numbers as user names; groups hand out permissions
    superusers_only(AccessAttempt, AccessLog, AccessFailureLog, Group)


_login_records()

__all__ = ["ADMIN_ROLES", "SuperuserOnly"]
