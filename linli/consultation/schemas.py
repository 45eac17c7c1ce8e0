from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from linli.core.schemas import ScheduleDay, ScheduleMoment


class ConsultMatterIn(Schema):
    region_code: str = Field(..., max_length=15, description="适用范围(市、区、街道或社区的区划代码)")
    name: str = Field(..., max_length=80)
    category: Literal["development", "public", "livelihood", "dispute", "policy", "other"]
    description: str = Field("", max_length=300)


class ConsultMatterOut(Schema):
    id: int
    region_path: str
    region_name: str
    name: str
    category: str
    description: str
    active: bool


class ConsultActiveIn(Schema):
    active: bool


class ConsultSettingsIn(Schema):
    community_code: str = Field(..., max_length=15)
    support_threshold: int = Field(10, ge=1, le=500, description="附议户数门槛")
    answer_days: int = Field(5, ge=1, le=30, description="答复时限(工作日)")
    notice_days: int = Field(3, ge=1, le=30, description="会议至少提前通知天数")
    disclosure_days: int = Field(15, ge=1, le=60, description="形成意见后结果公示时限(天)")


class ConsultSettingsOut(Schema):
    support_threshold: int
    answer_days: int
    notice_days: int
    disclosure_days: int


class ConsultBodyIn(Schema):
    community_code: str = Field(..., max_length=15)
    kind: Literal["representatives", "affairs", "council", "supervision", "talk", "hearing", "evaluation"]
    name: str = Field(..., max_length=80)
    quorum_percent: int = Field(50, ge=1, le=100)
    term_starts: ScheduleDay | None = None
    term_ends: ScheduleDay | None = None


class ConsultMemberIn(Schema):
    name: str = Field(..., max_length=50)
    sector: Literal["representative", "owners", "property", "unit", "social", "resident", "community", "expert"]
    organisation: str = Field("", max_length=100)
    username: str = Field("", max_length=150, description="成员的平台账号(可签到、收通知)")


class ConsultMemberOut(Schema):
    id: int
    name: str
    sector: str
    organisation: str
    has_account: bool


class ConsultBodyOut(Schema):
    id: int
    community_code: str
    kind: str
    name: str
    quorum_percent: int
    term_starts: dt.date | None
    term_ends: dt.date | None
    members: list[ConsultMemberOut] = []


class ConsultTopicIn(Schema):
    community_code: str | None = Field(None, max_length=15, description="工作人员代录或社区提出时必填；居民为本人所在社区")
    title: str = Field(..., max_length=100)
    content: str = Field(..., max_length=4000)
    matter_id: int | None = Field(None, ge=1)
    source: Literal["resident", "offline", "staff", "workorder"] = "resident"
    on_behalf_of: str = Field("", max_length=50, description="代录时：提议居民的姓名")
    work_orders: list[str] = Field([], max_length=50, description="由工单转入时：工单号")


class ConsultTopicRow(Schema):
    id: int
    number: str
    title: str
    status: str
    status_label: str
    community_code: str
    source: str
    supports: int
    threshold: int
    due_on: dt.date | None
    created_at: dt.datetime


class ConsultEventOut(Schema):
    action: str
    note: str
    progress: int | None
    resolution_id: int | None
    at: dt.datetime


class ConsultOrderOut(Schema):
    number: str
    closed: bool
    status: str


class ConsultResolutionOut(Schema):
    id: int
    position: int
    title: str
    kind: str
    owner: str
    due_on: dt.date
    status: str
    progress: int
    infeasible_reason: str
    orders: list[ConsultOrderOut] = []
    actions: list[str] = []


class ConsultMeetingOut(Schema):
    id: int
    body_id: int
    form: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    agenda: str
    status: str
    members_total: int
    members_present: int
    others_present: int
    minutes: str
    dissent: str
    notice_id: int | None


class TopicDetail(ConsultTopicRow):
    content: str
    matter_id: int | None
    off_list_reason: str
    proposer_name: str
    answer: str
    referred_to: str
    merged_into_id: int | None
    body_id: int | None
    form: str
    outcome: str
    decided_at: dt.datetime | None
    disclosure_due: dt.date | None
    disclosure_id: int | None
    completed_at: dt.datetime | None
    resolutions: list[ConsultResolutionOut] = []
    meetings: list[ConsultMeetingOut] = []
    timeline: list[ConsultEventOut] = []
    actions: list[str] = []
    supported: bool = False
    following: bool = False


class ConsultPaperSupportIn(Schema):
    household_number: str = Field(..., max_length=32, description="纸质联名表上住户的户号")


class ConsultAnswerIn(Schema):
    action: Literal["take_up", "merge", "refer", "decline"]
    answer: str = Field("", max_length=1000)
    body_id: int | None = Field(None, ge=1, description="受理：协商议事机构")
    form: Literal["meeting", "hearing", "online", "owners", ""] = Field("", description="受理：协商形式")
    matter_id: int | None = Field(None, ge=1)
    off_list_reason: str = Field("", max_length=300, description="受理清单外议题的理由")
    into: str = Field("", max_length=20, description="合并：并入议题的编号")
    to: str = Field("", max_length=100, description="转交：单位")


class ConsultMeetingIn(Schema):
    starts_at: ScheduleMoment
    ends_at: ScheduleMoment
    place: str = Field("", max_length=120)
    agenda: str = Field(..., max_length=4000)
    body_id: int | None = Field(None, ge=1)


class ConsultAttendanceIn(Schema):
    member_id: int | None = Field(None, ge=1)
    name: str = Field("", max_length=50, description="列席居民的姓名(无成员编号时)")


class ConsultCheckInIn(Schema):
    token: str = Field(..., max_length=64)


class ConsultAttendanceOut(Schema):
    id: int
    name: str
    member_id: int | None
    how: str
    at: dt.datetime


class ConsultReasonIn(Schema):
    reason: str = Field(..., max_length=1000)


class ConsultResolutionIn(Schema):
    title: str = Field(..., max_length=200)
    kind: Literal["work_order", "assembly", "project", "department", "community"]
    owner: str = Field(..., max_length=100)
    due_on: ScheduleDay


class ConsultDecideIn(Schema):
    outcome: str = Field(..., max_length=4000)
    resolutions: list[ConsultResolutionIn] = Field(..., min_length=1, max_length=20)


class ConsultProgressIn(Schema):
    action: Literal["progress", "finish", "infeasible", "reopen"]
    percent: int | None = Field(None, ge=0, le=99)
    note: str = Field(..., max_length=1000, description="进展、完成情况、无法落实的原因或重新落实的说明")


class ConsultWorkOrderIn(Schema):
    category: str = Field(..., max_length=40, description="诉求分类代码(末级)")
    description: str = Field(..., max_length=3800)
    address: str = Field("", max_length=200)


class ConsultAssemblyIn(Schema):
    compound_id: int = Field(..., ge=1, description="召开业主大会的小区")
    item: int = Field(..., ge=1, le=9, description="民法典第二百七十八条第一款所列事项(1至9)")
    convener: Literal["owners_committee", "preparatory_group", "street_office"]
    convener_name: str = Field(..., max_length=120)
    opens_at: ScheduleMoment
    closes_at: ScheduleMoment
    body: str = Field("", max_length=4000)


class ConsultAssemblyOut(Schema):
    assembly_id: int
    title: str
    status: str


class ConsultWorkOrderOut(Schema):
    id: int
    number: str
    status: str


class ConsultRateIn(Schema):
    rating: int = Field(..., ge=1, le=5, description="5 非常满意 … 1 非常不满意")
    comment: str = Field("", max_length=500)


class ConsultRatingOut(Schema):
    rating: int
    round: int


class ConsultFollowUpIn(Schema):
    answer: str = Field(..., max_length=2000)
    reopen: bool = False


class ConsultUrgeIn(Schema):
    note: str = Field(..., max_length=300)


class ConsultDisclosureOut(Schema):
    disclosure_id: int


class ConsultCommentIn(Schema):
    text: str = Field(..., max_length=1000)


class ConsultCommentOut(Schema):
    id: int
    name: str
    text: str
    status: str
    reason: str
    at: dt.datetime


class ConsultModerateIn(Schema):
    publish: bool
    reason: str = Field("", max_length=300, description="不予发布时必填")
