"""Schemas of small public projects (their names are the OpenAPI document's, unique across apps:
every one starts with ``Project``/``Designer``/``Call``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field

from linli.core.schemas import ScheduleDay, ScheduleMoment

Money = Decimal


class DesignerIn(Schema):
    region_code: str = Field(..., max_length=15, description="登记的区或市(区划代码)")
    name: str = Field(..., max_length=50)
    profession: str = Field(..., max_length=50)
    organisation: str = Field(..., max_length=100)
    streets: list[str] = Field(..., min_length=1, max_length=50, description="服务的街道(区划代码)")
    phone: str = Field("", max_length=20)
    username: str = Field("", max_length=150, description="设计师的平台账号(可直接提交设计方案)")


class DesignerOut(Schema):
    id: int
    name: str
    profession: str
    organisation: str
    phone: str = Field(description="掩码显示")
    streets: list[str]
    active: bool
    has_account: bool


class DesignerActiveIn(Schema):
    active: bool


class CallIn(Schema):
    region_code: str = Field(..., max_length=15, description="发起的街道或社区(区划代码)")
    title: str = Field(..., max_length=100)
    description: str = Field(..., max_length=4000)
    budget: Money = Field(..., gt=0, le=100000000, max_digits=12, decimal_places=2, description="总预算(元)")
    cap_services: Money | None = Field(None, gt=0, le=100000000, max_digits=12, decimal_places=2, description="服务和货物类单项上限，默认50万元")
    cap_works: Money | None = Field(None, gt=0, le=100000000, max_digits=12, decimal_places=2, description="工程类单项上限，默认100万元")
    ideas_until: ScheduleDay
    vote_mode: Literal["none", "approval", "knapsack"] = "approval"
    max_choices: int = Field(0, ge=0, le=50, description="赞成投票每人最多选择项数，0为不限")
    body_id: int | None = Field(None, ge=1, description="评审的协商议事机构")


class CallOut(Schema):
    id: int
    number: str
    region_code: str
    region_name: str
    title: str
    description: str
    status: str
    status_label: str
    budget: Money
    cap_services: Money
    cap_works: Money
    ideas_until: dt.date
    vote_mode: str
    max_choices: int
    vote_opens: dt.datetime | None
    vote_closes: dt.datetime | None
    body_name: str
    ballots: int
    chosen_total: Money
    disclosure_id: int | None
    created_at: dt.datetime
    actions: list[str] = []


class CallVoteIn(Schema):
    opens: ScheduleMoment
    closes: ScheduleMoment


class CallReasonIn(Schema):
    reason: str = Field(..., max_length=300)


class ProjectIdeaIn(Schema):
    title: str = Field(..., max_length=100)
    description: str = Field(..., max_length=4000)
    kind: Literal["services", "works"]
    location: str = Field("", max_length=120)
    community_code: str = Field("", max_length=15, description="工作人员登记时：所在社区")
    on_behalf_of: str = Field("", max_length=50, description="工作人员代录：提出人姓名(公开时掩码)")


class ProjectFromResolutionIn(Schema):
    resolution_id: int = Field(..., ge=1)
    kind: Literal["services", "works"]
    description: str = Field("", max_length=4000)


class ProjectAssignIn(Schema):
    designer_id: int = Field(..., ge=1)


class ProjectReviewIn(Schema):
    decision: Literal["shortlist", "reject", "revise"]
    opinion: str = Field(..., max_length=1000)
    meeting_on: ScheduleDay
    votes_for: int = Field(0, ge=0, le=500)
    votes_against: int = Field(0, ge=0, le=500)
    votes_abstain: int = Field(0, ge=0, le=500)


class ProjectReviewOut(Schema):
    body_name: str
    decision: str
    votes_for: int | None = Field(description="机构表决人数，仅管辖范围的工作人员可见")
    votes_against: int | None
    votes_abstain: int | None
    opinion: str
    meeting_on: dt.date


class ProjectBallotIn(Schema):
    projects: list[int] = Field(..., min_length=1, max_length=50)


class ProjectPaperBallotIn(Schema):
    id_number: str = Field(..., max_length=18)
    slip: str = Field(..., max_length=20)
    projects: list[int] = Field(..., min_length=1, max_length=50)


class ProjectBallotOut(Schema):
    call_id: int
    channel: str
    projects: list[int]
    total: Money
    at: dt.datetime


class ProjectProgressIn(Schema):
    percent: int = Field(..., ge=0, le=99)
    note: str = Field(..., max_length=1000)
    owner: str = Field("", max_length=100)


class ProjectNoteIn(Schema):
    note: str = Field(..., max_length=1000)


class ProjectReasonIn(Schema):
    reason: str = Field(..., max_length=1000)


class ProjectRateIn(Schema):
    rating: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=500)


class ProjectFollowUpIn(Schema):
    answer: str = Field(..., max_length=1000)
    reopen: bool = False


class ProjectUrgeIn(Schema):
    note: str = Field(..., max_length=300)


class ProjectRow(Schema):
    id: int
    number: str
    call_id: int
    title: str
    kind: str
    community_code: str
    status: str
    status_label: str
    cost: Money | None
    votes: int | None = Field(description="投票结束公布后方显示(工作人员始终可见)")
    progress: int
    due_on: dt.date | None


class ProjectEventOut(Schema):
    action: str
    label: str
    note: str
    progress: int | None
    at: dt.datetime


class ProjectPhotoOut(Schema):
    id: int
    phase: str
    caption: str
    url: str
    at: dt.datetime


class ProjectDetail(ProjectRow):
    description: str
    location: str
    source: str
    proposer_name: str
    topic_number: str
    designer_name: str
    designer_organisation: str
    design: str
    schedule_days: int | None
    drawings_url: str
    owner: str
    infeasible_reason: str
    done_at: dt.datetime | None
    reviews: list[ProjectReviewOut]
    photos: list[ProjectPhotoOut]
    timeline: list[ProjectEventOut]
    rating_count: int
    rating_average: float | None
    actions: list[str]
