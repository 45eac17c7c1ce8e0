from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema


def _actions(obj: Any, context: Any) -> list[str]:
    from .selectors import available_actions

    request = (context or {}).get("request")
    return available_actions(getattr(request, "auth", None), obj) if request is not None else []


class OfferingOut(Schema):
    id: int
    title: str
    category: str
    price_type: str
    price: str
    description: str
    provider: str = Field(..., alias="provider.name")
    resource_id: int
    tags: list[str]


class ProviderIn(Schema):
    name: str = Field(..., max_length=100)
    uscc: str = Field(..., max_length=30)
    kind: str = Field(..., max_length=12)
    contact_name: str = Field(..., max_length=50)
    contact_phone: str = Field(..., max_length=20)
    address: str = Field(..., max_length=200)
    region_code: str = Field(..., max_length=15)


class ProviderOut(Schema):
    id: int
    name: str
    uscc: str
    kind: str
    state: str
    state_reason: str
    region_path: str
    actions: list[str] = Field([], description="approve | reject | suspend | offer: what the caller may do now")

    @staticmethod
    def resolve_actions(obj: Any, context: Any) -> list[str]:
        return _actions(obj, context)


class VetIn(Schema):
    decision: str = Field(..., max_length=10, description="approve | reject | suspend")
    reason: str = Field("", max_length=300)


class ReviewIn(Schema):
    reservation_id: int
    rating: int = Field(..., ge=1, le=5)
    text: str = Field("", max_length=500)


class ReviewOut(Schema):
    id: int
    offering_id: int
    rating: int
    text: str
    reply: str
    created_at: dt.datetime
    actions: list[str] = Field([], description="reply | hide: what the caller may do now")

    @staticmethod
    def resolve_actions(obj: Any, context: Any) -> list[str]:
        return _actions(obj, context)


class TextIn(Schema):
    text: str = Field("", max_length=500)


class ConsentIn(Schema):
    recommendations: bool


class ConsentOut(Schema):
    recommendations: bool
