"""A residents' committee election (居委会换届选举) as far as its first stages: the election and
its plan (选举方案: seats per post, the mode, the eligibility rule and the stages' days), the
election committee (选举委员会), and the voter list (选民名单) computed from the registry, each
entry with its basis or its refusals, corrected by the committee with a logged reason."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.fields import private_storage
from linli.core.models import TimeStamped

from .states import RecallStatus, Status


class Mode(models.TextChoices):
    ALL = "all", _("全体选民直接选举")
    HOUSEHOLD = "household", _("户代表选举")
    GROUP = "group", _("居民小组代表选举")


class Election(TimeStamped):
    community = models.ForeignKey("regions.RegionNode", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(_("区划路径"), max_length=15)
    title = models.CharField(_("名称"), max_length=120)
    mode = models.CharField(_("选举方式"), max_length=12, choices=Mode.choices, default=Mode.ALL)
    election_day = models.DateField(_("选举日"))
    seats = models.JSONField(_("职数"), default=dict)  # {"director": 1, "deputy": 1, "member": 3}
    min_age = models.PositiveSmallIntegerField(_("选民年龄"), default=18)
    months = models.PositiveSmallIntegerField(_("居住满(月)"), default=12)
    registered_only = models.BooleanField(_("仅户籍居民"), default=False)
    women_at_least = models.PositiveSmallIntegerField(_("女性成员至少"), default=1)
    list_days = models.PositiveSmallIntegerField(_("选民榜提前公布(天)"), default=20)
    nominators_needed = models.PositiveSmallIntegerField(_("选民联名推荐至少(人)"), default=10)
    representatives_needed = models.PositiveSmallIntegerField(_("户代表联名推荐至少(人)"), default=5)
    min_more = models.PositiveSmallIntegerField(_("候选人至少多于应选(名)"), default=1)
    candidates_days = models.PositiveSmallIntegerField(_("候选人名单提前公布(天)"), default=5)
    candidates_published_at = models.DateTimeField(_("候选人名单公布时间"), null=True, blank=True)
    candidate_disclosure_id = models.IntegerField(_("候选人名单公示"), null=True, blank=True)
    candidate_basis = models.JSONField(_("正式候选人确定方式"), default=dict, blank=True)  # {post: {"how": …, "note": …}}
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PREPARING)
    voters_built_at = models.DateTimeField(_("名单生成时间"), null=True, blank=True)
    voters_published_at = models.DateTimeField(_("名单公布时间"), null=True, blank=True)
    voter_disclosure_id = models.IntegerField(_("选民榜公示"), null=True, blank=True)
    voters_total = models.PositiveIntegerField(_("选民人数"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+")
    cancel_reason = models.CharField(_("取消原因"), max_length=300, blank=True)
    proxy_max = models.PositiveSmallIntegerField(_("每人最多接受委托(人)"), default=3)
    group_min = models.PositiveSmallIntegerField(_("每个居民小组代表至少(人)"), default=2)
    group_max = models.PositiveSmallIntegerField(_("每个居民小组代表至多(人)"), default=3)
    proxies_published_at = models.DateTimeField(_("委托投票名单公布时间"), null=True, blank=True)
    proxy_disclosure_id = models.IntegerField(_("委托投票名单公示"), null=True, blank=True)
    recall_one_in = models.PositiveSmallIntegerField(_("罢免须选民联名(分之一以上)"), default=5)  # 五分之一以上有选举权的居民
    recall_reps_one_in = models.PositiveSmallIntegerField(_("罢免须户代表或小组代表联名(分之一以上)"), default=3)

    class Meta:
        verbose_name = _("居委会选举")
        verbose_name_plural = _("居委会选举")
        ordering = ["-election_day", "-id"]
        indexes = [models.Index(fields=["region_path"], name="election_region_like", opclasses=["varchar_pattern_ops"])]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="election_status_valid"),
            # one election under way per community; a counted one is the term in office and the next term's election may follow
            models.UniqueConstraint(fields=["community"], condition=~Q(status__in=(Status.CANCELLED, Status.COUNTED)),
                                    name="election_one_open_per_community"),
            models.CheckConstraint(condition=Q(mode__in=Mode.values), name="election_mode_valid"),
            models.CheckConstraint(condition=Q(min_age__gte=16) & Q(min_age__lte=30), name="election_min_age_range"),
            models.CheckConstraint(condition=Q(list_days__gte=1) & Q(list_days__lte=90), name="election_list_days_range"),
            models.CheckConstraint(condition=Q(nominators_needed__gte=1) & Q(representatives_needed__gte=1) & Q(min_more__gte=1)
                                   & Q(candidates_days__gte=1), name="election_nomination_settings"),
            models.CheckConstraint(condition=Q(proxy_max__gte=1) & Q(proxy_max__lte=5), name="election_proxy_max_range"),
            models.CheckConstraint(condition=Q(group_min__gte=1) & Q(group_max__gte=models.F("group_min")) & Q(group_max__lte=10),
                                   name="election_group_range"),
            models.CheckConstraint(condition=Q(recall_one_in__gte=2) & Q(recall_one_in__lte=10) & Q(recall_reps_one_in__gte=2)
                                   & Q(recall_reps_one_in__lte=10), name="election_recall_share_range"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def seats_total(self) -> int:
        return sum(int(v) for v in (self.seats or {}).values())


class CommitteeRole(models.TextChoices):
    CHAIR = "chair", _("主任")
    VICE = "vice", _("副主任")
    MEMBER = "member", _("委员")


class CommitteeMember(models.Model):
    """A member of the election committee (选举委员会): a resident of the registry, with his role."""

    election = models.ForeignKey(Election, verbose_name=_("选举"), on_delete=models.CASCADE, related_name="committee")
    resident = models.ForeignKey("regions.Resident", verbose_name=_("成员"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("职务"), max_length=8, choices=CommitteeRole.choices, default=CommitteeRole.MEMBER)
    added_at = models.DateTimeField(_("加入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("选举委员会成员")
        verbose_name_plural = _("选举委员会成员")
        ordering = ["election_id", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["election", "resident"], name="election_committee_unique"),
            models.UniqueConstraint(fields=["election"], condition=Q(role="chair"), name="election_committee_one_chair"),
            models.CheckConstraint(condition=Q(role__in=CommitteeRole.values), name="election_committee_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.election_id}/{self.resident_id}"


class Voter(models.Model):
    """One person of the voter list: every resident of the community the registry knows, eligible
    or not, with the basis (户籍 / 居住满期限) or the refusals, and in a household-representative
    election whether this person votes for the household. ``corrected``: the committee decided
    (the registry's rebuild keeps it); every change is a ``VoterChange``."""

    election = models.ForeignKey(Election, verbose_name=_("选举"), on_delete=models.CASCADE, related_name="voters")
    resident = models.ForeignKey("regions.Resident", verbose_name=_("居民"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("regions.Household", verbose_name=_("户"), null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    region_path = models.CharField(_("区划路径"), max_length=15)
    number = models.PositiveIntegerField(_("选民证号"), null=True, blank=True)
    eligible = models.BooleanField(_("有选举权"), default=False)
    votes = models.BooleanField(_("参加投票"), default=False)  # eligible and, in a household election, its 户代表
    basis = models.CharField(_("依据"), max_length=12, blank=True)
    refusals = models.CharField(_("不列入原因"), max_length=100, blank=True)  # comma-separated eligibility.Refusal codes
    age = models.PositiveSmallIntegerField(_("年龄"), default=0)
    corrected = models.BooleanField(_("已更正"), default=False)
    note = models.CharField(_("更正理由"), max_length=300, blank=True)
    away = models.BooleanField(_("外出不参加投票"), default=False)  # told the committee: not in the registered count unless he votes

    class Meta:
        verbose_name = _("选民")
        verbose_name_plural = _("选民名单")
        ordering = ["election_id", "region_path", "number", "id"]
        indexes = [
            models.Index(fields=["election", "votes", "region_path"], name="election_voter_list"),
            models.Index(fields=["resident", "election"], name="election_voter_resident"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["election", "resident"], name="election_voter_unique"),
            models.UniqueConstraint(fields=["election", "number"], name="election_voter_number_unique"),
            models.CheckConstraint(condition=Q(votes=False) | Q(eligible=True), name="election_voter_votes_eligible"),
        ]

    def __str__(self) -> str:
        return f"{self.election_id}/{self.resident_id}"

    @property
    def refusal_list(self) -> list[str]:
        return [r for r in self.refusals.split(",") if r]


class VoterChange(models.Model):
    """A logged change of one voter's entry: who, when, from what to what, why, and whether the
    list was public already (a change after publication is announced with the list)."""

    voter = models.ForeignKey(Voter, verbose_name=_("选民"), on_delete=models.CASCADE, related_name="changes")
    election = models.ForeignKey(Election, verbose_name=_("选举"), on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("更正人"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    before = models.JSONField(_("更正前"), default=dict)
    after = models.JSONField(_("更正后"), default=dict)
    reason = models.CharField(_("理由"), max_length=300)
    after_publication = models.BooleanField(_("公布后更正"), default=False)
    objection_id = models.IntegerField(_("所依据的异议"), null=True, blank=True)

    class Meta:
        verbose_name = _("选民名单更正")
        verbose_name_plural = _("选民名单更正")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.voter_id} {self.at:%Y-%m-%d}"


class Post(models.TextChoices):
    DIRECTOR = "director", _("主任")
    DEPUTY = "deputy", _("副主任")
    MEMBER = "member", _("委员")


class NominationStatus(models.TextChoices):
    PENDING = "pending", _("待本人确认")
    ACCEPTED = "accepted", _("本人接受")
    DECLINED = "declined", _("本人不接受")
    WITHDRAWN = "withdrawn", _("已撤回")


LIVE_NOMINATIONS = (NominationStatus.PENDING, NominationStatus.ACCEPTED)


class Nomination(models.Model):
    """A nomination (提名) of an eligible voter for one post: by the election committee, or by
    voters jointly (联名推荐, the nominators as ``Nominator`` rows, each on the list); the nominee
    accepts or declines (himself on his phone, or recorded by the committee on his behalf)."""

    election = models.ForeignKey(Election, verbose_name=_("选举"), on_delete=models.CASCADE, related_name="nominations")
    post = models.CharField(_("职位"), max_length=8, choices=Post.choices)
    nominee = models.ForeignKey(Voter, verbose_name=_("被提名人"), on_delete=models.PROTECT, related_name="nominations")
    by_committee = models.BooleanField(_("选举委员会提名"), default=False)
    note = models.CharField(_("推荐理由"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=NominationStatus.choices, default=NominationStatus.PENDING)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    answered_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认登记人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    on_behalf = models.BooleanField(_("代为登记本人意见"), default=False)
    answer_note = models.CharField(_("确认说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("候选人提名")
        verbose_name_plural = _("候选人提名")
        ordering = ["election_id", "post", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(post__in=Post.values), name="election_nomination_post_valid"),
            models.CheckConstraint(condition=Q(status__in=NominationStatus.values), name="election_nomination_status_valid"),
            models.UniqueConstraint(fields=["election", "post", "nominee"], condition=Q(status__in=LIVE_NOMINATIONS),
                                    name="election_nomination_once_per_post"),
        ]

    def __str__(self) -> str:
        return f"{self.election_id}/{self.post}/{self.nominee_id}"


class Nominator(models.Model):
    """One voter of a joint nomination (联名推荐人), found by his voter number on the paper form."""

    nomination = models.ForeignKey(Nomination, verbose_name=_("提名"), on_delete=models.CASCADE, related_name="nominators")
    voter = models.ForeignKey(Voter, verbose_name=_("推荐人"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("联名推荐人")
        verbose_name_plural = _("联名推荐人")
        constraints = [models.UniqueConstraint(fields=["nomination", "voter"], name="election_nominator_unique")]

    def __str__(self) -> str:
        return f"{self.nomination_id}/{self.voter_id}"


class Candidate(models.Model):
    """A formal candidate (正式候选人) of one post, in ballot order (``position``: the committee's
    order, by the strokes of the surname as the custom is), from an accepted nomination."""

    election = models.ForeignKey(Election, verbose_name=_("选举"), on_delete=models.CASCADE, related_name="candidates")
    post = models.CharField(_("职位"), max_length=8, choices=Post.choices)
    voter = models.ForeignKey(Voter, verbose_name=_("候选人"), on_delete=models.PROTECT, related_name="+")
    nomination = models.ForeignKey(Nomination, verbose_name=_("提名"), on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("排序"))

    class Meta:
        verbose_name = _("正式候选人")
        verbose_name_plural = _("正式候选人")
        ordering = ["election_id", "post", "position"]
        constraints = [
            models.UniqueConstraint(fields=["election", "voter"], name="election_candidate_one_post"),
            models.UniqueConstraint(fields=["election", "post", "position"], name="election_candidate_position_unique"),
            models.CheckConstraint(condition=Q(post__in=Post.values), name="election_candidate_post_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.election_id}/{self.post}/{self.voter_id}"


class RoundKind(models.TextChoices):
    FIRST = "first", _("正式选举")
    FURTHER = "further", _("另行选举")
    RUNOFF = "runoff", _("再次投票")
    RECALL = "recall", _("罢免表决")


class RoundStatus(models.TextChoices):
    PENDING = "pending", _("待投票")
    VOTING = "voting", _("投票中")
    CLOSED = "closed", _("投票结束")
    COUNTED = "counted", _("已计票")


class Round(models.Model):
    """One round of voting (投票): the election itself (``first``), and each further round (另行选举)
    or runoff (再次投票) its count leaves, with the seats still to fill and its candidates per post
    (voter ids, in ballot order). ``result`` keeps the count as ``count.Result`` gave it."""

    election = models.ForeignKey(Election, verbose_name=_("选举"), on_delete=models.CASCADE, related_name="rounds")
    no = models.PositiveSmallIntegerField(_("轮次"))
    kind = models.CharField(_("类型"), max_length=8, choices=RoundKind.choices)
    seats = models.JSONField(_("应选名额"), default=dict)  # {"member": 1}
    candidates = models.JSONField(_("候选人"), default=dict)  # {"member": [voter_id, …]}
    status = models.CharField(_("状态"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.PENDING)
    registered = models.PositiveIntegerField(_("登记选民数"), default=0)
    opened_at = models.DateTimeField(_("开始投票"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束投票"), null=True, blank=True)
    counted_at = models.DateTimeField(_("计票时间"), null=True, blank=True)
    result = models.JSONField(_("计票结果"), default=dict, blank=True)
    result_disclosure_id = models.IntegerField(_("选举结果公告"), null=True, blank=True)

    class Meta:
        verbose_name = _("投票轮次")
        verbose_name_plural = _("投票轮次")
        ordering = ["election_id", "no"]
        constraints = [
            models.UniqueConstraint(fields=["election", "no"], name="election_round_no_unique"),
            models.UniqueConstraint(fields=["election"], condition=Q(status__in=("pending", "voting", "closed")),
                                    name="election_one_round_at_a_time"),
            models.CheckConstraint(condition=Q(kind__in=RoundKind.values), name="election_round_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=RoundStatus.values), name="election_round_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.election_id} #{self.no}"


class Channel(models.TextChoices):
    ONLINE = "online", _("网上投票")
    STATION = "station", _("投票站")
    MOBILE = "mobile", _("流动票箱")
    PROXY = "proxy", _("委托投票")


class Participation(models.Model):
    """That a voter voted in a round (the check-off of the voter list, 领票/投票登记): one per voter
    across every channel, the partial unique index the last guard behind the voter's row lock.
    It says nothing of how he voted: the ballot is kept apart (无记名投票)."""

    round = models.ForeignKey(Round, verbose_name=_("轮次"), on_delete=models.PROTECT, related_name="participations")
    voter = models.ForeignKey(Voter, verbose_name=_("选民"), on_delete=models.PROTECT, related_name="participations")
    channel = models.CharField(_("方式"), max_length=8, choices=Channel.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("投票人/登记人"), null=True, on_delete=models.SET_NULL,
                           related_name="+")
    at = models.DateTimeField(_("投票时间"))
    proxy = models.ForeignKey("Proxy", verbose_name=_("委托"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("投票登记")
        verbose_name_plural = _("投票登记")
        ordering = ["round_id", "at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "voter"], name="election_one_ballot_per_voter"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="election_participation_channel_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.voter_id}"


class Ballot(models.Model):
    """A secret ballot (无记名投票): its marks and its receipt's hash, with no voter, no time and a
    random key, so nothing in the database links it to the voter's ``Participation``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, verbose_name=_("轮次"), on_delete=models.PROTECT, related_name="ballots")
    channel = models.CharField(_("方式"), max_length=8, choices=Channel.choices)
    receipt_hash = models.CharField(_("回执摘要"), max_length=64, unique=True, null=True, blank=True)  # none on paper

    class Meta:
        verbose_name = _("选票")
        verbose_name_plural = _("选票")
        ordering = ["round_id", "receipt_hash"]
        constraints = [models.CheckConstraint(condition=Q(channel__in=Channel.values), name="election_ballot_channel_valid")]

    def __str__(self) -> str:
        return f"{self.round_id}/{(self.receipt_hash or str(self.pk))[:8]}"


class SheetStatus(models.TextChoices):
    ENTERED = "entered", _("待第二次录入")
    MISMATCH = "mismatch", _("两次录入不一致")
    COUNTED = "counted", _("已计入")


class PaperSheet(models.Model):
    """One paper ballot taken from a box after the close, numbered by the counting team as it is
    entered: two clerks enter it independently (``first``, then a second entry compared with it);
    when they agree it becomes a ``Ballot``, when they differ a third person who entered neither
    decides. No voter: paper ballots are anonymous, the box's check-offs are ``Participation``."""

    round = models.ForeignKey(Round, verbose_name=_("轮次"), on_delete=models.PROTECT, related_name="sheets")
    channel = models.CharField(_("方式"), max_length=8, choices=Channel.choices)
    no = models.PositiveIntegerField(_("票号"))
    status = models.CharField(_("状态"), max_length=10, choices=SheetStatus.choices, default=SheetStatus.ENTERED)
    first = models.JSONField(_("第一次录入"), default=list)
    second = models.JSONField(_("第二次录入"), default=list, blank=True)
    first_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("第一次录入人"), on_delete=models.PROTECT, related_name="+")
    second_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("第二次录入人"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("裁定人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    ballot = models.OneToOneField(Ballot, verbose_name=_("选票"), null=True, blank=True, on_delete=models.PROTECT, related_name="sheet")

    class Meta:
        verbose_name = _("纸质选票")
        verbose_name_plural = _("纸质选票")
        ordering = ["round_id", "no"]
        constraints = [
            models.UniqueConstraint(fields=["round", "no"], name="election_sheet_unique"),
            models.CheckConstraint(condition=Q(channel__in=("station", "mobile")), name="election_sheet_paper"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.no}"


class MarkValue(models.TextChoices):
    YES = "yes", _("赞成")
    NO = "no", _("反对")
    ABSTAIN = "abstain", _("弃权")


class Mark(models.Model):
    """A ballot's mark for one person of one post: a candidate marked yes / no / abstain, or a
    person written in (另选他人, always a yes). A candidate left unmarked is an abstention."""

    ballot = models.ForeignKey(Ballot, verbose_name=_("选票"), on_delete=models.CASCADE, related_name="marks")
    post = models.CharField(_("职位"), max_length=8, choices=Post.choices)
    person = models.ForeignKey(Voter, verbose_name=_("被选人"), on_delete=models.PROTECT, related_name="+")
    mark = models.CharField(_("意见"), max_length=8, choices=MarkValue.choices)
    written = models.BooleanField(_("另选他人"), default=False)

    class Meta:
        verbose_name = _("选票意见")
        verbose_name_plural = _("选票意见")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "post", "person"], name="election_mark_once"),
            models.CheckConstraint(condition=Q(mark__in=MarkValue.values), name="election_mark_valid"),
            models.CheckConstraint(condition=Q(written=False) | Q(mark="yes"), name="election_mark_written_yes"),
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id}/{self.post}/{self.person_id}"


class NearRelation(models.TextChoices):
    """近亲属 (民法典 article 1045): the only people a voter may ask to vote for him."""

    SPOUSE = "spouse", _("配偶")
    PARENT = "parent", _("父母")
    CHILD = "child", _("子女")
    SIBLING = "sibling", _("兄弟姐妹")
    GRANDPARENT = "grandparent", _("祖父母、外祖父母")
    GRANDCHILD = "grandchild", _("孙子女、外孙子女")


class Proxy(models.Model):
    """委托投票: a voter who cannot vote in person asks, in writing, a near relative who has a vote
    of his own to vote for him. Recorded by the committee with the written authorisation; at most
    ``Election.proxy_max`` principals per holder; no holder passes a vote on; the list published
    before voting; revoked with a reason until voting opens."""

    election = models.ForeignKey(Election, verbose_name=_("选举"), on_delete=models.CASCADE, related_name="proxies")
    principal = models.ForeignKey(Voter, verbose_name=_("委托人"), on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey(Voter, verbose_name=_("受委托人"), on_delete=models.PROTECT, related_name="+")
    relation = models.CharField(_("受委托人是委托人的"), max_length=12, choices=NearRelation.choices)
    document = models.FileField(_("书面委托书"), storage=private_storage, upload_to="elections/proxies/%Y/%m")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoke_reason = models.CharField(_("撤销原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("委托投票")
        verbose_name_plural = _("委托投票")
        ordering = ["election_id", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["election", "principal"], condition=Q(revoked_at__isnull=True),
                                    name="election_proxy_one_per_principal"),
            models.CheckConstraint(condition=~Q(principal=models.F("holder")), name="election_proxy_not_self"),
            models.CheckConstraint(condition=Q(relation__in=NearRelation.values), name="election_proxy_relation_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.principal_id} → {self.holder_id}"


class CountingRole(models.TextChoices):
    MONITOR = "monitor", _("监票人")
    CALLER = "caller", _("唱票人")
    COUNTER = "counter", _("计票人")


class CountingStaff(models.Model):
    """监票、唱票、计票人员: recorded by the committee before the count (monitors are usually
    chosen by the voters, 推选); a person of the registry or a staff account. Candidates and their
    near relatives may not be among them."""

    election = models.ForeignKey(Election, verbose_name=_("选举"), on_delete=models.CASCADE, related_name="counting_staff")
    role = models.CharField(_("分工"), max_length=8, choices=CountingRole.choices)
    resident = models.ForeignKey("regions.Resident", verbose_name=_("居民"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("工作人员账号"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    chosen = models.CharField(_("产生方式"), max_length=100, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("计票工作人员")
        verbose_name_plural = _("计票工作人员")
        ordering = ["election_id", "role", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=CountingRole.values), name="election_staff_role_valid"),
            models.CheckConstraint(condition=Q(resident__isnull=False) | Q(user__isnull=False), name="election_staff_someone"),
            models.UniqueConstraint(fields=["election", "role", "resident"], condition=Q(resident__isnull=False),
                                    name="election_staff_resident_once"),
            models.UniqueConstraint(fields=["election", "role", "user"], condition=Q(user__isnull=False), name="election_staff_user_once"),
        ]

    def __str__(self) -> str:
        return f"{self.election_id}/{self.role}"


class Recall(models.Model):
    """罢免: voters jointly (or household or group representatives, by the election's mode) ask to
    recall one or more members the election elected, with their reason; the members may answer
    (申辩意见, recorded before the vote); the vote is a round of the election (``RoundKind.RECALL``,
    the members on the ballot, yes meaning 同意罢免) voted online and on paper like any other."""

    election = models.ForeignKey(Election, verbose_name=_("选举"), on_delete=models.CASCADE, related_name="recalls")
    # [{"voter": id, "post": post, and once he answers: "defence", "defence_at" (ISO), "by" (user id), "on_behalf"}]
    members = models.JSONField(_("被提出罢免的成员"), default=list)
    reason = models.TextField(_("罢免理由"), max_length=2000)
    status = models.CharField(_("状态"), max_length=10, choices=RecallStatus.choices, default=RecallStatus.LODGED)
    lodged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+")
    lodged_at = models.DateTimeField(_("提出时间"))
    needed = models.PositiveIntegerField(_("须联名(人)"), default=0)
    round = models.OneToOneField(Round, verbose_name=_("表决轮次"), null=True, blank=True, on_delete=models.PROTECT, related_name="recall")
    notice_disclosure_id = models.IntegerField(_("罢免公告"), null=True, blank=True)
    recalled = models.JSONField(_("被罢免"), default=list, blank=True)  # voter ids
    withdraw_reason = models.CharField(_("撤回原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("罢免")
        verbose_name_plural = _("罢免")
        ordering = ["election_id", "-lodged_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=RecallStatus.values), name="election_recall_status_valid"),
            models.UniqueConstraint(fields=["election"], condition=Q(status__in=("lodged", "voting")), name="election_one_recall_at_a_time"),
        ]

    def __str__(self) -> str:
        return f"{self.election_id} recall {self.pk}"

    @property
    def member_ids(self) -> list[int]:
        return [int(m["voter"]) for m in self.members]


class RecallSigner(models.Model):
    """One voter of the recall petition (联名提出罢免), found by his voter number on the paper."""

    recall = models.ForeignKey(Recall, verbose_name=_("罢免"), on_delete=models.CASCADE, related_name="signers")
    voter = models.ForeignKey(Voter, verbose_name=_("联名人"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("罢免联名人")
        verbose_name_plural = _("罢免联名人")
        constraints = [models.UniqueConstraint(fields=["recall", "voter"], name="election_recall_signer_unique")]

    def __str__(self) -> str:
        return f"{self.recall_id}/{self.voter_id}"
