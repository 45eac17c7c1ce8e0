"""Shared-space endpoints: the public list and detail (slots and bookings are the booking API's),
and for area admins and a venue's own staff: their venues, opening, editing, closing."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from linli.core.errors import DomainError
from linli.core.pagination import PageNumberPagination
from linli.core.schemas import ApiRequest, ErrorOut
from linli.regions import selectors as regions
from linli.regions.selectors import Level

from . import selectors, services
from .models import Venue
from .schemas import ClosedOut, CloseIn, VenueIn, VenueOut, VenueUpdateIn

router = Router(tags=["spaces 共享场地"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
READ_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _communities(codes: list[str]) -> list[Any]:
    found = list(regions.nodes(codes=codes, level=Level.COMMUNITY))
    if len(found) != len(set(codes)):
        raise DomainError("invalid", _("社区代码不正确"), field="served")
    return found


def _fresh(v: Venue) -> Venue:
    return Venue.objects.select_related("resource__region").prefetch_related("resource__served").get(pk=v.pk)


@router.get("/venues", response={200: list[VenueOut], **READ_ERRORS},
            summary="共享场地列表：类型、区域(区、街道或社区代码)、关键词(名称、单位、地址、设施)")
@paginate(PageNumberPagination, page_size=24)
def list_venues(request: ApiRequest, kind: str = "", area: str = "", q: str = ""):  # type: ignore[no-untyped-def]
    where = None
    if area:
        where = next((n for n in (selectors.area(area, lvl) for lvl in (Level.DISTRICT, Level.STREET, Level.COMMUNITY)) if n), None)
        if where is None:
            raise DomainError("invalid", _("区域代码不正确"), field="area")
    return selectors.public_venues(kind=kind[:14], where=where, q=q[:50]).prefetch_related("resource__served")


@router.get("/venues/{venue_id}", response={200: VenueOut, **READ_ERRORS}, summary="场地详情")
def get_venue(request: ApiRequest, venue_id: int):  # type: ignore[no-untyped-def]
    return _fresh(selectors.public_venue(venue_id))


@router.get("/managed", response={200: list[VenueOut], **READ_ERRORS}, summary="我管理的场地(本辖区及本人被指定管理的，含未公开和已停止开放的)")
@paginate(PageNumberPagination, page_size=50)
def managed(request: ApiRequest):  # type: ignore[no-untyped-def]
    return selectors.managed_venues(request.auth).prefetch_related("resource__served")


@router.post("/venues", response={201: VenueOut, **ERRORS}, summary="开放新场地(街道、社区管理员)")
def open_venue(request: ApiRequest, payload: VenueIn):  # type: ignore[no-untyped-def]
    region = regions.node(payload.community_code, level=Level.COMMUNITY)
    if region is None:
        raise DomainError("invalid", _("请选择场地所在社区"), field="community_code")
    v = services.open_venue(
        actor=request.auth, region=region, name=payload.name, kind=payload.kind, owner=payload.owner, address=payload.address,
        capacity=payload.capacity, slot_minutes=payload.slot_minutes, approval_required=payload.approval_required,
        rules_text=payload.rules_text, facilities=payload.facilities, audience=payload.audience,
        served=_communities(payload.served) if payload.served else None,
        hours=[(h.weekday, h.opens, h.closes) for h in payload.hours] or None,
        terms=[(t.name, t.start, t.end) for t in payload.terms] or None)
    return Status(201, _fresh(v))


@router.patch("/venues/{venue_id}", response={200: VenueOut, **ERRORS}, summary="修改场地信息与预约规则(开放时间见 booking 的日程接口)")
def update_venue(request: ApiRequest, venue_id: int, payload: VenueUpdateIn):  # type: ignore[no-untyped-def]
    v = selectors.managed_venue(request.auth, venue_id)
    r = v.resource
    given: dict[str, Any] = payload.dict(exclude_unset=True)
    pick = lambda key, current: current if given.get(key) is None else given[key]  # noqa: E731
    v = services.update_venue(
        actor=request.auth, venue=v, name=pick("name", v.name), owner=pick("owner", v.owner), address=pick("address", v.address),
        rules_text=pick("rules_text", v.rules_text), facilities=pick("facilities", v.facilities),
        capacity=pick("capacity", r.capacity), approval_required=pick("approval_required", r.approval_required),
        public=pick("public", v.public), audience=pick("audience", r.audience),
        served=_communities(given["served"]) if given.get("served") is not None else None,
        book_ahead_days=given.get("book_ahead_days"), cancel_before_hours=given.get("cancel_before_hours"),
        weekly_limit=given.get("weekly_limit"))
    return _fresh(v)


@router.post("/venues/{venue_id}/close", response={200: ClosedOut, **ERRORS},
             summary="停止开放(未开始的预约和候补全部取消并通知本人)")
def close_venue(request: ApiRequest, venue_id: int, payload: CloseIn):  # type: ignore[no-untyped-def]
    v = selectors.managed_venue(request.auth, venue_id)
    n = services.close_venue(actor=request.auth, venue=v, reason=payload.reason)
    return {"venue": _fresh(v), "cancelled": n}


@router.post("/venues/{venue_id}/reopen", response={200: VenueOut, **ERRORS}, summary="重新开放")
def reopen_venue(request: ApiRequest, venue_id: int):  # type: ignore[no-untyped-def]
    v = selectors.managed_venue(request.auth, venue_id)
    return _fresh(services.reopen_venue(actor=request.auth, venue=v))
