"""One-window government services (一口式受理 · 全科服务 · 全市通办) and community certificates."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.fields import EncryptedTextField, private_storage
from linli.core.masking import mask_id
from linli.core.models import Escalation, FollowUp, TimeStamped

from .states import CLOCK_RUNNING, CertificateState, Status


def _token() -> str:
    return secrets.token_urlsafe(12)


class ServiceItem(TimeStamped):
    """事项目录: one service item the windows accept. Every change raises `version`
    (services.next_item_version, called by the admin); an accepted
    application keeps the name, limit and materials it was accepted under (copied onto it)."""

    class Category(models.TextChoices):
        ASSISTANCE = "assistance", _("社会救助")
        ELDERLY = "elderly", _("养老服务")
        DISABILITY = "disability", _("残疾人服务")
        HEALTH = "health", _("卫生健康")
        INSURANCE = "insurance", _("社会保障")
        EMPLOYMENT = "employment", _("就业创业")
        RESIDENCE = "residence", _("户籍与居住")
        FAMILY = "family", _("婚育与家庭")
        VETERANS = "veterans", _("退役军人服务")
        OTHER = "other", _("其他")

    class LocalScope(models.TextChoices):
        COMMUNITY = "community", _("本社区窗口")
        STREET = "street", _("本街道内社区窗口")

    class Finish(models.TextChoices):
        COMMUNITY = "community", _("社区办结")
        STREET = "street", _("社区受理，街道办结")
        DEPARTMENT = "department", _("社区受理，转部门办结")

    code = models.CharField(_("事项编码"), max_length=20, unique=True)
    name = models.CharField(_("事项名称"), max_length=100)
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    department = models.CharField(_("责任部门"), max_length=60)
    legal_limit_days = models.PositiveSmallIntegerField(_("法定时限(工作日)"))
    committed_limit_days = models.PositiveSmallIntegerField(_("承诺时限(工作日)"))
    conditions = models.TextField(_("办理条件"))
    basis = models.CharField(_("设定依据"), max_length=300, blank=True)
    finish_at = models.CharField(_("办结地点"), max_length=12, choices=Finish.choices, default=Finish.COMMUNITY)
    citywide = models.BooleanField(_("全市通办"), default=True)
    # where an item that is not city-wide is accepted: the applicant's own community, or any window of their street
    local_scope = models.CharField(_("非通办时受理范围"), max_length=10, choices=LocalScope.choices,
                                   default=LocalScope.COMMUNITY, db_default=LocalScope.COMMUNITY)
    online = models.BooleanField(_("可网上申请"), default=True)
    # 容缺受理: the window may accept with a mandatory material still missing (supplied later), with a reason
    deferral_allowed = models.BooleanField(_("允许容缺受理"), default=False, db_default=False)
    fee = models.CharField(_("收费"), max_length=60, default="不收费")
    active = models.BooleanField(_("在用"), default=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("服务事项")
        verbose_name_plural = _("服务事项")
        ordering = ["sort", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(committed_limit_days__lte=models.F("legal_limit_days")), name="item_commit_within_legal"),
            models.CheckConstraint(condition=Q(committed_limit_days__gte=1), name="item_commit_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def accepts_at(self, *, home_path: str, window_path: str) -> bool:
        """全市通办 or not: may a window at ``window_path`` accept it for someone living at ``home_path``?"""
        if self.citywide:
            return True
        width = 9 if self.local_scope == self.LocalScope.STREET else 12
        return len(home_path) >= width and home_path[:width] == window_path[:width]



class ItemMaterial(models.Model):
    class Form(models.TextChoices):
        ORIGINAL = "original", _("原件")
        COPY = "copy", _("复印件")
        BOTH = "both", _("原件及复印件")
        FORM = "form", _("申请表")

    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("材料名称"), max_length=100)
    form = models.CharField(_("形式"), max_length=10, choices=Form.choices, default=Form.COPY)
    count = models.PositiveSmallIntegerField(_("份数"), default=1)
    required = models.BooleanField(_("必交"), default=True)
    condition = models.CharField(_("何种情形需要"), max_length=200, blank=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return self.name


class ServiceCentre(models.Model):
    """A window (党群服务中心 / 便民服务站) with its opening hours, including 错时服务."""

    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey("regions.RegionNode", verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(_("区划路径"), max_length=15, editable=False)
    address = models.CharField(_("地址"), max_length=200)
    phone = models.CharField(_("咨询电话"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("服务中心")
        verbose_name_plural = _("服务中心")
        ordering = ["region_path"]
        indexes = [models.Index(fields=["region_path"], name="centre_region", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.region_path = self.region.path
        super().save(*args, **kwargs)


class OpeningHours(models.Model):
    WEEKDAYS = [(0, _("周一")), (1, _("周二")), (2, _("周三")), (3, _("周四")), (4, _("周五")), (5, _("周六")), (6, _("周日"))]
    centre = models.ForeignKey(ServiceCentre, verbose_name=_("服务中心"), on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=WEEKDAYS)
    opens = models.TimeField(_("开始"))
    closes = models.TimeField(_("结束"))
    extended = models.BooleanField(_("错时/延时服务"), default=False)

    class Meta:
        verbose_name = _("开放时间")
        verbose_name_plural = _("开放时间")
        ordering = ["weekday", "opens"]
        constraints = [models.CheckConstraint(condition=Q(closes__gt=models.F("opens")), name="hours_close_after_open")]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class Application(TimeStamped):
    """One matter (一件事) from acceptance to result."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("网上申请")
        WINDOW = "window", _("窗口受理")

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("准予")
        DENIED = "denied", _("不予")

    number = models.CharField(_("受理编号"), max_length=24, unique=True)
    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="applications")
    item_version = models.PositiveIntegerField(_("事项版本"))
    item_name = models.CharField(_("事项名称"), max_length=100)
    limit_days = models.PositiveSmallIntegerField(_("承诺时限(工作日)"))
    # where the matter is decided, copied from the item when filed: a street or department decides
    # what is not finished at the community; the window forwards it and records their decision
    finish_at = models.CharField(_("办结地点"), max_length=12, choices=ServiceItem.Finish.choices,
                                 default=ServiceItem.Finish.COMMUNITY, db_default=ServiceItem.Finish.COMMUNITY)
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    rating_follow_ups = GenericRelation(FollowUp)  # deleted with it
    supervision_records = GenericRelation(Escalation)  # 督办 (core.supervision), deleted with it
    applicant_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人账号"), null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="applications")
    resident = models.ForeignKey("regions.Resident", verbose_name=_("居民档案"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    applicant_name = models.CharField(_("申请人"), max_length=50, db_index=True)
    applicant_id_number = EncryptedTextField(_("身份证号"), blank=True, default="")
    applicant_id_hash = models.CharField(_("身份证检索码"), max_length=64, blank=True, default="", db_index=True, editable=False)
    applicant_phone = EncryptedTextField(_("联系电话"), blank=True, default="")
    home_path = models.CharField(_("申请人所在社区"), max_length=15, blank=True)
    centre = models.ForeignKey(ServiceCentre, verbose_name=_("受理窗口"), null=True, blank=True, on_delete=models.PROTECT, related_name="applications")
    region_path = models.CharField(_("受理社区路径"), max_length=15)
    caseworker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("受理人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("申请说明"), blank=True)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    due_date = models.DateField(_("承诺办结日期"), null=True, blank=True)
    paused_since = models.DateField(_("补正起始"), null=True, blank=True)
    paused_days = models.PositiveSmallIntegerField(_("补正暂停(工作日)"), default=0)
    resume_status = models.CharField(_("补正后恢复到"), max_length=16, blank=True)
    # 一次性告知: a matter gets one correction notice, never a second one after the materials came in
    correction_notified = models.BooleanField(_("已一次性告知补正"), default=False, db_default=False)
    forwarded_to = models.CharField(_("转办至"), max_length=100, blank=True)
    refusal_reason = models.CharField(_("不予受理理由"), max_length=500, blank=True)
    deferral_reason = models.CharField(_("容缺受理理由"), max_length=300, blank=True, default="", db_default="")
    outcome = models.CharField(_("办理结果"), max_length=8, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("结果说明"), blank=True)
    result_file = models.FileField(_("结果文书"), upload_to="affairs/results/%Y/%m/", storage=private_storage, blank=True)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("督办级别"), default=0)
    rating = models.PositiveSmallIntegerField(_("评价"), null=True, blank=True)
    rating_comment = models.CharField(_("评价内容"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    public_token = models.CharField(_("查询码"), max_length=24, unique=True, default=_token, editable=False)
    idempotency_key = models.CharField(_("幂等键"), max_length=80, null=True, blank=True, unique=True)
    idempotency_fingerprint = models.CharField(_("首次请求摘要"), max_length=64, blank=True, default="", db_default="",
                                               editable=False)  # a retry with the same key must carry the same payload

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["region_path", "status", "-id"], name="app_region_status",
                         opclasses=["varchar_pattern_ops", "varchar_pattern_ops", ""]),
            models.Index(fields=["region_path", "-id"], name="app_region_id", opclasses=["varchar_pattern_ops", ""]),
            models.Index(fields=["due_date"], name="app_running_due", condition=Q(status__in=CLOCK_RUNNING)),
            # overdue / near-limit lists of an area: counted from the index alone
            models.Index(fields=["region_path", "due_date"], name="app_region_running_due",
                         opclasses=["varchar_pattern_ops", ""], condition=Q(status__in=CLOCK_RUNNING)),
            models.Index(fields=["applicant_user", "-id"], name="app_user"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="app_status_valid"),
            models.CheckConstraint(condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="app_rating_range"),
            models.CheckConstraint(condition=~Q(status="refused") | ~Q(refusal_reason=""), name="app_refusal_has_reason"),
            models.CheckConstraint(condition=~Q(status="completed") | ~Q(outcome=""), name="app_completed_has_outcome"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.item_name}"

    @property
    def masked_id_number(self) -> str:
        return mask_id(self.applicant_id_number) if self.applicant_id_number else ""

    @property
    def clock_running(self) -> bool:
        return self.status in CLOCK_RUNNING

    @property
    def rectification(self) -> FollowUp | None:
        """差评整改 opened by a bad rating (the kernel's follow-up task), if any."""
        return FollowUp.objects.for_target(self).first()


class Forwarding(models.Model):
    """转办: one hand-over of a matter to a department, with the working-day date by which the
    department answers, and its answer (returned_at, outcome, note). At most one is open per
    matter; the department's return puts the matter back in the window's hands."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("部门审核通过")
        DENIED = "denied", _("部门审核不通过")
        RETURNED = "returned", _("退回窗口处理")
        CANCELLED = "cancelled", _("办件撤回，转办终止")

    application = models.ForeignKey(Application, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="forwardings")
    region_path = models.CharField(_("受理社区路径"), max_length=15)
    department = models.CharField(_("转办单位"), max_length=100)
    request_note = models.CharField(_("转办说明"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("转出时间"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("转办人"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    days = models.PositiveSmallIntegerField(_("反馈期限(工作日)"))
    due_date = models.DateField(_("应反馈日期"))
    returned_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("反馈登记人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(_("反馈结果"), max_length=10, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("反馈内容"), blank=True)

    class Meta:
        verbose_name = _("转办记录")
        verbose_name_plural = _("转办记录")
        ordering = ["sent_at", "id"]
        indexes = [models.Index(fields=["region_path", "due_date"], name="fwd_open_due", opclasses=["varchar_pattern_ops", ""],
                                condition=Q(returned_at__isnull=True))]
        constraints = [
            models.UniqueConstraint(fields=["application"], condition=Q(returned_at__isnull=True), name="fwd_one_open"),
            models.CheckConstraint(condition=(Q(returned_at__isnull=True) & Q(outcome="")) |
                                   (Q(returned_at__isnull=False) & ~Q(outcome="")), name="fwd_return_has_outcome"),
            models.CheckConstraint(condition=Q(days__gte=1, days__lte=60), name="fwd_days_range"),
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.due_date}"

    @property
    def is_open(self) -> bool:
        return self.returned_at is None

    @property
    def overdue(self) -> bool:
        from django.utils import timezone

        return self.returned_at is None and self.due_date < timezone.localdate()


class ApplicationMaterial(models.Model):
    """The checklist of one application, copied from the item when it was filed."""

    application = models.ForeignKey(Application, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("材料名称"), max_length=100)
    form = models.CharField(_("形式"), max_length=10, choices=ItemMaterial.Form.choices)
    count = models.PositiveSmallIntegerField(_("份数"), default=1)
    required = models.BooleanField(_("必交"), default=True)
    condition = models.CharField(_("何种情形需要"), max_length=200, blank=True)
    received = models.BooleanField(_("已收"), default=False)
    requested = models.BooleanField(_("待补正"), default=False)
    deferred = models.BooleanField(_("容缺后补"), default=False, db_default=False)
    request_note = models.CharField(_("补正说明"), max_length=200, blank=True)
    file = models.FileField(_("电子材料"), upload_to="affairs/materials/%Y/%m/", storage=private_storage, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=40, blank=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("办件材料")
        verbose_name_plural = _("办件材料")
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return self.name


class ApplicationEvent(models.Model):
    application = models.ForeignKey(Application, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(_("动作"), max_length=24)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, blank=True)
    note = models.TextField(_("说明"), blank=True)
    public = models.BooleanField(_("申请人可见"), default=True)

    class Meta:
        verbose_name = _("办件记录")
        verbose_name_plural = _("办件记录")
        ordering = ["at", "id"]

    EXTRA_LABELS = {"submit": _("提交申请"), "material": _("补交材料"), "rate": _("评价"), "rectify": _("整改回复"),
                    "supervise": _("督办"), "urge": _("督办意见")}

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"

    @property
    def action_label(self) -> str:
        from .states import Action

        if self.action in Action.values:
            return str(Action(self.action).label)
        return str(self.EXTRA_LABELS.get(self.action, self.action))


class CertificateKind(models.Model):
    """The published list (社区可出具证明事项清单). Only these are issued."""

    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("证明名称"), max_length=60)
    purpose = models.CharField(_("适用情形"), max_length=300)
    checks = models.CharField(_("社区核实内容"), max_length=300)
    template = models.TextField(_("证明正文模板"), help_text=_("可用占位：{name} {id} 以及下面声明的各项内容，如 {address}"))
    # what the window fills in for this kind: [{"name", "label", "type", "required", "options", "help"}]
    # (certificates.FIELD_TYPES); the template's blanks are exactly these names plus {name} and {id}
    fields = models.JSONField(_("证明内容项"), default=list, blank=True)
    active = models.BooleanField(_("在清单内"), default=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("可出具证明")
        verbose_name_plural = _("可出具证明清单")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from .certificates import check_kind

        problems = check_kind(self.template, self.fields)
        if problems:
            raise ValidationError({"template": problems})


def _verify_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class Certificate(TimeStamped):
    """A community certificate: requested (online or at the window), issued or refused; issued ones
    carry a serial and a verification code checked at a public URL; revocation shows there."""

    State = CertificateState  # its lifecycle: states.CERTIFICATE_LIFECYCLE

    kind = models.ForeignKey(CertificateKind, verbose_name=_("证明"), on_delete=models.PROTECT, related_name="certificates")
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.REQUESTED)
    serial = models.CharField(_("编号"), max_length=24, unique=True, null=True, blank=True)
    verify_code = models.CharField(_("核验码"), max_length=12, unique=True, default=_verify_code, editable=False)
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请账号"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resident = models.ForeignKey("regions.Resident", verbose_name=_("居民档案"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    subject_name = models.CharField(_("证明对象"), max_length=50)
    subject_id_number = EncryptedTextField(_("身份证号"), blank=True, default="")
    purpose = models.CharField(_("用途"), max_length=200)
    detail = models.TextField(_("证明事实"), blank=True)  # the requester's own account of what is to be certified
    facts = models.JSONField(_("证明内容"), default=dict, blank=True)  # the kind's fields as the window filled them in
    body = models.TextField(_("证明正文"), blank=True)
    region_path = models.CharField(_("出具社区路径"), max_length=15)
    issuer_name = models.CharField(_("出具单位"), max_length=100, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("出具人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField(_("出具时间"), null=True, blank=True)
    refusal_reason = models.CharField(_("不予出具理由"), max_length=300, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoke_reason = models.CharField(_("撤销理由"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("社区证明")
        verbose_name_plural = _("社区证明")
        ordering = ["-id"]
        indexes = [models.Index(fields=["region_path", "state"], name="cert_region_state", opclasses=["varchar_pattern_ops", "varchar_pattern_ops"])]
        constraints = [
            models.CheckConstraint(condition=~Q(state="issued") | Q(serial__isnull=False), name="cert_issued_has_serial"),
            models.CheckConstraint(condition=~Q(state="revoked") | ~Q(revoke_reason=""), name="cert_revoked_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.serial or '-'} {self.kind.name if self.kind_id else ''}"
