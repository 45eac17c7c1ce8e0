from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from linli.core.schemas import ScheduleDay


class VenueOut(Schema):
    id: int
    name: str
    kind: str
    owner: str
    address: str
    facilities: str
    rules_text: str
    community_code: str
    community: str
    resource_id: int = Field(..., description="GET /api/v1/booking/resources/{resource_id}/slots?day=… 查空位，POST /api/v1/booking/reservations 预约")
    capacity: int
    slot_minutes: int
    approval_required: bool
    audience: str = Field(..., description="residents(服务社区的居民) | everyone")
    served: list[str] = Field(..., description="开放的社区代码；为空时即场地所在社区")
    book_ahead_days: int
    cancel_before_hours: int
    weekly_limit: int
    public: bool
    active: bool
    actions: list[str] = Field([], description="此刻可做的操作：book, edit, schedule, bookings, close, reopen")

    @staticmethod
    def resolve_actions(obj: Any, context: Any) -> list[str]:
        from linli.booking.selectors import note_named_once, request_actor

        from . import selectors

        actor = request_actor(context)
        if actor is None:
            return []
        note_named_once(context["request"], actor, obj.resource)
        return [str(a) for a in selectors.available_actions(actor, obj)]

    @staticmethod
    def resolve_community_code(obj: Any) -> str:
        return str(obj.resource.region.code)

    @staticmethod
    def resolve_community(obj: Any) -> str:
        return str(obj.resource.region.name)

    @staticmethod
    def resolve_served(obj: Any) -> list[str]:
        return sorted(n.code for n in obj.resource.served.all())

    @staticmethod
    def resolve_capacity(obj: Any) -> int:
        return int(obj.resource.capacity)

    @staticmethod
    def resolve_slot_minutes(obj: Any) -> int:
        return int(obj.resource.slot_minutes)

    @staticmethod
    def resolve_approval_required(obj: Any) -> bool:
        return bool(obj.resource.approval_required)

    @staticmethod
    def resolve_audience(obj: Any) -> str:
        return str(obj.resource.audience)

    @staticmethod
    def resolve_book_ahead_days(obj: Any) -> int:
        return int(obj.resource.book_ahead_days)

    @staticmethod
    def resolve_cancel_before_hours(obj: Any) -> int:
        return int(obj.resource.cancel_before_hours)

    @staticmethod
    def resolve_weekly_limit(obj: Any) -> int:
        return int(obj.resource.weekly_limit)

    @staticmethod
    def resolve_active(obj: Any) -> bool:
        return bool(obj.resource.active)


class TermIn(Schema):
    name: str = Field(..., max_length=40)
    start: ScheduleDay
    end: ScheduleDay


class HoursIn(Schema):
    weekday: int = Field(..., ge=0, le=6, description="0 = 周一")
    opens: dt.time
    closes: dt.time


class VenueIn(Schema):
    community_code: str = Field(..., max_length=12, description="场地所在社区的12位区划代码")
    name: str = Field(..., max_length=100)
    kind: str = Field(..., max_length=14, description="room | school_ground | hall")
    owner: str = Field(..., max_length=100)
    address: str = Field("", max_length=200)
    capacity: int = Field(..., ge=1, le=1000)
    slot_minutes: int = Field(60, ge=15, le=480)
    approval_required: bool = False
    audience: str = Field("residents", max_length=10)
    served: list[str] = Field(default_factory=list, max_length=100)
    rules_text: str = Field("", max_length=2000)
    facilities: str = Field("", max_length=200)
    hours: list[HoursIn] = Field(default_factory=list, max_length=50, description="活动室、会议室的每周开放时间")
    terms: list[TermIn] = Field(default_factory=list, max_length=10, description="学校运动场的学期")


class VenueUpdateIn(Schema):
    """Fields left out keep their value."""

    name: str | None = Field(None, max_length=100)
    owner: str | None = Field(None, max_length=100)
    address: str | None = Field(None, max_length=200)
    rules_text: str | None = Field(None, max_length=2000)
    facilities: str | None = Field(None, max_length=200)
    capacity: int | None = Field(None, ge=1, le=1000)
    approval_required: bool | None = None
    public: bool | None = None
    audience: str | None = Field(None, max_length=10)
    served: list[str] | None = Field(None, max_length=100)
    book_ahead_days: int | None = Field(None, ge=1, le=90)
    cancel_before_hours: int | None = Field(None, ge=0, le=168)
    weekly_limit: int | None = Field(None, ge=0, le=50)


class CloseIn(Schema):
    reason: str = Field(..., max_length=200)


class ClosedOut(Schema):
    venue: VenueOut
    cancelled: int
