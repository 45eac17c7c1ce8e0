from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import AliasChoices, AliasPath, BaseModel, ConfigDict, ValidationInfo, model_validator

from linli.core.schemas import ScheduleMoment


class ResourceOut(Schema):
    id: int
    name: str
    kind: str
    region_path: str
    slot_minutes: int
    capacity: int
    book_ahead_days: int
    cancel_before_hours: int
    weekly_limit: int
    audience: str
    approval_required: bool
    actions: list[str] = Field([], description="此刻可做的操作：book, manage, edit_schedule, close, reopen")

    @staticmethod
    def resolve_actions(obj: Any, context: Any) -> list[str]:
        return _actions(obj, context)


def _actions(obj: Any, context: Any) -> list[str]:
    """``selectors.available_actions`` for the request's person (none for an anonymous one)."""
    from . import selectors

    actor = selectors.request_actor(context)
    if actor is None:
        return []
    selectors.note_named_once(context["request"], actor, getattr(obj, "resource", obj))
    return [str(a) for a in selectors.available_actions(actor, obj)]


class SlotOut(BaseModel):
    """Rows are plain dicts: a pydantic model validates them natively, some fifteen times faster
    than a ninja Schema, which wraps every row to read model attributes."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    booked: int
    free: int
    waiting: int
    mine: str
    bookable: bool


class BookIn(Schema):
    resource_id: int
    starts_at: ScheduleMoment
    wait: bool = Field(False, description="约满时加入候补")
    note: str = Field("", max_length=200)
    purpose: str = Field("", max_length=200, description="场地(asks=group)：用途")
    headcount: int | None = Field(None, ge=1, le=10000, description="场地(asks=group)：人数，不超过每段名额")
    contact: str = Field("", max_length=100, description="场地(asks=group)：联系人及电话，给审核人")
    address: str = Field("", max_length=200, description="上门服务(asks=address)：上门地址，只给服务方")


class ReservationOut(BaseModel):
    """Read from a reservation's attributes by pydantic itself (a ninja Schema would wrap it to
    resolve dotted aliases, several times slower on the booking path)."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    resource_id: int
    resource_name: str = Field(..., validation_alias=AliasChoices("resource_name", AliasPath("resource", "name")))
    starts_at: dt.datetime
    status: str
    code: str
    cancel_reason: str
    actions: list[str] = Field([], description="此刻可做的操作：approve, reject, cancel, check_in, no_show")

    @model_validator(mode="wrap")
    @classmethod
    def _with_actions(cls, data: Any, handler: Any, info: ValidationInfo) -> Any:
        out = handler(data)
        if not isinstance(data, dict) and hasattr(data, "status"):  # a reservation (a dict brings its own)
            out.actions = _actions(data, info.context)
        return out


class StaffReservationOut(ReservationOut):
    user_name: str = Field(..., validation_alias=AliasChoices("user_name", AliasPath("user", "display_name")))
    purpose: str = ""
    headcount: int | None = None
    contact: str = ""


class ReasonIn(Schema):
    reason: str = Field("", max_length=200)


class DecideIn(Schema):
    approve: bool
    reason: str = Field("", max_length=200)


class CheckInIn(Schema):
    code: str = Field(..., max_length=12)
    resource_id: int | None = None
