from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field


class ElectionIn(Schema):
    community: str = Field(..., max_length=15, description="社区代码")
    title: str = Field(..., max_length=120)
    election_day: dt.date
    mode: Literal["all", "household"] = "all"
    seats: dict[str, int] = Field(default_factory=lambda: {"director": 1, "deputy": 1, "member": 3},
                                  description="各职位职数：director 主任(1名)、deputy 副主任、member 委员，合计5至9名")
    min_age: int = Field(18, ge=16, le=30)
    months: int = Field(12, ge=0, le=120, description="非户籍居民居住满几个月可登记为选民")
    registered_only: bool = False
    women_at_least: int = Field(1, ge=0, le=9)
    list_days: int = Field(20, ge=1, le=90, description="选民名单至少在选举日前几天公布")


class ElectionPlanIn(Schema):
    title: str | None = Field(None, max_length=120)
    election_day: dt.date | None = None
    mode: Literal["all", "household"] | None = None
    seats: dict[str, int] | None = None
    min_age: int | None = Field(None, ge=16, le=30)
    months: int | None = Field(None, ge=0, le=120)
    registered_only: bool | None = None
    women_at_least: int | None = Field(None, ge=0, le=9)
    list_days: int | None = Field(None, ge=1, le=90)


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
    status: str
    voters_total: int
    voters_built_at: dt.datetime | None
    voters_published_at: dt.datetime | None
    disclosure_url: str = ""
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


class MyVoterEntryOut(Schema):
    election_id: int
    title: str
    election_day: dt.date
    on_list: bool
    number: int | None
    refusals: list[str]
    disclosure_url: str = ""


class VoterListBuildOut(Schema):
    people: int
    eligible: int
    votes: int
    corrected: int
