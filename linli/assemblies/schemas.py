from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

ChoiceIn = Literal["agree", "oppose", "abstain"]


class MatterIn(Schema):
    item: int = Field(..., ge=1, le=9, description="民法典第二百七十八条第一款所列事项(1至9)")
    title: str = Field(..., max_length=200)
    body: str = Field("", max_length=5000)


class AssemblyIn(Schema):
    compound_id: int = Field(..., ge=1)
    building_id: int | None = Field(None, ge=1, description="仅涉及一栋楼的事项")
    title: str = Field(..., max_length=120)
    convener: Literal["owners_committee", "preparatory_group", "street_office"]
    convener_name: str = Field(..., max_length=120)
    opens_at: dt.datetime
    closes_at: dt.datetime
    named: bool = Field(True, description="记名表决(公示板列出房号)；否则只列回执摘要")
    allow_change: bool = Field(False, description="截止前可改票")
    max_principals: int = Field(1, ge=1, le=10)
    matters: list[MatterIn] = Field(..., min_length=1, max_length=20)


class MatterOut(Schema):
    no: int
    item: int
    title: str
    body: str
    result: dict[str, Any] | None = None


class RollOut(Schema):
    status: str
    scope_name: str
    total_area: Decimal
    total_heads: int
    total_units: int
    disclosure_id: int | None
    locked_at: dt.datetime | None


class AssemblyRow(Schema):
    id: int
    title: str
    status: str
    compound_id: int
    opens_at: dt.datetime
    closes_at: dt.datetime


class AssemblyDetail(AssemblyRow):
    convener: str
    convener_name: str
    named: bool
    allow_change: bool
    max_principals: int
    notice_id: int | None
    called_at: dt.datetime | None
    rc_notified_at: dt.datetime | None
    original_closes_at: dt.datetime | None
    result_disclosure_id: int | None
    announced_at: dt.datetime | None
    board_head: str
    roll: RollOut | None = None
    matters: list[MatterOut] = []
    actions: list[str] = []


class PublicUnitOut(Schema):
    label: str
    area: Decimal
    use: str
    area_source: str


class RollEntryOut(Schema):
    id: int
    label: str
    kind: str
    name: str
    area: Decimal
    units: list[str]
    voter_id: int | None


class UnitCorrectIn(Schema):
    area: Decimal | None = Field(None, gt=0, max_digits=10, decimal_places=2)
    area_source: Literal["register", "survey", "contract"] | None = None
    reason: str = Field(..., max_length=300)


class DesignateIn(Schema):
    resident_id: int = Field(..., ge=1)
    reason: str = Field(..., max_length=300)


class ExtendIn(Schema):
    closes_at: dt.datetime


class ReasonIn(Schema):
    reason: str = Field(..., max_length=300)


class TurnoutOut(Schema):
    total_area: Decimal
    total_heads: int
    area: Decimal
    heads: int
    area_share: float = Field(..., description="已投票面积占总面积比例(0–1，仅供显示；判定用精确分数)")
    heads_share: float
    quorum_met: bool
    by_channel: dict[str, dict[str, Any]] = {}


class BallotIn(Schema):
    choices: dict[int, ChoiceIn] = Field(..., description="{事项序号: agree|oppose|abstain}，每项都须表明意见")
    code: str = Field(..., max_length=8, description="投票短信验证码")
    entry_id: int | None = Field(None, ge=1, description="为多户投票时选择哪一户(计票主体)")


class ReceiptOut(Schema):
    receipt: str = Field(..., description="回执码(只显示这一次，请保存)")
    head: str
    channel: str
    cast_at: dt.datetime


class ReceiptCheckOut(Schema):
    found: bool
    seq: int | None = None
    entry: dict[str, Any] | None = None


class PaperIn(Schema):
    code: str = Field(..., max_length=24, description="表决票编码")
    choices: dict[int, ChoiceIn | Literal[""]] = Field(..., description="{事项序号: 意见}；空白项留空")


class SlipOut(Schema):
    code: str
    head: str
    status: str
    entries: int


class ProxyOut(Schema):
    id: int
    principal: str
    holder_id: int
    created_at: dt.datetime
    revoked_at: dt.datetime | None


class MyHeadOut(Schema):
    entry_id: int
    head: str
    units: list[str]
    voted: bool
    by_proxy: bool
    delegated: bool


class TransferIn(Schema):
    buyer_id: int = Field(..., ge=1, description="买受人(登记的居民)")
    reason: str = Field(..., max_length=300)
