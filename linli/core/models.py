from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils import timezone
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


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def of_model(self, model: type[models.Model]) -> FollowUpQuerySet:
        from django.contrib.contenttypes.models import ContentType

        return self.filter(content_type=ContentType.objects.get_for_model(model))

    def for_target(self, obj: models.Model) -> FollowUpQuerySet:
        """The object's tasks, the latest round first."""
        return self.of_model(type(obj)).filter(object_id=obj.pk).order_by("-round", "-id")


class FollowUp(TimeStamped):
    """好差评 follow-up (回访 of a work order, 整改 of an application, …): a bad rating of any rated
    object opens one task for the object's area with a working-day deadline; staff in scope answer
    it, and where the rated thing allows it, the answer reopens it. Written by linli.core.followups."""

    class Status(models.TextChoices):
        OPEN = "open", _("待整改")
        DONE = "done", _("已回复")

    class Action(models.TextChoices):
        ANSWER = "answer", _("回复")

    State = Status  # the name affairs used

    content_type = models.ForeignKey("contenttypes.ContentType", verbose_name=_("评价对象类型"), on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField(_("评价对象"))
    round = models.PositiveSmallIntegerField(_("评价轮次"), default=1, db_default=1,
                                             help_text=_("重新办理后再次评价为新的一轮，差评再开一项整改"))
    target = GenericForeignKey("content_type", "object_id")
    region_path = models.CharField(_("区划路径"), max_length=15)
    rating = models.PositiveSmallIntegerField(_("评价"))
    due_date = models.DateField(_("整改期限"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("整改回复"), blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("回复人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    done_at = models.DateTimeField(_("回复时间"), null=True, blank=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("差评整改")
        verbose_name_plural = _("差评整改")
        ordering = ["due_date", "id"]
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id", "round"], name="followup_once_per_round")]
        indexes = [models.Index(fields=["region_path", "status"], name="followup_region_status", opclasses=["varchar_pattern_ops", "varchar_pattern_ops"])]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} {self.get_status_display()}"

    # The names work orders (order, 回访) and affairs (application, state, reply) used, kept for
    # their pages, admin and API fields.
    @property
    def order(self) -> Any:
        return self.target

    @property
    def order_id(self) -> int:
        return self.object_id

    @property
    def application(self) -> Any:
        return self.target

    @property
    def application_id(self) -> int:
        return self.object_id

    @property
    def state(self) -> str:
        return self.status

    def get_state_display(self) -> str:
        return str(self.get_status_display())

    @property
    def reply(self) -> str:
        return self.answer

    @property
    def replied_by(self) -> Any:
        return self.done_by

    @property
    def replied_at(self) -> Any:
        return self.done_at


class EscalationQuerySet(models.QuerySet["Escalation"]):
    def of_model(self, model: type[models.Model]) -> EscalationQuerySet:
        from django.contrib.contenttypes.models import ContentType

        return self.filter(content_type=ContentType.objects.get_for_model(model))

    def for_target(self, obj: models.Model) -> EscalationQuerySet:
        return self.of_model(type(obj)).filter(object_id=obj.pk)


class Escalation(models.Model):
    """What the supervision clock (linli.core.supervision) did to a thing with a deadline: the
    near-limit warning of a clock round, each level of 督办 it was raised to in a round (the
    office of that level in ``region_path``), and every supervisor's 督办 with a note. The unique
    constraint makes a warning or a level happen once per round, whoever sweeps."""

    class Kind(models.TextChoices):
        WARN = "warn", _("临期提醒")
        ESCALATE = "escalate", _("超期督办")
        URGE = "urge", _("督办意见")

    content_type = models.ForeignKey("contenttypes.ContentType", verbose_name=_("督办对象类型"), on_delete=models.CASCADE,
                                     related_name="+")
    object_id = models.PositiveBigIntegerField(_("督办对象"))
    target = GenericForeignKey("content_type", "object_id")
    round = models.PositiveIntegerField(_("计时轮次"), default=0)
    level = models.PositiveSmallIntegerField(_("级别"), default=0)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    region_path = models.CharField(_("督办单位区划"), max_length=15)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("督办人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("督办意见"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = EscalationQuerySet.as_manager()

    class Meta:
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "round", "level", "kind"],
                                    condition=models.Q(kind__in=["warn", "escalate"]), name="escalation_once_per_round"),
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id", "round"], name="escalation_target"),
            models.Index(fields=["region_path", "-created_at"], name="escalation_region", opclasses=["varchar_pattern_ops", ""]),
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} {self.kind} L{self.level} R{self.round}"
