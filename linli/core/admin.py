from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from . import registry
from .calendar import invalidate
from .models import AuditEvent, CalendarDay, Escalation, FollowUp, SensitiveAccess
from .services import record_audit
from .text import clean_text


class SuperuserOnly:
    """Sections with no region to scope them by, or that decide who sees what (accounts, roles,
    groups, tokens, notifications, login records, task results): superusers only, hidden from
    the index and refused by address for everyone else, whatever model permissions they hold."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


def superusers_only(*models: Any) -> None:
    """Re-register the admin another package gave ``models`` as superuser-only."""
    for model in models:
        if not admin.site.is_registered(model):
            continue
        base = type(admin.site.get_model_admin(model))
        admin.site.unregister(model)
        admin.site.register(model, type(base.__name__, (SuperuserOnly, base), {}))


class ScopedAdmin(admin.ModelAdmin):
    """Non-superusers see only rows under their region nodes (through the role and scope check
    accounts registers). ``scope_roles``: the roles, or a registered role set's name."""

    scope_field = "region_path"
    scope_roles: tuple[str, ...] | str = "registry"

    def get_queryset(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(registry.scope_q(request.user, self.scope_roles, self.scope_field))


class CleanedTextField(forms.CharField):
    """A text box of admin that stores what the pages would: ``core.text.clean_text`` (forbidden
    and invisible characters out, blanks stripped, line breaks only in a multi-line field)."""

    def __init__(self, *args: Any, multiline: bool = False, **kwargs: Any) -> None:
        self.multiline = multiline
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return clean_text(value, multiline=self.multiline) if isinstance(value, str) else value


class AuditedAdmin(admin.ModelAdmin):
    """Configuration edited in admin (superusers only: scoped staff work through the pages and
    API, where the services check their area). Every edit is audited like a service write, and
    its free text is cleaned as the services clean theirs."""

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        plain = type(db_field) in (models.CharField, models.TextField)  # not choices, e-mail, slugs or secrets
        if plain and not db_field.choices and "form_class" not in kwargs and "widget" not in kwargs:
            kwargs["form_class"] = CleanedTextField
            kwargs["multiline"] = isinstance(db_field, models.TextField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                record_audit(actor=request.user, action="admin.delete", target=obj,
                             region_path=getattr(obj, "region_path", "") or "")
            super().delete_queryset(request, queryset)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record_audit(actor=request.user, action=f"admin.{'change' if change else 'add'}", target=obj,
                         region_path=getattr(obj, "region_path", "") or "",
                         changes=dict.fromkeys(form.changed_data or [], "changed"))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            record_audit(actor=request.user, action="admin.delete", target=obj, region_path=getattr(obj, "region_path", "") or "")
            super().delete_model(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope_roles = "admin"
    list_display = ("occurred_at", "actor", "action", "target_type", "target_label", "region_path", "ip")
    list_filter = ("action", "target_type")
    search_fields = ("target_label", "action", "region_path")
    date_hierarchy = "occurred_at"


@admin.register(SensitiveAccess)
class SensitiveAccessAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope_roles = "admin"
    list_display = ("occurred_at", "actor", "kind", "target_label", "reason", "ip")
    list_filter = ("kind",)
    search_fields = ("target_label", "reason")
    date_hierarchy = "occurred_at"


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin, ScopedAdmin):
    """Every app's bad-rating follow-ups (回访, 整改), read-only and cut to the viewer's area; they
    are answered on the pages, where the app's rule decides who may."""

    list_display = ("due_date", "content_type", "object_id", "rating", "status", "region_path", "done_by", "done_at")
    list_filter = ("status", "content_type")
    search_fields = ("region_path", "answer")
    date_hierarchy = "due_date"
    list_select_related = ("content_type", "done_by")


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin, ScopedAdmin):
    """The supervision clock's records (warnings, levels of 督办, supervisors' notes), by office."""

    list_display = ("created_at", "content_type", "object_id", "kind", "level", "round", "region_path", "actor")
    list_filter = ("kind", "level", "content_type")
    search_fields = ("region_path", "note")
    date_hierarchy = "created_at"


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    list_display = ("date", "is_workday", "name")
    list_filter = ("is_workday",)
    date_hierarchy = "date"
    search_fields = ("name",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        transaction.on_commit(invalidate)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        transaction.on_commit(invalidate)


def _tasks() -> None:
    from django_tasks_db.models import DBTaskResult

    superusers_only(DBTaskResult)  # task arguments and results carry names and numbers


_tasks()
