from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One row per write done by a service (shaped like Zulip's RealmAuditLog)."""

    occurred_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("操作"), max_length=64)
    target_type = models.CharField(_("对象类型"), max_length=64)
    target_id = models.CharField(_("对象编号"), max_length=64)
    target_label = models.CharField(_("对象"), max_length=200, blank=True)
    region_path = models.CharField(_("区划路径"), max_length=15, blank=True)
    changes = models.JSONField(_("变更"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("操作审计")
        verbose_name_plural = _("操作审计")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "-occurred_at"], name="audit_target_idx"),
            models.Index(fields=["region_path", "-occurred_at"], name="audit_region_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.target_label}"


class SensitiveAccess(models.Model):
    """Every full view or export of personal data: who, what, when, why (PIPL)."""

    class Kind(models.TextChoices):
        REVEAL = "reveal", _("查看完整信息")
        EXPORT = "export", _("导出")

    occurred_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("查看人"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    target_type = models.CharField(_("对象类型"), max_length=64)
    target_id = models.CharField(_("对象编号"), max_length=64)
    target_label = models.CharField(_("对象"), max_length=200, blank=True)
    fields = models.JSONField(_("字段"), default=list)
    reason = models.CharField(_("事由"), max_length=200)
    region_path = models.CharField(_("区划路径"), max_length=15, blank=True)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("敏感信息访问记录")
        verbose_name_plural = _("敏感信息访问记录")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["region_path", "-occurred_at"], name="sensitive_region_idx")]
        constraints = [models.CheckConstraint(condition=~models.Q(reason=""), name="sensitive_reason_required")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor} {self.target_label}"


class CalendarDay(models.Model):
    """An exception to the Monday–Friday week: an official holiday on a weekday, or a make-up
    working weekend (调休). Seeded from the chinese-calendar package; edit in admin for years the
    shipped data does not cover."""

    date = models.DateField(_("日期"), primary_key=True)
    is_workday = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("说明"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("工作日历例外")
        verbose_name_plural = _("工作日历例外")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '休息'} {self.name}"


class NumberSequence(models.Model):
    """Counters behind human-readable numbers (work orders, applications, receipts, certificates).
    Allocated by linli.core.numbers, in blocks when outside a transaction."""

    name = models.CharField(_("名称"), max_length=40, primary_key=True)
    next_value = models.BigIntegerField(_("下一个值"))

    class Meta:
        verbose_name = _("编号序列")
        verbose_name_plural = _("编号序列")

    def __str__(self) -> str:
        return f"{self.name}: {self.next_value}"
