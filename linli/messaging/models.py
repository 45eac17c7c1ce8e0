"""The one inbox of the platform and what goes out of it: a ``Message`` per recipient, a
``Delivery`` per outbound channel (SMS, e-mail) with its attempts, the person's ``Preference``
(mutes per kind and channel) and ``QuietHours``."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.fields import EncryptedTextField


class Message(models.Model):
    """One person's inbox row. ``kind`` is a code of ``messaging.kinds``; ``target`` the object
    it is about (a work order …), ``link`` where the inbox sends them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("类别"), max_length=64)
    target_type = models.ForeignKey(ContentType, verbose_name=_("对象类型"), null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="+")
    target_id = models.PositiveBigIntegerField(_("对象编号"), null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    text = models.CharField(_("内容"), max_length=300)
    link = models.CharField(_("链接"), max_length=200, blank=True)
    urgent = models.BooleanField(_("紧急"), default=False)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="message_unread"),
                   models.Index(fields=["user", "-created_at"], name="message_latest")]

    def __str__(self) -> str:
        return self.text


class Delivery(models.Model):
    """A message on one outbound channel. ``key`` is what the SMS gateway deduplicates by: the
    same delivery is never a second text. A text to a phone without an account has no message:
    its ``phone`` (encrypted) and ``text`` are here, so the task queue carries only ids."""

    class Channel(models.TextChoices):
        SMS = "sms", _("短信")
        EMAIL = "email", _("电子邮件")

    class Status(models.TextChoices):
        QUEUED = "queued", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("失败")
        SKIPPED = "skipped", _("未发送")

    message = models.ForeignKey(Message, verbose_name=_("消息"), null=True, blank=True, on_delete=models.CASCADE,
                                related_name="deliveries")
    kind = models.CharField(_("类别"), max_length=64)
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    key = models.CharField(_("投递键"), max_length=40, unique=True)
    phone = EncryptedTextField(_("手机号"), blank=True, default="")  # only for a phone without an account
    text = models.CharField(_("内容"), max_length=300, blank=True)  # only for a phone without an account
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), default=timezone.now)
    queued_at = models.DateTimeField(_("入队时间"), null=True, blank=True)  # last handed to a task
    lease_until = models.DateTimeField(_("租约到期"), null=True, blank=True)  # while sending
    last_error = models.CharField(_("网关答复"), max_length=300, blank=True)
    gateway_id = models.CharField(_("网关编号"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("投递")
        verbose_name_plural = _("投递")
        constraints = [models.UniqueConstraint(fields=["message", "channel"], name="delivery_once_per_channel")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.channel} {self.key} {self.status}"


class Preference(models.Model):
    """A person's choice for one kind on one outbound channel (no row: on)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="message_preferences")
    kind = models.CharField(_("类别"), max_length=64)
    channel = models.CharField(_("渠道"), max_length=8, choices=Delivery.Channel.choices)
    enabled = models.BooleanField(_("接收"), default=True)

    class Meta:
        verbose_name = _("消息设置")
        verbose_name_plural = _("消息设置")
        constraints = [models.UniqueConstraint(fields=["user", "kind", "channel"], name="preference_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.channel} {self.enabled}"


class QuietHours(models.Model):
    """No non-urgent SMS between ``start`` and ``end`` (local time; may run past midnight)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, primary_key=True,
                                related_name="quiet_hours")
    start = models.TimeField(_("开始"))
    end = models.TimeField(_("结束"))

    class Meta:
        verbose_name = _("免打扰时段")
        verbose_name_plural = _("免打扰时段")
        constraints = [models.CheckConstraint(condition=~models.Q(start=models.F("end")), name="quiet_hours_not_empty")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.start}-{self.end}"
