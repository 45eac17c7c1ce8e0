import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import Field


class CategoryOut(Schema):
    code: str
    name: str
    parent_code: str | None = Field(None, alias="parent.code")
    handle_limit: int
    limit_unit: str
    urgent_limit_hours: int


class OrderIn(Schema):
    category_code: str = Field(..., max_length=20)
    description: str = Field(..., max_length=2000)
    region_code: str = Field(..., max_length=15, description="社区或网格代码")
    address: str = Field("", max_length=200)
    lat: Decimal | None = None
    lng: Decimal | None = None
    urgency: Literal["normal", "urgent"] = "normal"
    contact_name: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=20)
    anonymous: bool = True
    channel: Literal["web", "patrol", "hotline", "api"] = "api"


class EventOut(Schema):
    at: dt.datetime
    action: str
    from_status: str
    to_status: str
    note: str
    actor: str | None = Field(None, alias="actor.display_name")


class OrderRow(Schema):
    id: int
    number: str
    status: str
    channel: str
    category_code: str = Field(..., alias="category.code")
    category_name: str = Field(..., alias="category.name")
    description: str
    address: str
    region_code: str = Field(..., alias="region.code")
    urgency: str
    unit: str | None = Field(None, alias="unit.name")
    due_at: dt.datetime | None
    escalation_level: int
    created_at: dt.datetime
    closed_at: dt.datetime | None
    rating: int | None


class OrderDetail(OrderRow):
    result: str
    rating_comment: str
    contact_name: str
    contact_phone_masked: str = Field("", alias="masked_contact_phone")
    merged_into: str | None = Field(None, alias="merged_into.number")
    timeline: list[EventOut] = []
    actions: list[str] = Field([], description="what the caller may do now (selectors.available_actions): "
                                               "the values POST /orders/{id}/actions takes")
    allowed_actions: list[str] = Field([], description="the same as actions (kept for older clients)")
    photo_urls: list[str] = Field([], description="URLs of the photos (session or token auth required)")


class ActionIn(Schema):
    action: Literal["register", "refuse", "withdraw", "merge", "dispatch", "reroute", "accept", "send_back",
                    "report_done", "verify_pass", "verify_fail", "rate", "urge", "extend"]
    reason: str = Field("", max_length=1000, description="refuse / send_back / verify_fail / reroute note; urge: the note; extend: the reason")
    result: str = Field("", max_length=2000, description="report_done")
    unit_id: int | None = Field(None, description="dispatch / reroute")
    into_id: int | None = Field(None, description="merge: the order this one joins")
    rating: int | None = Field(None, ge=1, le=5, description="rate: 5 非常满意 … 1 非常不满意")
    comment: str = Field("", max_length=500)
    due_date: dt.date | None = Field(None, description="extend: the new handling deadline (end of that day)")


class FollowUpOut(Schema):
    id: int
    order_id: int
    order_number: str = Field(..., alias="order.number")
    due_date: dt.date
    status: str
    answer: str


class FollowUpIn(Schema):
    answer: str = Field(..., min_length=2, max_length=2000)
    reopen: bool = False


class NotificationOut(Schema):
    """An inbox message (messaging) in the shape this API has always given; ``order_id`` is
    the work order it is about, if any."""

    id: int
    text: str
    order_id: int | None
    created_at: dt.datetime
    read_at: dt.datetime | None

    @staticmethod
    def resolve_order_id(obj: Any) -> int | None:
        from django.contrib.contenttypes.models import ContentType

        from .models import WorkOrder

        if obj.target_type_id and obj.target_type_id == ContentType.objects.get_for_model(WorkOrder).pk:
            return int(obj.target_id)
        return None


class OrderFiguresOut(Schema):
    """Work-order figures of an area and period (``selectors.figures``): counts, and rates as
    fractions 0–1 (null when nothing was closed or rated)."""

    received: int
    closed: int
    on_time: int
    on_time_rate: float | None = Field(..., ge=0, le=1, description="on_time / closed, 0–1; null when none closed")
    avg_hours: float | None
    rated: int
    satisfied: int
    satisfaction_rate: float | None = Field(..., ge=0, le=1, description="satisfied / rated, 0–1; null when none rated")
    overdue_open: int
