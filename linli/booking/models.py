"""The reservation engine: bookable resources with weekly opening rules (term / holiday
schedules), closures, slots with a capacity the database enforces, reservations, a waiting list,
no-show suspensions and calendar feeds."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from linli.core.fields import EncryptedTextField
from linli.core.models import TimeStamped

from . import states


def _token() -> str:
    return secrets.token_urlsafe(18)


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 symbols, no 0/O or 1/I to misread


def _code() -> str:
    """Eight symbols from 40 random bits (5 bits a symbol: uniform, as 32 divides 2^40)."""
    n = int.from_bytes(secrets.token_bytes(5), "big")
    return "".join(CODE_ALPHABET[(n >> (5 * i)) & 31] for i in range(8))


class Resource(TimeStamped):
    """Anything booked by the slot: a 助餐 table, a home-care visit, a community room, a pitch."""

    class Kind(models.TextChoices):
        SERVICE = "service", _("服务")
        SPACE = "space", _("场地")

    class Asks(models.TextChoices):
        NOTHING = "", _("无需填写")
        GROUP = "group", _("用途、人数和联系人(场地)")
        ADDRESS = "address", _("上门地址(上门服务)")

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("所有人")
        RESIDENTS = "residents", _("服务社区的居民")
        TAGGED = "tagged", _("指定人群(标签)")

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.SERVICE)
    region = models.ForeignKey("regions.RegionNode", verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(_("区划路径"), max_length=15, editable=False)
    served = models.ManyToManyField("regions.RegionNode", verbose_name=_("服务社区"), blank=True, related_name="+")
    managers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("管理人员"), blank=True, related_name="managed_resources",
                                      help_text=_("服务方或场地的工作人员(辖区管理员之外)"))
    slot_minutes = models.PositiveSmallIntegerField(_("每段时长(分钟)"), default=60)
    buffer_minutes = models.PositiveSmallIntegerField(_("间隔(分钟)"), default=0)
    capacity = models.PositiveSmallIntegerField(_("每段名额"), default=1)
    book_ahead_days = models.PositiveSmallIntegerField(_("可提前预约天数"), default=14)
    cancel_before_hours = models.PositiveSmallIntegerField(_("最晚取消(开始前小时)"), default=2)
    weekly_limit = models.PositiveSmallIntegerField(_("每人每周限约(0为不限)"), default=0)
    audience = models.CharField(_("可预约人群"), max_length=10, choices=Audience.choices, default=Audience.EVERYONE)
    tags = models.JSONField(_("人群标签"), default=list, blank=True, help_text=_("例如 [\"elder\"]：有任一标签的居民可约"))
    approval_required = models.BooleanField(_("需审核"), default=False)
    no_show_limit = models.PositiveSmallIntegerField(_("爽约次数上限(30天)"), default=3)
    suspend_days = models.PositiveSmallIntegerField(_("爽约后暂停预约天数"), default=14)
    active = models.BooleanField(_("开放预约"), default=True)
    asks = models.CharField(_("预约时须填写"), max_length=8, choices=Asks.choices, default=Asks.NOTHING, blank=True,
                            help_text=_("场地：用途、人数和联系人，给审核人看；上门服务：上门地址，只给服务方看"))
    feed_token = models.CharField(_("日历订阅码"), max_length=32, unique=True, default=_token, editable=False)

    class Meta:
        verbose_name = _("可预约资源")
        verbose_name_plural = _("可预约资源")
        ordering = ["id"]
        indexes = [models.Index(fields=["region_path"], name="resource_region", opclasses=["varchar_pattern_ops"])]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="resource_capacity_positive"),
            models.CheckConstraint(condition=Q(slot_minutes__gte=5, slot_minutes__lte=1440), name="resource_slot_length"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def state(self) -> str:
        """``open``/``closed`` (``states.RESOURCE_LIFECYCLE``): the stored ``active`` flag."""
        return states.ResourceState.OPEN if self.active else states.ResourceState.CLOSED

    @state.setter
    def state(self, value: str) -> None:  # only RESOURCE_LIFECYCLE.apply sets it
        self.active = value == states.ResourceState.OPEN


class OpeningRule(models.Model):
    class Season(models.TextChoices):
        ALL = "all", _("全年")
        TERM = "term", _("学期中(工作日)")
        HOLIDAY = "holiday", _("假期及节假日")

    WEEKDAYS = [(0, _("周一")), (1, _("周二")), (2, _("周三")), (3, _("周四")), (4, _("周五")), (5, _("周六")), (6, _("周日"))]
    resource = models.ForeignKey(Resource, verbose_name=_("资源"), on_delete=models.CASCADE, related_name="rules")
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=WEEKDAYS)
    opens = models.TimeField(_("开始"))
    closes = models.TimeField(_("结束"))
    season = models.CharField(_("适用时期"), max_length=8, choices=Season.choices, default=Season.ALL)

    class Meta:
        verbose_name = _("开放规则")
        verbose_name_plural = _("开放规则")
        ordering = ["weekday", "opens"]
        constraints = [models.CheckConstraint(condition=Q(closes__gt=F("opens")), name="rule_close_after_open")]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M} {self.get_season_display()}"


class TermPeriod(models.Model):
    """学期: working days inside a term use the term schedule; all other days the holiday one."""

    resource = models.ForeignKey(Resource, verbose_name=_("资源"), on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(_("名称"), max_length=40)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))

    class Meta:
        verbose_name = _("学期")
        verbose_name_plural = _("学期")
        ordering = ["start"]
        constraints = [models.CheckConstraint(condition=Q(end__gte=F("start")), name="term_end_after_start")]

    def __str__(self) -> str:
        return f"{self.name} {self.start}~{self.end}"


class ExtraOpening(models.Model):
    """A dated exception that opens: e.g. the room opens on a holiday for a community event."""

    resource = models.ForeignKey(Resource, verbose_name=_("资源"), on_delete=models.CASCADE, related_name="extra_openings")
    date = models.DateField(_("日期"))
    opens = models.TimeField(_("开始"))
    closes = models.TimeField(_("结束"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("临时加开")
        verbose_name_plural = _("临时加开")
        ordering = ["date", "opens"]
        constraints = [models.CheckConstraint(condition=Q(closes__gt=F("opens")), name="extra_close_after_open")]

    def __str__(self) -> str:
        return f"{self.date} {self.opens:%H:%M}-{self.closes:%H:%M}"


class Closure(models.Model):
    resource = models.ForeignKey(Resource, verbose_name=_("资源"), on_delete=models.CASCADE, related_name="closures")
    starts_at = models.DateTimeField(_("开始"))
    ends_at = models.DateTimeField(_("结束"))
    reason = models.CharField(_("原因"), max_length=200)

    class Meta:
        verbose_name = _("临时关闭")
        verbose_name_plural = _("临时关闭")
        ordering = ["starts_at"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="closure_end_after_start")]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} {self.reason}"


class Slot(models.Model):
    """One bookable period, created when first booked. `booked` never exceeds `capacity`: the
    booking UPDATE is conditional and the database checks it again."""

    resource = models.ForeignKey(Resource, verbose_name=_("资源"), on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("开始"))
    ends_at = models.DateTimeField(_("结束"))
    capacity = models.PositiveSmallIntegerField(_("名额"))
    booked = models.PositiveSmallIntegerField(_("已约"), default=0)

    class Meta:
        verbose_name = _("时段")
        verbose_name_plural = _("时段")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "starts_at"], name="slot_unique_start"),
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="slot_never_overbooked"),
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def free(self) -> int:
        return self.capacity - self.booked


class Reservation(TimeStamped):
    Status = states.Status  # moved only through states.LIFECYCLE

    slot = models.ForeignKey(Slot, verbose_name=_("时段"), on_delete=models.PROTECT, related_name="reservations")
    resource = models.ForeignKey(Resource, verbose_name=_("资源"), on_delete=models.PROTECT, related_name="reservations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("预约人"), on_delete=models.PROTECT, related_name="reservations")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    region_path = models.CharField(_("区划路径"), max_length=15, editable=False)
    starts_at = models.DateTimeField(_("开始"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    purpose = models.CharField(_("用途"), max_length=200, blank=True)
    headcount = models.PositiveSmallIntegerField(_("人数"), null=True, blank=True)
    contact = EncryptedTextField(_("联系人及电话"), blank=True, default="")
    address = EncryptedTextField(_("上门地址"), blank=True, default="")
    sequence = models.PositiveIntegerField(_("修订次数"), default=0, help_text=_("日历订阅的 SEQUENCE：每次变更加一"))
    code = models.CharField(_("签到码"), max_length=8, unique=True, default=_code, editable=False)
    idempotency_key = models.CharField(_("幂等键"), max_length=80, null=True, blank=True, unique=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("取消人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    attended_at = models.DateTimeField(_("签到时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["slot", "status", "created_at"], name="reservation_slot_status"),
            models.Index(fields=["user", "starts_at"], name="reservation_user"),
            models.Index(fields=["region_path", "starts_at"], name="reservation_region", opclasses=["varchar_pattern_ops", ""]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["requested", "confirmed", "waiting", "cancelled", "rejected",
                                                           "attended", "no_show"]), name="reservation_status_valid"),
            # one live booking (or place in the queue) per person and slot
            models.UniqueConstraint(fields=["slot", "user"], name="reservation_one_per_slot",
                                    condition=Q(status__in=["requested", "confirmed", "waiting"])),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.get_status_display()}"


class Suspension(models.Model):
    """Booking suspended after repeated no-shows."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="booking_suspensions")
    until = models.DateTimeField(_("暂停至"))
    reason = models.CharField(_("原因"), max_length=200)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("预约暂停")
        verbose_name_plural = _("预约暂停")
        ordering = ["-until"]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.until:%Y-%m-%d}"


class Feed(models.Model):
    """A person's private calendar feed address (iCalendar)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="booking_feed")
    token = models.CharField(_("订阅码"), max_length=32, unique=True, default=_token)

    class Meta:
        verbose_name = _("日历订阅")
        verbose_name_plural = _("日历订阅")

    def __str__(self) -> str:
        return str(self.user_id)
