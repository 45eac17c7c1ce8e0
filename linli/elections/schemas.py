from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field


class ElectionIn(Schema):
    community: str = Field(..., max_length=15, description="社区代码")
    title: str = Field(..., max_length=120)
    election_day: dt.date
    mode: Literal["all", "household", "group"] = "all"
    seats: dict[str, int] = Field(default_factory=lambda: {"director": 1, "deputy": 1, "member": 3},
                                  description="各职位职数：director 主任(1名)、deputy 副主任、member 委员，合计5至9名")
    min_age: int = Field(18, ge=16, le=30)
    months: int = Field(12, ge=0, le=120, description="非户籍居民居住满几个月可登记为选民")
    registered_only: bool = False
    women_at_least: int = Field(1, ge=0, le=9)
    list_days: int = Field(20, ge=1, le=90, description="选民名单至少在选举日前几天公布")
    nominators_needed: int = Field(10, ge=1, le=50, description="选民联名推荐候选人至少几人")
    representatives_needed: int = Field(5, ge=1, le=50, description="户代表选举：户代表联名推荐至少几人")
    min_more: int = Field(1, ge=1, le=9, description="差额：每个职位候选人至少多于应选几名")
    candidates_days: int = Field(5, ge=1, le=30, description="候选人名单至少在选举日前几天公布")
    proxy_max: int = Field(3, ge=1, le=5, description="每名选民接受委托投票至多几人")
    group_min: int = Field(2, ge=1, le=10, description="居民小组代表选举：每个居民小组(网格)代表至少几人")
    group_max: int = Field(3, ge=1, le=10, description="居民小组代表选举：每个居民小组代表至多几人")
    recall_one_in: int = Field(5, ge=2, le=10, description="罢免：有选举权的居民几分之一以上联名")
    recall_reps_one_in: int = Field(3, ge=2, le=10, description="罢免(户代表、居民小组代表选举)：代表几分之一以上联名")


class ElectionPlanIn(Schema):
    title: str | None = Field(None, max_length=120)
    election_day: dt.date | None = None
    mode: Literal["all", "household", "group"] | None = None
    seats: dict[str, int] | None = None
    min_age: int | None = Field(None, ge=16, le=30)
    months: int | None = Field(None, ge=0, le=120)
    registered_only: bool | None = None
    women_at_least: int | None = Field(None, ge=0, le=9)
    list_days: int | None = Field(None, ge=1, le=90)
    nominators_needed: int | None = Field(None, ge=1, le=50)
    representatives_needed: int | None = Field(None, ge=1, le=50)
    min_more: int | None = Field(None, ge=1, le=9)
    candidates_days: int | None = Field(None, ge=1, le=30)
    proxy_max: int | None = Field(None, ge=1, le=5)
    group_min: int | None = Field(None, ge=1, le=10)
    group_max: int | None = Field(None, ge=1, le=10)
    recall_one_in: int | None = Field(None, ge=2, le=10)
    recall_reps_one_in: int | None = Field(None, ge=2, le=10)


class CommitteeMemberIn(Schema):
    resident_id: int = Field(..., ge=1)
    role: Literal["chair", "vice", "member"] = "member"


class CommitteeMemberOut(Schema):
    id: int
    resident_id: int
    name: str
    role: str


class VoterCorrectIn(Schema):
    eligible: bool
    votes: bool | None = Field(None, description="户代表选举：是否由此人代表本户投票")
    deprived: bool = Field(False, description="被剥夺政治权利")
    reason: str = Field(..., max_length=300)
    objection_id: int | None = Field(None, ge=1, le=2**31 - 1, description="所依据的选民榜异议")


class VoterAwayIn(Schema):
    away: bool = Field(True, description="外出不参加投票(不计入登记选民)；false：撤销")
    note: str = Field(..., max_length=300, description="外出情况：何时、以何种方式告知选举委员会")


class ElectionCancelIn(Schema):
    reason: str = Field(..., max_length=300)


class ElectionOut(Schema):
    id: int
    community: str
    title: str
    mode: str
    election_day: dt.date
    seats: dict[str, int]
    min_age: int
    months: int
    registered_only: bool
    women_at_least: int
    list_days: int
    nominators_needed: int
    representatives_needed: int
    min_more: int
    candidates_days: int
    proxy_max: int = 3
    group_min: int = 2
    group_max: int = 3
    recall_one_in: int = 5
    recall_reps_one_in: int = 3
    status: str
    voters_total: int
    voters_built_at: dt.datetime | None
    voters_published_at: dt.datetime | None
    candidates_published_at: dt.datetime | None = None
    disclosure_url: str = ""
    candidates_disclosure_url: str = ""
    actions: list[str] = []


class ElectionVoterOut(Schema):
    id: int
    resident_id: int
    name: str
    address: str
    number: int | None
    eligible: bool
    votes: bool
    basis: str
    refusals: list[str]
    age: int
    corrected: bool
    note: str
    away: bool = False


class MyVoterEntryOut(Schema):
    election_id: int
    title: str
    election_day: dt.date
    on_list: bool
    number: int | None
    refusals: list[str]
    disclosure_url: str = ""
    nominations: list[MyNominationOut] = []
    candidates_url: str = ""


class VoterListBuildOut(Schema):
    people: int
    eligible: int
    votes: int
    corrected: int


class NominationIn(Schema):
    post: Literal["director", "deputy", "member"]
    nominee_id: int = Field(..., ge=1, le=2**31 - 1, description="被提名人的选民名单条目(有选举权)")
    by_committee: bool = Field(False, description="选举委员会提名；否则为选民联名推荐")
    nominator_numbers: list[int] = Field(default_factory=list, max_length=200, description="联名推荐人的选民证号")
    note: str = Field("", max_length=300, description="推荐理由")


class NominationAnswerIn(Schema):
    accept: bool
    note: str = Field("", max_length=300, description="工作人员代为登记时的依据(如本人书面确认)")


class NominationWithdrawIn(Schema):
    reason: str = Field(..., max_length=300)


class NominationOut(Schema):
    id: int
    post: str
    nominee_id: int
    name: str
    gender: str
    age: int
    by_committee: bool
    nominator_numbers: list[int]
    note: str
    status: str
    on_behalf: bool
    answer_note: str
    entered_at: dt.datetime


class CandidatesIn(Schema):
    voter_ids: list[int] = Field(..., max_length=30, description="正式候选人(接受本职位提名者)，按选票顺序")
    how: Literal["nominations", "consultation", "preliminary"] = "nominations"
    note: str = Field("", max_length=300, description="酝酿协商或预选的结果说明")


class CandidateOut(Schema):
    voter_id: int
    name: str
    gender: str
    age: int
    position: int


class CandidatePostOut(Schema):
    post: str
    seats: int
    how: str
    note: str
    candidates: list[CandidateOut]


class CandidateProblemOut(Schema):
    code: str
    post: str
    message: str


class CandidateListOut(Schema):
    status: str
    published_at: dt.datetime | None
    disclosure_url: str = ""
    posts: list[CandidatePostOut]
    problems: list[CandidateProblemOut] = []


class MyNominationOut(Schema):
    id: int
    post: str
    status: str


class BallotCandidateOut(Schema):
    voter_id: int
    name: str
    gender: str
    age: int


class BallotPostOut(Schema):
    post: str
    label: str
    seats: int
    candidates: list[BallotCandidateOut]


class PrincipalOut(Schema):
    voter_id: int
    number: int | None
    relation: str
    voted: bool


class BallotOut(Schema):
    """The ballot of the round under way, as the voter sees it."""

    round: int | None
    kind: str = ""
    open: bool
    on_list: bool
    voted: bool
    delegated: bool = Field(False, description="本人已委托他人投票(委托有效期间不能自行投票)")
    principals: list[PrincipalOut] = Field(default_factory=list, description="本人受托代为投票的选民")
    posts: list[BallotPostOut]


class MarksIn(Schema):
    marks: dict[str, str] = Field(default_factory=dict, description="候选人(选民 id) → yes | no | abstain；未选视为弃权")
    write_ins: list[int | str] = Field(default_factory=list, max_length=20, description="另选他人：选民证号")


class VoteIn(Schema):
    posts: dict[str, MarksIn] = Field(default_factory=dict, description="职位(director|deputy|member) → 选择；未列出的职位为空白")
    code: str = Field(..., max_length=12, description="短信验证码(先调用 /vote/code)")
    for_voter: int | None = Field(None, ge=1, le=2**62, description="受托投票：委托人的选民记录 id(见 /ballot 的 principals)；本人投票不填")


class VoteOut(Schema):
    round: int
    channel: str
    receipt: str = Field(..., description="回执码：只显示这一次，系统只保存其摘要")


class ReceiptCheckOut(Schema):
    found: bool


class ResultLineOut(Schema):
    voter_id: int
    name: str
    votes: int
    written: bool
    elected: bool


class ResultPostOut(Schema):
    post: str
    seats: int
    invalid: int
    outcome: str
    seats_left: int
    lines: list[ResultLineOut]


class RoundOut(Schema):
    no: int
    kind: str
    status: str
    registered: int
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    counted_at: dt.datetime | None
    cast: int | None = None
    valid: bool | None = None
    complete: bool | None = None
    problems: list[str] = []
    posts: list[ResultPostOut] = []
    disclosure_url: str = Field("", description="结果公告(公示)")


class TurnoutOut(Schema):
    round: int | None
    status: str = ""
    registered: int
    cast: int
    channels: dict[str, int]
    percent: float = 0.0
    more_than_half: bool = False


class VotingOut(Schema):
    status: str
    turnout: TurnoutOut
    rounds: list[RoundOut]


class CheckOffIn(Schema):
    number: int = Field(..., ge=1, le=10**7, description="选民证号")
    channel: Literal["station", "mobile"] = "station"
    by_proxy: bool = Field(False, description="受委托人凭书面委托书代领该选民的选票")


class CheckOffOut(Schema):
    round: int
    channel: str
    number: int


class PaperSheetIn(Schema):
    channel: Literal["station", "mobile", ""] = Field("", description="第一次录入时：投票站或流动票箱")
    no: int | None = Field(None, ge=1, le=10**7, description="第二次录入：票号(第一次录入时不填)")
    posts: dict[str, MarksIn] = Field(default_factory=dict, description="选票上的选择(与网上投票相同的格式；纸票多选时该职位无效)")


class PaperDecideIn(Schema):
    posts: dict[str, MarksIn] = Field(default_factory=dict)


class PaperSheetOut(Schema):
    no: int
    channel: str
    status: str


class PaperChannelOut(Schema):
    channel: str
    checked_off: int
    sheets: int


class PaperStateOut(Schema):
    round: int | None
    status: str = ""
    channels: list[PaperChannelOut]
    waiting: list[int]
    mismatched: list[int]


class ProxyOut(Schema):
    id: int
    principal_number: int | None
    principal: str = Field(..., description="委托人(姓名部分遮挡)")
    holder_number: int | None
    holder: str = Field(..., description="受委托人(姓名部分遮挡)")
    relation: str
    created_at: dt.datetime


class ProxyListOut(Schema):
    published_at: dt.datetime | None = None
    out_of_date: bool = Field(..., description="有变动尚未公布(公布前不能开始投票)")
    disclosure_url: str = ""
    proxies: list[ProxyOut]


class ProxyRevokeIn(Schema):
    reason: str = Field(..., max_length=300)


class CountingStaffIn(Schema):
    role: Literal["monitor", "caller", "counter"]
    resident_id: int | None = Field(None, ge=1, le=2**62, description="本社区居民(人口登记 id)")
    username: str = Field("", max_length=150, description="或工作人员账号")
    chosen: str = Field("", max_length=100, description="产生方式，如：选民推选")


class CountingStaffOut(Schema):
    id: int
    role: str
    name: str
    chosen: str


class RecallIn(Schema):
    members: list[int] = Field(..., min_length=1, max_length=20, description="被提出罢免的成员(选民 id，本次选举当选且在任)")
    reason: str = Field(..., max_length=2000, description="罢免理由")
    signers: list[int] = Field(..., min_length=1, max_length=50000, description="联名人选民证号")


class RecallDefenceIn(Schema):
    defence: str = Field(..., max_length=4000, description="申辩意见(本人不申辩的写明)")
    member_id: int | None = Field(None, ge=1, le=2**62, description="选举委员会代为登记时：哪名成员(选民 id)；成员本人不填")


class RecallWithdrawIn(Schema):
    reason: str = Field(..., max_length=300)


class RecallMemberOut(Schema):
    voter_id: int
    name: str
    post: str
    yes: int | None = Field(None, description="同意罢免")
    no: int | None = None
    abstain: int | None = None
    recalled: bool | None = None
    defence: str = Field("", description="申辩意见")
    defence_at: dt.datetime | None = None
    defence_on_behalf: bool = Field(False, description="选举委员会代为登记")


class RecallOut(Schema):
    id: int
    status: str
    reason: str
    lodged_at: dt.datetime
    signers: int
    needed: int
    round: int | None = Field(None, description="表决轮次")
    registered: int | None = None
    cast: int | None = None
    valid: bool | None = Field(None, description="登记选民过半数投票")
    members: list[RecallMemberOut]
    disclosure_url: str = Field("", description="罢免表决公告")
