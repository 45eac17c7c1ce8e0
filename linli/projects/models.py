"""Small public projects with community designers (社区公共投资小项目 · 微实事 · 社区设计师).

A street or a community opens a call (征集) with a budget and caps per project; residents, topics
of consultation and staff bring ideas; designers from the city's registry of community designers
draw them up; the consultation body reviews each design (a recorded decision); residents may vote
on the shortlist (approval, or a knapsack within the budget; paper ballots merged; one vote per
resident); the chosen list is disclosed, and each chosen project is carried out step by step with
photos before and after, then rated.

Every row that belongs to an area carries ``region_path`` with a ``varchar_pattern_ops`` index, so
the staff of a street or district read theirs by prefix."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from linli.core.fields import EncryptedTextField, private_storage

from .states import CallStatus, Status

PATTERN = ["varchar_pattern_ops"]
SERVICES_CAP = Decimal("500000.00")  # 服务和货物类 per project (Guangzhou's 微实事 default)
WORKS_CAP = Decimal("1000000.00")  # 工程类 per project


def upload_name(instance: object, filename: str) -> str:
    """Drawings and photos are stored under a random name (the uploaded one says nothing here)."""
    return f"projects/{uuid.uuid4().hex}{filename[filename.rfind('.'):] if '.' in filename else ''}"


class Kind(models.TextChoices):
    SERVICES = "services", _("服务和货物类")
    WORKS = "works", _("工程类")


class Designer(models.Model):
    """A community designer (社区设计师) of the city's registry: who they are, the streets they serve."""

    region_path = models.CharField(_("登记单位区划"), max_length=15)
    name = models.CharField(_("姓名"), max_length=50)
    profession = models.CharField(_("专业"), max_length=50)
    organisation = models.CharField(_("单位"), max_length=100)
    phone = EncryptedTextField(_("联系电话"), blank=True, default="")
    phone_tail = models.CharField(_("电话尾号"), max_length=4, blank=True, default="", editable=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("账号"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    streets = models.ManyToManyField("regions.RegionNode", verbose_name=_("服务街道"), related_name="+", blank=True)
    active = models.BooleanField(_("在册"), default=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("社区设计师")
        verbose_name_plural = _("社区设计师")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["region_path"], name="project_designer_path", opclasses=PATTERN)]

    def __str__(self) -> str:
        return f"{self.name}({self.organisation})"


class VoteMode(models.TextChoices):
    NONE = "none", _("不投票(按评审入围确定)")
    APPROVAL = "approval", _("赞成投票(可选多项)")
    KNAPSACK = "knapsack", _("预算内选择(所选项目合计不超过预算)")


class Call(models.Model):
    number = models.CharField(_("编号"), max_length=20, unique=True)
    region = models.ForeignKey("regions.RegionNode", verbose_name=_("街道或社区"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(_("区划路径"), max_length=15)
    title = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), max_length=4000)
    budget = models.DecimalField(_("总预算(元)"), max_digits=12, decimal_places=2)
    cap_services = models.DecimalField(_("服务和货物类单项上限(元)"), max_digits=12, decimal_places=2, default=SERVICES_CAP)
    cap_works = models.DecimalField(_("工程类单项上限(元)"), max_digits=12, decimal_places=2, default=WORKS_CAP)
    ideas_until = models.DateField(_("创意征集截止"))
    vote_mode = models.CharField(_("居民投票"), max_length=10, choices=VoteMode.choices, default=VoteMode.APPROVAL)
    max_choices = models.PositiveSmallIntegerField(_("每人最多选择项数"), default=0, help_text=_("0 表示不限(赞成投票)"))
    vote_opens = models.DateTimeField(_("投票开始"), null=True, blank=True)
    vote_closes = models.DateTimeField(_("投票截止"), null=True, blank=True)
    body_id = models.PositiveBigIntegerField(_("评审机构"), null=True, blank=True)
    body_name = models.CharField(_("评审机构名称"), max_length=80, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=CallStatus.choices, default=CallStatus.IDEAS)
    ballots = models.PositiveIntegerField(_("投票人数"), default=0)
    chosen_total = models.DecimalField(_("选定项目合计(元)"), max_digits=12, decimal_places=2, default=Decimal("0"))
    disclosure_id = models.PositiveBigIntegerField(_("选定项目公示"), null=True, blank=True)
    chosen_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("微实事征集")
        verbose_name_plural = _("微实事征集")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["region_path", "status"], name="project_call_path", opclasses=PATTERN * 2)]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=CallStatus.values), name="project_call_status"),
            models.CheckConstraint(condition=Q(budget__gt=0, cap_services__gt=0, cap_works__gt=0), name="project_call_money"),
            models.CheckConstraint(condition=Q(vote_closes__isnull=True) | Q(vote_opens__isnull=True) | Q(vote_closes__gt=F("vote_opens")),
                                   name="project_call_vote_times"),
            models.CheckConstraint(condition=Q(chosen_total__lte=F("budget")), name="project_call_within_budget"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def cap_for(self, kind: str) -> Decimal:
        return self.cap_works if kind == Kind.WORKS else self.cap_services


class Source(models.TextChoices):
    RESIDENT = "resident", _("居民提出")
    OFFLINE = "offline", _("居民提出(工作人员代录)")
    TOPIC = "topic", _("议事协商转入")
    STAFF = "staff", _("社区提出")


class Project(models.Model):
    number = models.CharField(_("项目编号"), max_length=20, unique=True)
    call = models.ForeignKey(Call, verbose_name=_("征集"), on_delete=models.PROTECT, related_name="projects")
    community = models.ForeignKey("regions.RegionNode", verbose_name=_("所在社区"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(_("区划路径"), max_length=15)
    title = models.CharField(_("项目"), max_length=100)
    description = models.TextField(_("创意说明"), max_length=4000)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    location = models.CharField(_("地点"), max_length=120, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提出人"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    proposer_name = models.CharField(_("提出人(公开显示)"), max_length=50, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("代录人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    resolution_id = models.PositiveBigIntegerField(_("来源协商事项"), null=True, blank=True, unique=True)
    topic_number = models.CharField(_("来源议题编号"), max_length=20, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.IDEA)
    designer = models.ForeignKey(Designer, verbose_name=_("设计师"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="projects")
    design = models.TextField(_("设计方案"), max_length=4000, blank=True)
    drawings = models.FileField(_("设计图纸"), upload_to=upload_name, storage=private_storage, blank=True)
    cost = models.DecimalField(_("预算(元)"), max_digits=12, decimal_places=2, null=True, blank=True)
    schedule_days = models.PositiveSmallIntegerField(_("工期(天)"), null=True, blank=True)
    designed_at = models.DateTimeField(_("方案提交时间"), null=True, blank=True)
    votes = models.PositiveIntegerField(_("得票"), default=0)
    owner = models.CharField(_("实施单位"), max_length=100, blank=True)
    due_on = models.DateField(_("完成期限"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("进度(%)"), default=0)
    escalation_level = models.PositiveSmallIntegerField(_("督办级别"), default=0)
    infeasible_reason = models.CharField(_("不能实施的原因"), max_length=1000, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    rating_round = models.PositiveSmallIntegerField(_("评价轮次"), default=1)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("微实事项目")
        verbose_name_plural = _("微实事项目")
        ordering = ["call", "id"]
        indexes = [
            models.Index(fields=["region_path", "status"], name="project_path", opclasses=PATTERN * 2),
            models.Index(fields=["status", "due_on"], name="project_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="project_status"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="project_progress"),
            models.CheckConstraint(condition=Q(cost__isnull=True) | Q(cost__gt=0), name="project_cost_positive"),
            # a design under review has its drawings' cost and schedule
            models.CheckConstraint(condition=Q(status__in=[Status.IDEA, Status.DESIGNING, Status.WITHDRAWN, Status.REJECTED]) | Q(
                cost__isnull=False, schedule_days__isnull=False), name="project_designed"),
            models.CheckConstraint(condition=~Q(status=Status.INFEASIBLE) | ~Q(infeasible_reason=""), name="project_infeasible_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Event(models.Model):
    """The project's timeline; ``public`` ones show on the portal."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    call = models.ForeignKey(Call, verbose_name=_("征集"), on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(_("操作"), max_length=24)
    note = models.CharField(_("说明"), max_length=1000, blank=True)
    progress = models.PositiveSmallIntegerField(_("进度(%)"), null=True, blank=True)
    public = models.BooleanField(_("公开"), default=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目进程")
        verbose_name_plural = _("项目进程")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.action}"

    def get_action_label(self) -> str:
        from .states import Action, CallAction

        for enum in (Action, CallAction):
            if self.action in enum.values:
                return str(enum(self.action).label)
        return str(EVENT_LABELS.get(self.action, self.action))


EVENT_LABELS = {
    "propose": _("提出创意"), "open": _("发起征集"), "review_record": _("记录评审意见"), "photo": _("上传照片"),
    "disclose": _("公示选定项目"), "rate": _("成效评价"), "clock_warn": _("临近期限提醒"), "clock_escalate": _("超期督办"),
    "clock_urge": _("督办"), "paper": _("登记纸质选票"),
}


class Review(models.Model):
    """The consultation body's recorded decision on one design (入围 / 未入围 / 退回修改)."""

    class Decision(models.TextChoices):
        SHORTLIST = "shortlist", _("入围")
        REJECT = "reject", _("未入围")
        REVISE = "revise", _("退回修改")

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="reviews")
    region_path = models.CharField(_("区划路径"), max_length=15)
    body_name = models.CharField(_("评审机构"), max_length=80)
    decision = models.CharField(_("评审结论"), max_length=10, choices=Decision.choices)
    votes_for = models.PositiveSmallIntegerField(_("赞成"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("反对"), default=0)
    votes_abstain = models.PositiveSmallIntegerField(_("弃权"), default=0)
    opinion = models.CharField(_("评审意见"), max_length=1000)
    meeting_on = models.DateField(_("评审日期"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评审记录")
        verbose_name_plural = _("评审记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.decision}"


class Ballot(models.Model):
    """One resident's vote in a call, online or from a paper ballot the desk entered; a resident
    votes once, whichever way (the unique constraint is the last guard)."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("网上投票")
        PAPER = "paper", _("纸质选票")

    call = models.ForeignKey(Call, verbose_name=_("征集"), on_delete=models.CASCADE, related_name="ballot_rows")
    resident_id = models.PositiveBigIntegerField(_("居民"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("投票人账号"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField(_("方式"), max_length=6, choices=Channel.choices)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    slip = models.CharField(_("选票编号"), max_length=20, blank=True)
    projects = models.ManyToManyField(Project, verbose_name=_("所选项目"), related_name="+")
    total = models.DecimalField(_("所选合计(元)"), max_digits=12, decimal_places=2, default=Decimal("0"))
    at = models.DateTimeField(_("投票时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("选票")
        verbose_name_plural = _("选票")
        constraints = [
            models.UniqueConstraint(fields=["call", "resident_id"], name="project_ballot_once"),
            models.UniqueConstraint(fields=["call", "slip"], condition=~Q(slip=""), name="project_ballot_slip_once"),
        ]

    def __str__(self) -> str:
        return f"{self.call_id}:{self.resident_id}"


class Photo(models.Model):
    class Phase(models.TextChoices):
        BEFORE = "before", _("实施前")
        DURING = "during", _("实施中")
        AFTER = "after", _("完成后")

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="photos")
    phase = models.CharField(_("阶段"), max_length=6, choices=Phase.choices)
    file = models.FileField(_("照片"), upload_to=upload_name, storage=private_storage)
    content_type = models.CharField(_("类型"), max_length=20)
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目照片")
        verbose_name_plural = _("项目照片")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.phase}"


class Follower(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("关注人"), on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("关注时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("关注")
        verbose_name_plural = _("关注")
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="project_follow_once")]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.user_id}"


class Rating(models.Model):
    """成效评价 of a completed project, one per person and round (core.ratings)."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评价人"), on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(_("评价"))
    comment = models.CharField(_("意见"), max_length=500, blank=True)
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    at = models.DateTimeField(_("评价时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("成效评价")
        verbose_name_plural = _("成效评价")
        constraints = [
            models.UniqueConstraint(fields=["project", "user", "round"], name="project_rating_once"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="project_rating_range"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.rating}"

    @property
    def label(self) -> str:
        from linli.core.ratings import RATING_LABELS

        return str(RATING_LABELS.get(self.rating, self.rating))
