"""Needs and problems (诉求工单): categories with time limits, handling units, routing rules,
orders with their timeline, supervision (督办). Follow-ups (回访) of bad
ratings are the kernel's ``core.models.FollowUp``."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.fields import EncryptedTextField, private_storage
from linli.core.masking import mask_phone
from linli.core.models import Escalation, FollowUp, TimeStamped
from linli.core.ratings import RATING_LABELS

from .states import OPEN, Status

PATTERN = ["varchar_pattern_ops"]


class Category(models.Model):
    """A node of the configurable category tree; its code is the Open311 service_code."""

    class LimitUnit(models.TextChoices):
        WORKING_DAYS = "wd", _("工作日")
        HOURS = "h", _("小时")

    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    parent = models.ForeignKey("self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    description = models.CharField(_("说明"), max_length=200, blank=True)
    handle_limit = models.PositiveSmallIntegerField(_("办理时限"), default=10)
    limit_unit = models.CharField(_("时限单位"), max_length=2, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS)
    urgent_limit_hours = models.PositiveSmallIntegerField(_("紧急件时限(小时)"), default=24)
    register_limit_hours = models.PositiveSmallIntegerField(_("立案时限(工作小时)"), default=4,
                                                            help_text=_("紧急件按自然小时计"))
    accept_limit_hours = models.PositiveSmallIntegerField(_("接单时限(工作小时)"), default=4,
                                                          help_text=_("派单后承办单位须在此时间内接单或退单；紧急件按自然小时计"))
    verify_limit_hours = models.PositiveSmallIntegerField(_("核查时限(工作小时)"), default=14,
                                                          help_text=_("办结上报后须在此时间内核查；紧急件按自然小时计"))
    active = models.BooleanField(_("启用"), default=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("诉求分类")
        verbose_name_plural = _("诉求分类")
        ordering = ["sort", "code"]
        constraints = [models.CheckConstraint(condition=Q(handle_limit__gt=0), name="category_limit_positive")]

    def __str__(self) -> str:
        return f"{self.parent.name}/{self.name}" if self.parent_id and self.parent else self.name


class HandlingUnit(models.Model):
    """Who handles orders: a department, street office, community, property company or utility."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("职能部门")
        STREET = "street", _("街道办事处")
        COMMUNITY = "community", _("社区居委会")
        PROPERTY = "property", _("物业公司")
        UTILITY = "utility", _("公用事业单位")

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    region = models.ForeignKey("regions.RegionNode", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(_("区划路径"), max_length=15, editable=False)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("承办人"), blank=True, related_name="handling_units")
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["region_path", "name"]

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """(category, region subtree) → handling unit. The most specific rule wins: the deepest
    region first, then a category over its parent, then a category over none."""

    category = models.ForeignKey(Category, verbose_name=_("分类(空=全部)"), null=True, blank=True, on_delete=models.CASCADE)
    region = models.ForeignKey("regions.RegionNode", verbose_name=_("区划范围"), on_delete=models.CASCADE, related_name="+")
    region_path = models.CharField(_("区划路径"), max_length=15, editable=False)
    unit = models.ForeignKey(HandlingUnit, verbose_name=_("承办单位"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("派单规则")
        verbose_name_plural = _("派单规则")
        constraints = [
            models.UniqueConstraint(fields=["category", "region"], name="routing_rule_unique"),
            models.UniqueConstraint(fields=["region"], condition=Q(category__isnull=True), name="routing_rule_fallback_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.category or '全部'} @ {self.region} → {self.unit}"


class WorkOrder(TimeStamped):
    class Channel(models.TextChoices):
        WEB = "web", _("居民网上")
        PATROL = "patrol", _("网格巡查")
        HOTLINE = "hotline", _("热线")
        API = "api", _("接口")
        OPEN311 = "open311", _("Open311")
        CONSULT = "consult", _("协商转办")  # a consultation's resolution created it (consultation follows it)

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("一般")
        URGENT = "urgent", _("紧急")

    number = models.CharField(_("工单号"), max_length=24, unique=True)
    channel = models.CharField(_("来源"), max_length=10, choices=Channel.choices)
    category = models.ForeignKey(Category, verbose_name=_("分类"), on_delete=models.PROTECT, related_name="orders")
    description = models.TextField(_("诉求内容"))
    address = models.CharField(_("地点"), max_length=200, blank=True)
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    region = models.ForeignKey("regions.RegionNode", verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(_("区划路径"), max_length=15, editable=False)
    urgency = models.CharField(_("紧急程度"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("反映人账号"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="reported_orders")
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = EncryptedTextField(_("联系电话"), blank=True, default="")
    anonymous = models.BooleanField(_("对外匿名"), default=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    rating_follow_ups = GenericRelation(FollowUp)  # deleted with the order
    supervision_records = GenericRelation(Escalation)  # warnings and 督办 (core.supervision), deleted with the order
    unit = models.ForeignKey(HandlingUnit, verbose_name=_("承办单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="orders")
    due_at = models.DateTimeField(_("办理期限"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("督办级别"), default=0)
    clock_round = models.PositiveSmallIntegerField(_("计时轮次"), default=0,
                                                   help_text=_("立案、重新办理各开始一轮：督办级别按轮次重新计算"))
    warn_at = models.DateTimeField(_("临期时间"), null=True, blank=True, help_text=_("期限的最后两成时间起为临期"))
    step_due_at = models.DateTimeField(_("本环节期限"), null=True, blank=True, help_text=_("接单或核查的期限"))
    step_reminded = models.BooleanField(_("本环节已催办"), default=False)
    merged_into = models.ForeignKey("self", verbose_name=_("合并至"), null=True, blank=True, on_delete=models.PROTECT, related_name="merged")
    registered_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    result = models.TextField(_("办理结果"), blank=True)
    rating = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True)
    rating_comment = models.CharField(_("评价内容"), max_length=500, blank=True)
    idempotency_key = models.CharField(_("幂等键"), max_length=64, null=True, blank=True, unique=True)
    idempotency_fingerprint = models.CharField(_("首次请求摘要"), max_length=64, blank=True, default="", db_default="",
                                               editable=False)  # a retry with the same key must carry the same payload

    class Meta:
        verbose_name = _("诉求工单")
        verbose_name_plural = _("诉求工单")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["region_path", "status"], name="wo_region_status", opclasses=["varchar_pattern_ops", "varchar_pattern_ops"]),
            models.Index(fields=["due_at"], name="wo_open_due", condition=Q(status__in=OPEN)),
            models.Index(fields=["step_due_at"], name="wo_step_due", condition=Q(step_due_at__isnull=False, step_reminded=False)),
            models.Index(fields=["warn_at"], name="wo_warn_open", condition=Q(status__in=OPEN)),
            models.Index(fields=["unit", "status"], name="wo_unit_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="wo_status_valid"),
            models.CheckConstraint(condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="wo_rating_range"),
            models.CheckConstraint(condition=~Q(status="merged") | Q(merged_into__isnull=False), name="wo_merged_has_target"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.category.name if self.category_id else ''}"

    @property
    def masked_contact_phone(self) -> str:
        return mask_phone(self.contact_phone)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


    @property
    def public_name(self) -> str:
        """How the reporter appears on the public page: nothing when anonymous (the default),
        else the surname and an asterisk."""
        if self.anonymous:
            return ""
        name = (self.contact_name or (self.reporter.display_name if self.reporter_id and self.reporter else "")).strip()
        return f"{name[0]}*" if name else ""

    @property
    def rating_label(self) -> str:
        return str(RATING_LABELS.get(self.rating, "")) if self.rating else ""

    @property
    def follow_up(self) -> FollowUp | None:
        """回访 opened by a bad rating (the kernel's follow-up task), if any."""
        return FollowUp.objects.for_target(self).first()


class WorkOrderEvent(models.Model):
    """One step on an order's timeline."""

    order = models.ForeignKey(WorkOrder, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(_("动作"), max_length=16)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, blank=True)
    note = models.CharField(_("说明"), max_length=1000, blank=True)
    public = models.BooleanField(_("反映人可见"), default=True)

    class Meta:
        verbose_name = _("工单流转记录")
        verbose_name_plural = _("工单流转记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.action}"

    EXTRA_LABELS = {"submit": _("提交"), "merged_in": _("合并了重复工单"), "supervise": _("督办"), "follow_up": _("回访"), "photo": _("添加照片"),
                    "remind": _("催办"), "urge": _("督办意见"), "extend": _("延期")}

    @property
    def action_label(self) -> str:
        from .states import Action

        if self.action in Action.values:
            return str(Action(self.action).label)
        return str(self.EXTRA_LABELS.get(self.action, self.action))


class Follower(models.Model):
    """A resident who, offered a similar open order before reporting, follows it instead of
    filing a duplicate: told of its progress and outcome like its reporter."""

    order = models.ForeignKey(WorkOrder, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("关注人"), on_delete=models.CASCADE, related_name="followed_orders")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("工单关注")
        verbose_name_plural = _("工单关注")
        constraints = [models.UniqueConstraint(fields=["order", "user"], name="follower_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.order_id}"


class Open311Client(models.Model):
    """A third-party client of the GeoReport v2 API: its key (only a hash is kept), its default
    community for requests that do not name one, and its rate limit for new requests."""

    name = models.CharField(_("客户端名称"), max_length=100)
    key_prefix = models.CharField(_("密钥前缀"), max_length=12, editable=False)
    key_hash = models.CharField(_("密钥摘要"), max_length=64, unique=True, editable=False)
    default_region = models.ForeignKey("regions.RegionNode", verbose_name=_("默认社区"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    read_scope = models.ForeignKey("regions.RegionNode", verbose_name=_("可读内容的区域"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   help_text=_("只对该区域内的诉求返回描述和办理说明；留空则与未带密钥的读取一样，只有公开信息"))
    requests_per_minute = models.PositiveIntegerField(_("每分钟提交上限"), default=60)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 客户端")
        verbose_name_plural = _("Open311 客户端")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"


def photo_file_name(instance: object, filename: str) -> str:
    import uuid

    return f"workorders/{uuid.uuid4().hex}{filename[filename.rfind('.'):] if '.' in filename else ''}"


class WorkOrderPhoto(models.Model):
    """A photo of the problem (or of the result), metadata stripped, served only to those who may
    see the order."""

    order = models.ForeignKey(WorkOrder, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("照片"), upload_to=photo_file_name, storage=private_storage)
    content_type = models.CharField(_("类型"), max_length=20)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("工单照片")
        verbose_name_plural = _("工单照片")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.order_id} #{self.pk}"
