"""通知公告: a notice addressed to a region node (community, grid, compound, building) or to a list
of households; its versions (a correction is a new version, the old one stays readable and
marked superseded), attachments, one row per addressed household (reached or not, how, by whom)
and one read receipt per resident."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.fields import private_storage
from linli.core.models import TimeStamped

from .states import Status

PATTERN = ["varchar_pattern_ops"]


class Urgency(models.TextChoices):
    NORMAL = "normal", _("普通")
    URGENT = "urgent", _("紧急")


class Scope(models.TextChoices):
    NODE = "node", _("区划(社区/网格)")
    COMPOUND = "compound", _("小区")
    BUILDING = "building", _("楼栋")
    HOUSEHOLDS = "households", _("指定住户")


class How(models.TextChoices):
    READ_CONFIRMED = "read_confirmed", _("居民已读确认")
    DOOR_TO_DOOR = "door_to_door", _("上门送达")
    PHONE = "phone", _("电话告知")
    WECHAT = "wechat", _("微信告知")
    NOTICE_BOARD = "notice_board", _("张贴并当面告知")
    OTHER = "other", _("其他")


class Notice(TimeStamped):
    """A notice. ``region_path`` is the path of the addressed node (for a compound or a building:
    its grid; for a list of households: the narrowest node above all of them)."""

    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("正文"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    urgency = models.CharField(_("紧急程度"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    must_reach = models.BooleanField(_("须逐户送达"), default=False)
    scope = models.CharField(_("发送范围"), max_length=12, choices=Scope.choices, default=Scope.NODE)
    region_path = models.CharField(_("区划路径"), max_length=15)
    area_name = models.CharField(_("范围名称"), max_length=200, blank=True)
    compound_id = models.IntegerField(_("小区"), null=True, blank=True)
    building_id = models.IntegerField(_("楼栋"), null=True, blank=True)
    household_ids = models.JSONField(_("指定住户"), default=list, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    reminder_after = models.PositiveSmallIntegerField(_("未送达提醒(小时)"), default=24)
    remind_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("提醒层级"), default=0)
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), on_delete=models.PROTECT, related_name="+")
    sender_name = models.CharField(_("发布单位"), max_length=100, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    households_total = models.PositiveIntegerField(_("送达户数"), default=0)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdraw_reason = models.CharField(_("撤回原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("通知公告")
        verbose_name_plural = _("通知公告")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["region_path"], name="notice_region_like", opclasses=PATTERN),
            models.Index(fields=["status", "published_at"], name="notice_status_published"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="notice_status_valid"),
            models.CheckConstraint(condition=Q(urgency__in=Urgency.values), name="notice_urgency_valid"),
            models.CheckConstraint(condition=Q(reminder_after__gte=1) & Q(reminder_after__lte=720), name="notice_reminder_range"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_urgent(self) -> bool:
        return self.urgency == Urgency.URGENT


class NoticeVersion(models.Model):
    """One version of a notice's text. Publishing writes version 1; each correction adds one and
    marks the one before superseded (it stays readable)."""

    notice = models.ForeignKey(Notice, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版本号"))
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("正文"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    note = models.CharField(_("更正说明"), max_length=300, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    superseded_at = models.DateTimeField(_("被更正时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知版本")
        verbose_name_plural = _("通知版本")
        ordering = ["notice_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["notice", "number"], name="notice_version_unique")]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    @property
    def superseded(self) -> bool:
        return self.superseded_at is not None


def attachment_name(instance: NoticeAttachment, filename: str) -> str:
    import uuid

    return f"notices/{uuid.uuid4().hex}.bin"


class NoticeAttachment(models.Model):
    notice = models.ForeignKey(Notice, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("文件名"), max_length=120)
    file = models.FileField(_("文件"), upload_to=attachment_name, storage=private_storage)
    content_type = models.CharField(_("类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小"), default=0)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("通知附件")
        verbose_name_plural = _("通知附件")
        ordering = ["notice_id", "id"]

    def __str__(self) -> str:
        return self.name


class NoticeHousehold(models.Model):
    """One addressed household of a published notice, written at publication: reached when one
    of its members confirmed reading or someone in its chain recorded a delivery."""

    notice = models.ForeignKey(Notice, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="households")
    household = models.ForeignKey("regions.Household", verbose_name=_("户"), on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey("regions.Building", verbose_name=_("楼栋"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(_("区划路径"), max_length=15)
    reached_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    how = models.CharField(_("送达方式"), max_length=16, choices=How.choices, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.PROTECT,
                           related_name="+")
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("记录时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("送达记录")
        verbose_name_plural = _("送达记录")
        ordering = ["notice_id", "region_path", "building_id", "household_id"]
        indexes = [
            models.Index(fields=["notice", "region_path"], name="notice_hh_region", opclasses=["", "varchar_pattern_ops"]),
            models.Index(fields=["building", "notice"], name="notice_hh_building"),
            models.Index(fields=["notice", "reached_at"], name="notice_hh_reached"),
            # the coverage page's first unreached households of an area, in address order
            models.Index(fields=["notice", "region_path", "building", "household"], name="notice_hh_open",
                         condition=Q(reached_at__isnull=True)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["notice", "household"], name="notice_household_unique"),
            models.CheckConstraint(condition=Q(reached_at__isnull=True, how="") | Q(reached_at__isnull=False) & ~Q(how=""),
                                   name="notice_household_reached_how"),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id}/{self.household_id}"

    @property
    def reached(self) -> bool:
        return self.reached_at is not None


class NoticeBuilding(models.Model):
    """The coverage counts of one building (within one grid) of a published notice, so that the
    sender's coverage page reads a row per building instead of grouping every household:
    ``total`` written at publication, ``reached`` and ``confirmed`` by the same transaction as
    the conditional UPDATE that reaches a household (a read confirmation or a recorded
    delivery), ``without_representative`` — addressed households someone lives in with no
    current 户代表 — from the registry at publication and again by the periodic refresh
    (``gaps_at`` says when)."""

    notice = models.ForeignKey(Notice, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="building_counts")
    building = models.ForeignKey("regions.Building", verbose_name=_("楼栋"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(_("区划路径"), max_length=15)
    total = models.PositiveIntegerField(_("送达户数"))
    reached = models.PositiveIntegerField(_("已送达"), default=0)
    confirmed = models.PositiveIntegerField(_("已读确认"), default=0)
    without_representative = models.PositiveIntegerField(_("无户代表"), default=0)
    gaps_at = models.DateTimeField(_("户代表统计时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("楼栋送达统计")
        verbose_name_plural = _("楼栋送达统计")
        ordering = ["notice_id", "region_path", "building_id"]
        indexes = [models.Index(fields=["notice", "region_path"], name="notice_bc_region", opclasses=["", "varchar_pattern_ops"])]
        constraints = [
            models.UniqueConstraint(fields=["notice", "building", "region_path"], name="notice_building_count_unique"),
            models.CheckConstraint(condition=Q(reached__lte=models.F("total")) & Q(confirmed__lte=models.F("reached"))
                                   & Q(without_representative__lte=models.F("total")), name="notice_building_count_bounds"),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id}/{self.building_id}"


class NoticeRead(models.Model):
    """A resident's read receipt (已读确认): one per person and notice."""

    notice = models.ForeignKey(Notice, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("居民"), on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey("regions.Household", verbose_name=_("户"), null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    read_at = models.DateTimeField(_("确认时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("已读确认")
        verbose_name_plural = _("已读确认")
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="notice_read_unique")]

    def __str__(self) -> str:
        return f"{self.notice_id}/{self.user_id}"
