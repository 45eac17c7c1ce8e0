from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import Field


class NoticeIn(Schema):
    title: str = Field(..., max_length=120)
    body: str = Field(..., max_length=20000)
    urgency: Literal["normal", "urgent"] = "normal"
    must_reach: bool = False
    valid_until: dt.date | None = None
    reminder_after: int = Field(24, ge=1, le=720)
    region_code: str | None = Field(None, max_length=15, description="街道、社区或网格代码")
    compound_id: int | None = Field(None, ge=1)
    building_id: int | None = Field(None, ge=1)
    household_ids: list[int] | None = Field(None, max_length=5000)
    publish: bool = Field(False, description="保存后立即发布")


class NoticeCorrectIn(Schema):
    title: str = Field(..., max_length=120)
    body: str = Field(..., max_length=20000)
    valid_until: dt.date | None = None
    note: str = Field(..., max_length=300, description="更正说明")


class NoticeWithdrawIn(Schema):
    reason: str = Field(..., max_length=300)


class NoticeDeliveryIn(Schema):
    household_id: int = Field(..., ge=1)
    how: Literal["door_to_door", "phone", "wechat", "notice_board", "other"] = "door_to_door"
    note: str = Field("", max_length=200)
    at: dt.datetime | None = None


class NoticeVersionOut(Schema):
    number: int
    title: str
    body: str
    valid_until: dt.date | None
    note: str
    created_at: dt.datetime
    superseded_at: dt.datetime | None


class NoticeRow(Schema):
    id: int
    title: str
    status: str
    urgency: str
    must_reach: bool
    scope: str
    region_path: str
    area_name: str
    sender_name: str
    published_at: dt.datetime | None
    valid_until: dt.date | None
    version: int
    households_total: int


class NoticeAttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str = Field("", description="附件地址(随通知显示)")


class NoticeUrgeIn(Schema):
    note: str = Field(..., max_length=300, description="督办意见")


class NoticeDetail(NoticeRow):
    body: str
    withdraw_reason: str
    versions: list[NoticeVersionOut] = []
    attachments: list[str] = []
    files: list[NoticeAttachmentOut] = Field([], description="附件(含编号，草稿可删除)")

    # the model's ``attachments`` is a related manager: the endpoint fills both lists itself
    @staticmethod
    def resolve_attachments(obj: Any) -> list[str]:
        return []

    @staticmethod
    def resolve_files(obj: Any) -> list[NoticeAttachmentOut]:
        return []
    actions: list[str] = []
    read: bool = False


class NoticeLineOut(Schema):
    key: str
    name: str
    total: int
    reached: int
    percent: int
    gaps: int = Field(..., description="所在楼栋无楼长、居民代表的户数")
    without_representative: int = Field(0, description="无户代表的户数(四个不漏)")


class NoticeCoverageOut(Schema):
    total: int
    reached: int
    confirmed: int
    percent: int
    gaps: int
    without_representative: int = Field(0, description="无户代表的户数(四个不漏)")
    grids: list[NoticeLineOut]
    buildings: list[NoticeLineOut]


class NoticeDeliveryOut(Schema):
    household_id: int
    recorded: bool = Field(..., description="本次登记；false 表示此前已送达，未重复登记")
    reached_at: dt.datetime | None
    how: str


class NoticeUnreachedOut(Schema):
    household_id: int
    number: str
    address: str
    building: str
    grid: str
