"""电子化业主大会: the owners' roll frozen from the registry (业主名册: each exclusive unit with its
area and the area's source, grouped into the heads the Supreme People's Court interpretation
counts), the assembly and its matters typed by Civil Code art. 278 item, one effective ballot per
head across phone, paper and proxy (enforced by a partial unique index), paper slips entered by
two clerks, proxies, and the published ballot board chained by hashes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.fields import private_storage
from linli.core.models import TimeStamped
from linli.regions.choices import AreaSource, Use

from .states import RollStatus, Status

PATTERN = ["varchar_pattern_ops"]


class Roll(TimeStamped):
    """A frozen snapshot of who votes and with what weight. Totals come from the entries."""

    region_path = models.CharField(_("区划路径"), max_length=15)
    compound = models.ForeignKey("regions.Compound", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey("regions.Building", verbose_name=_("楼栋"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", help_text=_("仅涉及一栋楼的事项时填写"))
    scope_name = models.CharField(_("范围"), max_length=200)
    status = models.CharField(_("状态"), max_length=12, choices=RollStatus.choices, default=RollStatus.DRAFT)
    total_area = models.DecimalField(_("专有部分总面积(㎡)"), max_digits=14, decimal_places=2, default=0)
    total_heads = models.PositiveIntegerField(_("业主总人数"), default=0)
    total_units = models.PositiveIntegerField(_("专有部分数"), default=0)
    disclosure_id = models.IntegerField(_("名册公示"), null=True, blank=True)
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("编制人"), null=True, on_delete=models.SET_NULL,
                                  related_name="+")
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("业主名册")
        verbose_name_plural = _("业主名册")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["region_path"], name="roll_region_like", opclasses=PATTERN)]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=RollStatus.values), name="roll_status_valid"),
            models.CheckConstraint(condition=Q(total_area__gte=0), name="roll_area_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.scope_name} · {self.get_status_display()}"


class HeadKind(models.TextChoices):
    PERSON = "person", _("个人业主")
    CO_OWNERS = "co_owners", _("共有业主")
    DEVELOPER = "developer", _("建设单位(未售出或未交付)")
    ORGANISATION = "organisation", _("单位业主")


class RollEntry(models.Model):
    """One head (计票主体): one unit, or all units of one buyer, or all units the developer still
    holds; co-owners of a unit are one head and vote through the one they designate."""

    roll = models.ForeignKey(Roll, verbose_name=_("名册"), on_delete=models.CASCADE, related_name="entries")
    seq = models.PositiveIntegerField(_("序号"))
    kind = models.CharField(_("类型"), max_length=16, choices=HeadKind.choices)
    owner_key = models.CharField(_("权利人标识"), max_length=200)
    name = models.CharField(_("业主"), max_length=200)
    owners = models.JSONField(_("权利人"), default=list, blank=True)  # [{"name", "resident_id", "key"}]
    voter = models.ForeignKey("regions.Resident", verbose_name=_("投票人"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", help_text=_("业主本人；共有房屋为共有人指定的一人"))
    area = models.DecimalField(_("专有面积合计(㎡)"), max_digits=14, decimal_places=2)
    units = models.PositiveIntegerField(_("专有部分数"), default=1)

    class Meta:
        verbose_name = _("计票主体")
        verbose_name_plural = _("计票主体")
        ordering = ["roll_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["roll", "seq"], name="rollentry_seq_unique"),
            models.UniqueConstraint(fields=["roll", "owner_key"], name="rollentry_key_unique"),
            models.CheckConstraint(condition=Q(area__gt=0), name="rollentry_area_positive"),
        ]
        indexes = [models.Index(fields=["voter"], name="rollentry_voter")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"H{self.seq:05d}"


class RollUnit(models.Model):
    """One exclusive unit (专有部分) on the roll: the public list shows its label and area only."""

    roll = models.ForeignKey(Roll, verbose_name=_("名册"), on_delete=models.CASCADE, related_name="units")
    entry = models.ForeignKey(RollEntry, verbose_name=_("计票主体"), on_delete=models.CASCADE, related_name="roll_units")
    room = models.ForeignKey("regions.Room", verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("房号"), max_length=200)
    use = models.CharField(_("用途"), max_length=16, choices=Use.choices)
    area = models.DecimalField(_("专有面积(㎡)"), max_digits=10, decimal_places=2)
    area_source = models.CharField(_("面积来源"), max_length=10, choices=AreaSource.choices)

    class Meta:
        verbose_name = _("专有部分")
        verbose_name_plural = _("专有部分")
        ordering = ["roll_id", "label"]
        constraints = [
            models.UniqueConstraint(fields=["roll", "room"], name="rollunit_room_unique"),
            models.CheckConstraint(condition=Q(area__gt=0), name="rollunit_area_positive"),
        ]

    def __str__(self) -> str:
        return self.label


class RollCorrection(models.Model):
    """A change to a disclosed roll, with its reason (also in the audit)."""

    roll = models.ForeignKey(Roll, verbose_name=_("名册"), on_delete=models.CASCADE, related_name="corrections")
    unit = models.ForeignKey(RollUnit, verbose_name=_("专有部分"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    field = models.CharField(_("更正项"), max_length=20)
    before = models.CharField(_("更正前"), max_length=200, blank=True)
    after = models.CharField(_("更正后"), max_length=200, blank=True)
    reason = models.CharField(_("理由"), max_length=300)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("更正人"), null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("名册更正")
        verbose_name_plural = _("名册更正")
        ordering = ["roll_id", "at"]

    def __str__(self) -> str:
        return f"{self.field}: {self.before} → {self.after}"


class Convener(models.TextChoices):
    OWNERS_COMMITTEE = "owners_committee", _("业主委员会")
    PREPARATORY_GROUP = "preparatory_group", _("业主大会筹备组")
    STREET_OFFICE = "street_office", _("街道办事处")


class Assembly(TimeStamped):
    title = models.CharField(_("会议名称"), max_length=120)
    region_path = models.CharField(_("区划路径"), max_length=15)
    compound = models.ForeignKey("regions.Compound", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey("regions.Building", verbose_name=_("楼栋"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    roll = models.OneToOneField(Roll, verbose_name=_("业主名册"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="assembly")
    convener = models.CharField(_("召集人"), max_length=20, choices=Convener.choices)
    convener_name = models.CharField(_("召集人名称"), max_length=120)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    named = models.BooleanField(_("记名表决"), default=True, help_text=_("记名：表决公示板列出房号与表决意见；不记名：只列回执摘要"))
    allow_change = models.BooleanField(_("截止前可改票"), default=False)
    max_principals = models.PositiveSmallIntegerField(_("每名受托人最多代理"), default=1)
    opens_at = models.DateTimeField(_("投票开始"))
    closes_at = models.DateTimeField(_("投票截止"))
    original_closes_at = models.DateTimeField(_("原定截止"), null=True, blank=True)
    notice_id = models.IntegerField(_("召开公告"), null=True, blank=True)
    called_at = models.DateTimeField(_("公告时间"), null=True, blank=True)
    rc_notified_at = models.DateTimeField(_("告知居委会时间"), null=True, blank=True)
    extension_notice_id = models.IntegerField(_("延期公告"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    result_due_on = models.DateField(_("结果公布期限"), null=True, blank=True, help_text=_("投票结束后一个工作日内"))
    escalation_level = models.PositiveSmallIntegerField(_("督办层级"), default=0)
    result_disclosure_id = models.IntegerField(_("结果公示"), null=True, blank=True)
    announced_at = models.DateTimeField(_("决定公告时间"), null=True, blank=True)
    board_head = models.CharField(_("表决公示板末项摘要"), max_length=64, blank=True)
    record_hash = models.CharField(_("表决记录摘要"), max_length=64, blank=True)
    record = models.FileField(_("表决记录"), storage=private_storage, upload_to="assemblies/records/%Y", blank=True)
    decision_disclosure_id = models.IntegerField(_("决定公告"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("业主大会")
        verbose_name_plural = _("业主大会")
        ordering = ["-opens_at", "-pk"]
        indexes = [models.Index(fields=["region_path"], name="assembly_region_like", opclasses=PATTERN),
                   models.Index(fields=["status", "closes_at"], name="assembly_status_closes")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="assembly_status_valid"),
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="assembly_window_order"),
            models.CheckConstraint(condition=Q(max_principals__gte=1), name="assembly_principals_min"),
        ]

    def __str__(self) -> str:
        return self.title


class Matter(models.Model):
    """一项表决事项, typed by art. 278 item (1)–(9), which fixes its threshold."""

    assembly = models.ForeignKey(Assembly, verbose_name=_("业主大会"), on_delete=models.CASCADE, related_name="matters")
    no = models.PositiveSmallIntegerField(_("序号"))
    item = models.PositiveSmallIntegerField(_("民法典第278条事项"))
    title = models.CharField(_("事项"), max_length=200)
    body = models.TextField(_("说明"), blank=True)
    result = models.JSONField(_("表决结果"), null=True, blank=True)

    class Meta:
        verbose_name = _("表决事项")
        verbose_name_plural = _("表决事项")
        ordering = ["assembly_id", "no"]
        constraints = [
            models.UniqueConstraint(fields=["assembly", "no"], name="matter_no_unique"),
            models.CheckConstraint(condition=Q(item__gte=1) & Q(item__lte=9), name="matter_item_range"),
        ]

    def __str__(self) -> str:
        return f"{self.no}. {self.title}"


class Channel(models.TextChoices):
    ONLINE = "online", _("网上投票")
    PAPER = "paper", _("书面表决")
    PROXY = "proxy", _("委托投票")


class Choice(models.TextChoices):
    AGREE = "agree", _("同意")
    OPPOSE = "oppose", _("反对")
    ABSTAIN = "abstain", _("弃权")


class Ballot(models.Model):
    """One head's ballot over all matters of the assembly. At most one effective ballot per head:
    a partial unique index, so two phones, a paper entry and a proxy at once store one."""

    assembly = models.ForeignKey(Assembly, verbose_name=_("业主大会"), on_delete=models.PROTECT, related_name="ballots")
    entry = models.ForeignKey(RollEntry, verbose_name=_("计票主体"), on_delete=models.PROTECT, related_name="ballots")
    channel = models.CharField(_("方式"), max_length=8, choices=Channel.choices)
    cast_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("投票人/录入人"), null=True, on_delete=models.SET_NULL,
                                related_name="+")
    receipt_hash = models.CharField(_("回执摘要"), max_length=64, unique=True)
    cast_at = models.DateTimeField(_("投票时间"))
    void = models.BooleanField(_("已被改票替代"), default=False)

    class Meta:
        verbose_name = _("选票")
        verbose_name_plural = _("选票")
        ordering = ["assembly_id", "cast_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assembly", "entry"], condition=Q(void=False), name="ballot_one_per_head"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="ballot_channel_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.assembly_id}/{self.entry_id}"


class BallotChoice(models.Model):
    ballot = models.ForeignKey(Ballot, verbose_name=_("选票"), on_delete=models.CASCADE, related_name="choices")
    matter = models.ForeignKey(Matter, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("意见"), max_length=8, choices=Choice.choices)

    class Meta:
        verbose_name = _("表决意见")
        verbose_name_plural = _("表决意见")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "matter"], name="ballotchoice_unique"),
            models.CheckConstraint(condition=Q(choice__in=Choice.values), name="ballotchoice_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.matter_id}: {self.choice}"


class PaperSlip(models.Model):
    """A printed ballot for one head, with its unique code (书面征求意见表)."""

    assembly = models.ForeignKey(Assembly, verbose_name=_("业主大会"), on_delete=models.CASCADE, related_name="slips")
    entry = models.ForeignKey(RollEntry, verbose_name=_("计票主体"), on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("表决票编码"), max_length=24, unique=True)
    status = models.CharField(_("录入状态"), max_length=10, default="open",
                              choices=[("open", _("待录入")), ("mismatch", _("两次录入不一致")), ("counted", _("已计入")),
                                       ("void", _("不计入(该户已有有效选票或已委托)"))])
    scan = models.FileField(_("表决票扫描件"), storage=private_storage, upload_to="assemblies/slips/%Y/%m", blank=True)

    class Meta:
        verbose_name = _("书面表决票")
        verbose_name_plural = _("书面表决票")
        constraints = [models.UniqueConstraint(fields=["assembly", "entry"], name="slip_one_per_head")]

    def __str__(self) -> str:
        return self.code


class PaperEntry(models.Model):
    """One clerk's independent entry of a paper slip; round 3 is the deciding person's."""

    slip = models.ForeignKey(PaperSlip, verbose_name=_("表决票"), on_delete=models.CASCADE, related_name="entries")
    round = models.PositiveSmallIntegerField(_("录入轮次"))
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+")
    choices = models.JSONField(_("录入意见"))  # {"1": "agree", …}; a matter left blank is absent
    at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("书面表决录入")
        verbose_name_plural = _("书面表决录入")
        ordering = ["slip_id", "round"]
        constraints = [
            models.UniqueConstraint(fields=["slip", "round"], name="paperentry_round_unique"),
            models.UniqueConstraint(fields=["slip", "clerk"], name="paperentry_clerk_once"),
            models.CheckConstraint(condition=Q(round__gte=1) & Q(round__lte=3), name="paperentry_round_range"),
        ]

    def __str__(self) -> str:
        return f"{self.slip_id} #{self.round}"


class Proxy(models.Model):
    """A written authorisation (委托书): the holder votes for the principal head."""

    assembly = models.ForeignKey(Assembly, verbose_name=_("业主大会"), on_delete=models.CASCADE, related_name="proxies")
    principal = models.ForeignKey(RollEntry, verbose_name=_("委托人"), on_delete=models.CASCADE, related_name="+")
    holder = models.ForeignKey("regions.Resident", verbose_name=_("受托人"), on_delete=models.PROTECT, related_name="+")
    document = models.FileField(_("授权委托书"), storage=private_storage, upload_to="assemblies/proxies/%Y/%m")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("投票委托")
        verbose_name_plural = _("投票委托")
        constraints = [models.UniqueConstraint(fields=["assembly", "principal"], condition=Q(revoked_at__isnull=True),
                                               name="proxy_one_per_principal")]

    def __str__(self) -> str:
        return f"{self.principal} → {self.holder_id}"


class BoardEntry(models.Model):
    """The published ballot board, each entry chained to the previous one by its hash."""

    assembly = models.ForeignKey(Assembly, verbose_name=_("业主大会"), on_delete=models.CASCADE, related_name="board")
    seq = models.PositiveIntegerField(_("序号"))
    data = models.JSONField(_("内容"))
    hash = models.CharField(_("摘要"), max_length=64)
    receipt_hash = models.CharField(_("回执摘要"), max_length=64)  # for looking a receipt up (named boards do not show it)

    class Meta:
        verbose_name = _("表决公示板")
        verbose_name_plural = _("表决公示板")
        ordering = ["assembly_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["assembly", "seq"], name="board_seq_unique"),
                       models.UniqueConstraint(fields=["assembly", "receipt_hash"], name="board_receipt_unique")]

    def __str__(self) -> str:
        return f"{self.assembly_id} #{self.seq}"
