"""Community consultation (有事好商量 · 城乡社区协商): the list of consultable matters, the bodies
that consult, topics from proposal to a result residents can follow and rate, the meetings, and
the resolutions of an outcome tracked step by step until they are done.

Every row that belongs to an area carries ``region_path`` (the community's path) with a
``varchar_pattern_ops`` index, so the staff of a street or district read theirs by prefix."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .states import CommentStatus, MeetingStatus, ResolutionStatus, Status

PATTERN = ["varchar_pattern_ops"]


class Category(models.TextChoices):
    """The content of consultation the 2015 national opinion lists (城乡社区协商的内容)."""

    DEVELOPMENT = "development", _("经济社会发展")
    PUBLIC = "public", _("公共事务和公益事业")
    LIVELIHOOD = "livelihood", _("民生问题")
    DISPUTE = "dispute", _("矛盾纠纷")
    POLICY = "policy", _("政策落实")
    OTHER = "other", _("其他需要协商的事项")


class Matter(models.Model):
    """One kind of matter on the list of consultable matters (协商事项清单). A city's list is
    the rows at the city's path; a district, street or community adds its own rows at its path;
    a community's list is every active row whose path is a prefix of its own."""

    region_path = models.CharField(_("适用范围"), max_length=15, db_index=False)
    region_name = models.CharField(_("适用范围名称"), max_length=200, blank=True)
    name = models.CharField(_("事项"), max_length=80)
    category = models.CharField(_("协商内容"), max_length=12, choices=Category.choices)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("协商事项")
        verbose_name_plural = _("协商事项清单")
        ordering = ["order", "id"]
        indexes = [models.Index(fields=["region_path"], name="consult_matter_path", opclasses=PATTERN)]
        constraints = [models.UniqueConstraint(fields=["region_path", "name"], name="consult_matter_unique")]

    def __str__(self) -> str:
        return self.name


class Settings(models.Model):
    """A community's rules for topics; a community without a row uses the defaults."""

    community = models.OneToOneField("regions.RegionNode", verbose_name=_("社区"), on_delete=models.CASCADE, related_name="+")
    region_path = models.CharField(_("区划路径"), max_length=15)
    support_threshold = models.PositiveSmallIntegerField(_("附议户数门槛"), default=10)
    answer_days = models.PositiveSmallIntegerField(_("答复时限(工作日)"), default=5)
    notice_days = models.PositiveSmallIntegerField(_("提前通知天数"), default=3)
    disclosure_days = models.PositiveSmallIntegerField(_("结果公示时限(天)"), default=15)

    class Meta:
        verbose_name = _("协商规则")
        verbose_name_plural = _("协商规则")
        constraints = [
            models.CheckConstraint(condition=Q(support_threshold__gte=1, answer_days__gte=1, notice_days__gte=1,
                                               disclosure_days__gte=1), name="consult_settings_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.region_path} 协商规则"


class BodyKind(models.TextChoices):
    REPRESENTATIVES = "representatives", _("居民代表会议")
    AFFAIRS = "affairs", _("社区事务协商委员会")
    COUNCIL = "council", _("议事会")
    SUPERVISION = "supervision", _("居民监督委员会")
    TALK = "talk", _("民情恳谈会")
    HEARING = "hearing", _("听证会")
    EVALUATION = "evaluation", _("成效评价会")


class Body(models.Model):
    """A consultation body of a community, with its members, term and quorum."""

    community = models.ForeignKey("regions.RegionNode", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(_("区划路径"), max_length=15)
    kind = models.CharField(_("形式"), max_length=16, choices=BodyKind.choices)
    name = models.CharField(_("名称"), max_length=80)
    term_starts = models.DateField(_("任期开始"), null=True, blank=True)
    term_ends = models.DateField(_("任期结束"), null=True, blank=True)
    quorum_percent = models.PositiveSmallIntegerField(_("到会比例(%)"), default=50,
                                                      help_text=_("到会成员超过该比例方可开会"))
    active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("协商议事机构")
        verbose_name_plural = _("协商议事机构")
        ordering = ["region_path", "kind", "id"]
        indexes = [models.Index(fields=["region_path"], name="consult_body_path", opclasses=PATTERN)]
        constraints = [
            models.CheckConstraint(condition=Q(quorum_percent__gte=1, quorum_percent__lte=100), name="consult_body_quorum"),
            models.CheckConstraint(condition=Q(term_ends__isnull=True) | Q(term_starts__isnull=True) | Q(term_ends__gte=F("term_starts")),
                                   name="consult_body_term"),
        ]

    def __str__(self) -> str:
        return self.name


class Sector(models.TextChoices):
    REPRESENTATIVE = "representative", _("居民代表")
    OWNERS = "owners", _("业主委员会")
    PROPERTY = "property", _("物业服务企业")
    UNIT = "unit", _("驻区单位")
    SOCIAL = "social", _("社会组织")
    RESIDENT = "resident", _("居民")
    COMMUNITY = "community", _("社区两委")
    EXPERT = "expert", _("专业人士")


class BodyMember(models.Model):
    body = models.ForeignKey(Body, verbose_name=_("机构"), on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("姓名"), max_length=50)
    sector = models.CharField(_("界别"), max_length=16, choices=Sector.choices)
    organisation = models.CharField(_("单位"), max_length=100, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("账号"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    active = models.BooleanField(_("在任"), default=True)

    class Meta:
        verbose_name = _("机构成员")
        verbose_name_plural = _("机构成员")
        ordering = ["body", "id"]
        constraints = [models.UniqueConstraint(fields=["body", "user"], condition=Q(user__isnull=False),
                                               name="consult_member_user_once")]

    def __str__(self) -> str:
        return self.name


class Source(models.TextChoices):
    RESIDENT = "resident", _("居民提出")
    OFFLINE = "offline", _("居民提出(工作人员代录)")
    STAFF = "staff", _("社区提出")
    WORKORDER = "workorder", _("诉求工单转入")


class Form(models.TextChoices):
    MEETING = "meeting", _("协商会议")
    HEARING = "hearing", _("听证会")
    ONLINE = "online", _("网上协商")
    OWNERS = "owners", _("业主协商")


IN_PERSON = (Form.MEETING, Form.HEARING, Form.OWNERS)


class Topic(models.Model):
    number = models.CharField(_("议题编号"), max_length=20, unique=True)
    community = models.ForeignKey("regions.RegionNode", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(_("区划路径"), max_length=15)
    title = models.CharField(_("议题"), max_length=100)
    content = models.TextField(_("内容"), max_length=4000)
    matter = models.ForeignKey(Matter, verbose_name=_("协商事项"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    off_list_reason = models.CharField(_("清单外受理理由"), max_length=300, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提议人"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    proposer_name = models.CharField(_("提议人(公开显示)"), max_length=50, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("代录人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    work_orders = models.JSONField(_("来源工单"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    threshold = models.PositiveSmallIntegerField(_("附议户数门槛"))
    supports = models.PositiveIntegerField(_("附议户数"), default=0)
    submitted_at = models.DateTimeField(_("提交答复时间"), null=True, blank=True)
    answer_due = models.DateField(_("答复期限"), null=True, blank=True)
    due_on = models.DateField(_("当前期限"), null=True, blank=True,
                              help_text=_("待答复时为答复期限，形成意见后为结果公示期限(督办时钟)"))
    clock_round = models.PositiveSmallIntegerField(_("时限轮次"), default=0)
    clock_level = models.PositiveSmallIntegerField(_("督办级别"), default=0)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answer = models.CharField(_("答复"), max_length=1000, blank=True)
    merged_into = models.ForeignKey("self", verbose_name=_("并入议题"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="merged")
    referred_to = models.CharField(_("转交单位"), max_length=100, blank=True)
    body = models.ForeignKey(Body, verbose_name=_("协商机构"), null=True, blank=True, on_delete=models.PROTECT, related_name="topics")
    form = models.CharField(_("协商形式"), max_length=10, choices=Form.choices, blank=True)
    outcome = models.TextField(_("协商意见"), max_length=4000, blank=True)
    decided_at = models.DateTimeField(_("形成意见时间"), null=True, blank=True)
    disclosure_due = models.DateField(_("结果公示期限"), null=True, blank=True)
    disclosure_id = models.PositiveBigIntegerField(_("结果公示"), null=True, blank=True)
    disclosed_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    rating_round = models.PositiveSmallIntegerField(_("评价轮次"), default=1)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("协商议题")
        verbose_name_plural = _("协商议题")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["region_path", "status"], name="consult_topic_path", opclasses=["varchar_pattern_ops", "varchar_pattern_ops"]),
            models.Index(fields=["status", "due_on"], name="consult_topic_due"),
            models.Index(fields=["region_path", "-created_at"], name="consult_topic_recent", opclasses=["varchar_pattern_ops", ""]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="consult_topic_status"),
            models.CheckConstraint(condition=Q(threshold__gte=1), name="consult_topic_threshold"),
            # a topic outside the list is taken up only with a recorded reason
            models.CheckConstraint(condition=Q(matter__isnull=False) | ~Q(off_list_reason="") | Q(
                status__in=[Status.PROPOSED, Status.SUBMITTED, Status.DECLINED, Status.REFERRED, Status.MERGED, Status.WITHDRAWN]),
                name="consult_topic_off_list_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Support(models.Model):
    """附议: one per household of the community and topic."""

    topic = models.ForeignKey(Topic, verbose_name=_("议题"), on_delete=models.CASCADE, related_name="support_rows")
    household_id = models.PositiveBigIntegerField(_("户"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("附议人"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("代为登记人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", help_text=_("居民在纸质联名表上附议，由工作人员登记"))
    created_at = models.DateTimeField(_("附议时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附议")
        verbose_name_plural = _("附议")
        constraints = [models.UniqueConstraint(fields=["topic", "household_id"], name="consult_support_household_once")]
        indexes = [models.Index(fields=["user", "topic"], name="consult_support_user")]

    def __str__(self) -> str:
        return f"{self.topic_id}:{self.household_id}"


class Follower(models.Model):
    topic = models.ForeignKey(Topic, verbose_name=_("议题"), on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("关注人"), on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("关注时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("关注")
        verbose_name_plural = _("关注")
        constraints = [models.UniqueConstraint(fields=["topic", "user"], name="consult_follow_once")]

    def __str__(self) -> str:
        return f"{self.topic_id}:{self.user_id}"


EVENT_LABELS = {
    "propose": _("提出议题"), "submit": _("提交社区答复"), "take_up": _("受理"), "merge": _("合并"), "refer": _("转交"),
    "decline": _("不予受理"), "withdraw": _("撤回"), "decide": _("形成协商意见"), "complete": _("办结"), "reopen": _("重新落实"),
    "merged_in": _("并入议题"), "meeting": _("安排协商会议"), "meeting_cancel": _("取消会议"), "minutes": _("确认协商纪要"),
    "resolution_add": _("增加落实事项"), "progress": _("更新进度"), "finish": _("完成"), "infeasible": _("无法落实"),
    "work_order": _("转诉求工单"), "work_order_closed": _("工单办结"), "work_order_reopened": _("工单重新办理"),
    "disclose": _("公示协商结果"), "rate": _("成效评价"), "resolution_reopen": _("重新落实事项"),
    "clock_warn": _("临近期限提醒"), "clock_escalate": _("超期督办"), "clock_urge": _("督办"),
    "assembly": _("业主大会"),
}


class Event(models.Model):
    """The topic's timeline: every step, what it changed, who did it; ``public`` ones show to residents."""

    topic = models.ForeignKey(Topic, verbose_name=_("议题"), on_delete=models.CASCADE, related_name="events")
    resolution = models.ForeignKey("Resolution", verbose_name=_("协商事项落实"), null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(_("操作"), max_length=24)
    note = models.CharField(_("说明"), max_length=1000, blank=True)
    progress = models.PositiveSmallIntegerField(_("进度(%)"), null=True, blank=True)
    public = models.BooleanField(_("公开"), default=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("议题进程")
        verbose_name_plural = _("议题进程")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.topic_id} {self.action}"

    def get_action_label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))


class Meeting(models.Model):
    topic = models.ForeignKey(Topic, verbose_name=_("议题"), on_delete=models.CASCADE, related_name="meetings")
    body = models.ForeignKey(Body, verbose_name=_("协商机构"), on_delete=models.PROTECT, related_name="meetings")
    region_path = models.CharField(_("区划路径"), max_length=15)
    form = models.CharField(_("形式"), max_length=10, choices=Form.choices)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=120, blank=True)
    agenda = models.TextField(_("议程与材料"), max_length=4000)
    status = models.CharField(_("状态"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    notice_id = models.PositiveBigIntegerField(_("会议通知"), null=True, blank=True)
    checkin_token = models.CharField(_("签到码"), max_length=32)
    members_total = models.PositiveSmallIntegerField(_("应到成员"), default=0)
    members_present = models.PositiveSmallIntegerField(_("实到成员"), default=0)
    others_present = models.PositiveSmallIntegerField(_("列席居民"), default=0)
    minutes = models.TextField(_("协商纪要"), max_length=8000, blank=True)
    dissent = models.TextField(_("不同意见"), max_length=4000, blank=True)
    minutes_scan = models.FileField(_("签字纪要扫描件"), upload_to="consultation/minutes/%Y/%m/", blank=True)
    closed_at = models.DateTimeField(_("纪要确认时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("安排人"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("协商会议")
        verbose_name_plural = _("协商会议")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["region_path", "starts_at"], name="consult_meeting_path", opclasses=["varchar_pattern_ops", ""])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="consult_meeting_times"),
            models.CheckConstraint(condition=Q(status__in=MeetingStatus.values), name="consult_meeting_status"),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id} {self.starts_at:%Y-%m-%d %H:%M}"


class Attendance(models.Model):
    class How(models.TextChoices):
        QR = "qr", _("扫码签到")
        STAFF = "staff", _("工作人员登记")

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(BodyMember, verbose_name=_("成员"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("账号"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    how = models.CharField(_("签到方式"), max_length=6, choices=How.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("签到时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("签到")
        verbose_name_plural = _("签到")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], condition=Q(member__isnull=False), name="consult_attend_member_once"),
            models.UniqueConstraint(fields=["meeting", "user"], condition=Q(user__isnull=False), name="consult_attend_user_once"),
        ]

    def __str__(self) -> str:
        return self.name


class ResolutionKind(models.TextChoices):
    WORK_ORDER = "work_order", _("转诉求工单办理")
    ASSEMBLY = "assembly", _("提交业主大会表决")
    PROJECT = "project", _("列入微实事项目")
    DEPARTMENT = "department", _("提请部门办理")
    COMMUNITY = "community", _("社区自行落实")


class Resolution(models.Model):
    """One point of an outcome (协商意见) and how it is carried out, Decidim-accountability style:
    a responsible party, a due date on the supervision clock, progress in steps, a timeline."""

    topic = models.ForeignKey(Topic, verbose_name=_("议题"), on_delete=models.CASCADE, related_name="resolutions")
    region_path = models.CharField(_("区划路径"), max_length=15)
    position = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("事项"), max_length=200)
    kind = models.CharField(_("落实方式"), max_length=12, choices=ResolutionKind.choices)
    owner = models.CharField(_("责任单位"), max_length=100)
    due_on = models.DateField(_("完成期限"))
    status = models.CharField(_("状态"), max_length=12, choices=ResolutionStatus.choices, default=ResolutionStatus.PLANNED)
    progress = models.PositiveSmallIntegerField(_("进度(%)"), default=0)
    escalation_level = models.PositiveSmallIntegerField(_("督办级别"), default=0)
    infeasible_reason = models.CharField(_("不能落实的原因"), max_length=1000, blank=True)
    assembly_id = models.PositiveBigIntegerField(_("提交的业主大会"), null=True, blank=True, unique=True,
                                                 help_text=_("落实方式为提交业主大会表决时：所召集的业主大会"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("协商事项落实")
        verbose_name_plural = _("协商事项落实")
        ordering = ["topic", "position"]
        indexes = [models.Index(fields=["region_path", "status", "due_on"], name="consult_resolution_path",
                                opclasses=["varchar_pattern_ops", "varchar_pattern_ops", ""])]
        constraints = [
            models.UniqueConstraint(fields=["topic", "position"], name="consult_resolution_position"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="consult_resolution_progress"),
            models.CheckConstraint(condition=Q(status__in=ResolutionStatus.values), name="consult_resolution_status"),
            models.CheckConstraint(condition=~Q(status=ResolutionStatus.INFEASIBLE) | ~Q(infeasible_reason=""),
                                   name="consult_resolution_infeasible_reason"),
        ]

    def __str__(self) -> str:
        return self.title


class ResolutionOrder(models.Model):
    """A work order a resolution created and follows; ``closed`` mirrors the order's state."""

    resolution = models.ForeignKey(Resolution, verbose_name=_("落实事项"), on_delete=models.CASCADE, related_name="orders")
    order_id = models.PositiveBigIntegerField(_("工单"), unique=True)
    number = models.CharField(_("工单号"), max_length=24)
    closed = models.BooleanField(_("已办结"), default=False)

    class Meta:
        verbose_name = _("落实工单")
        verbose_name_plural = _("落实工单")

    def __str__(self) -> str:
        return self.number


class Rating(models.Model):
    """成效评价: one rating per person and topic, on the five national levels (core.ratings)."""

    topic = models.ForeignKey(Topic, verbose_name=_("议题"), on_delete=models.CASCADE, related_name="ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评价人"), on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(_("评价"))
    comment = models.CharField(_("意见"), max_length=500, blank=True)
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    at = models.DateTimeField(_("评价时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("成效评价")
        verbose_name_plural = _("成效评价")
        constraints = [
            models.UniqueConstraint(fields=["topic", "user", "round"], name="consult_rating_once"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="consult_rating_range"),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id}:{self.rating}"

    @property
    def label(self) -> str:
        from linli.core.ratings import RATING_LABELS

        return str(RATING_LABELS.get(self.rating, self.rating))


class Comment(models.Model):
    """An opinion given online on a topic being consulted (for those who cannot attend, and the
    网上协商 form): shown once the desk publishes it; a rejected one keeps its reason."""

    Status = CommentStatus

    topic = models.ForeignKey(Topic, verbose_name=_("议题"), on_delete=models.CASCADE, related_name="comments")
    region_path = models.CharField(_("区划路径"), max_length=15)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发表人"), on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("发表人(公开显示)"), max_length=50)
    text = models.TextField(_("意见"), max_length=1000)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    moderated_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reason = models.CharField(_("未发布原因"), max_length=300, blank=True)
    at = models.DateTimeField(_("发表时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("网上意见")
        verbose_name_plural = _("网上意见")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["topic", "status"], name="consult_comment_topic")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["pending", "published", "rejected"]), name="consult_comment_status"),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(reason=""), name="consult_comment_reject_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id}:{self.name}"
