"""Opening a shared space: the venue and its bookable resource with the owner's schedule. A school
ground opens only outside teaching time — term weekday evenings, weekends and holidays."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from linli.booking import resources as booking_resources
from linli.booking import schedule as booking_schedule
from linli.booking import selectors as booking_selectors
from linli.booking.states import RESOURCE_LIFECYCLE, ResourceAction
from linli.core.errors import Conflict, DomainError, PermissionDenied
from linli.core.services import diff, record_audit
from linli.core.text import clean_text
from linli.regions.selectors import Level

from .models import Venue

SCHOOL_TERM_EVENING = (dt.time(18, 0), dt.time(21, 0))
SCHOOL_FREE_DAY = (dt.time(8, 0), dt.time(20, 0))


@transaction.atomic
def open_venue(*, actor: Any, region: Any, name: str, kind: str, owner: str, address: str, capacity: int,
               slot_minutes: int = 60, approval_required: bool = False, rules_text: str = "", facilities: str = "",
               terms: list[tuple[str, dt.date, dt.date]] | None = None,
               hours: list[tuple[int, dt.time, dt.time]] | None = None, managers: list[Any] | None = None,
               audience: str = booking_selectors.Audience.RESIDENTS, served: list[Any] | None = None) -> Venue:
    """``hours`` (weekday, opens, closes) for rooms; a school ground gets the school pattern
    around its ``terms``. Open to the residents of ``served`` (communities of the venue's street;
    its own community when none are given) or to everyone."""
    if not actor.has_perm("spaces.open_venue", region):
        raise PermissionDenied("forbidden", _("您无权在该区域开放场地"))
    if kind not in Venue.Kind.values:
        raise DomainError("invalid", _("请选择场地类型"), field="kind")
    name, owner = clean_text(name, collapse=True, limit=100), clean_text(owner, collapse=True, limit=100)
    if not name or not owner:
        raise DomainError("invalid", _("请填写名称和权属单位"), field="name")
    if not (1 <= capacity <= 1000):
        raise DomainError("invalid", _("名额不正确"), field="capacity")
    if not (15 <= slot_minutes <= 480):
        raise DomainError("invalid", _("每段时长须在15到480分钟之间"), field="slot_minutes")
    _check_audience(audience)
    if kind == Venue.Kind.SCHOOL_GROUND and not terms:
        raise DomainError("invalid", _("学校场地请填写学期起止日期"), field="terms")
    if kind != Venue.Kind.SCHOOL_GROUND and not hours:
        raise DomainError("invalid", _("请填写开放时间"), field="hours")
    communities = _served(region.path, served if served is not None else ([region] if region.level == Level.COMMUNITY else []))
    resource = booking_resources.create_resource(
        actor=actor, name=name, kind=booking_selectors.ResourceKind.SPACE, region=region, served=communities, managers=managers or [],
        capacity=capacity, slot_minutes=slot_minutes, approval_required=approval_required, audience=audience,
        cancel_before_hours=4,
        # a room or hall is booked by a group: its purpose, size and a contact for the approver
        asks=booking_selectors.Asks.NOTHING if kind == Venue.Kind.SCHOOL_GROUND else booking_selectors.Asks.GROUP)
    # hours and terms through the schedule services, with their checks (window, overlaps, term dates)
    if kind == Venue.Kind.SCHOOL_GROUND:
        weekly = [(d, *SCHOOL_TERM_EVENING, booking_selectors.Season.TERM.value) for d in range(5)]
        weekly += [(d, *SCHOOL_FREE_DAY, booking_selectors.Season.HOLIDAY.value) for d in range(7)]
    else:
        weekly = [(d, a, b, booking_selectors.Season.ALL.value) for d, a, b in hours or []]
    booking_schedule.set_weekly_hours(actor=actor, resource=resource, hours=weekly)
    if kind == Venue.Kind.SCHOOL_GROUND:
        for term_name, start, end in terms or []:
            booking_schedule.add_term(actor=actor, resource=resource, name=term_name, start=start, end=end)
    venue = Venue.objects.create(name=resource.name, kind=kind, owner=owner, address=clean_text(address, limit=200), resource=resource,
                                 rules_text=clean_text(rules_text, multiline=True, limit=2000),
                                 facilities=clean_text(facilities, limit=200))
    record_audit(actor=actor, action="venue.open", target=venue, region_path=region.path, changes={"kind": kind})
    return venue


def _check_audience(audience: str) -> None:
    if audience not in (booking_selectors.Audience.RESIDENTS, booking_selectors.Audience.EVERYONE):
        raise DomainError("invalid", _("请选择开放对象：服务社区的居民或所有人"), field="audience")


def _served(venue_path: str, communities: list[Any]) -> list[Any]:
    """Communities a venue may be opened to: those of its own street."""
    street = venue_path[:9]
    if any(c.level != Level.COMMUNITY or not c.path.startswith(street) for c in communities):
        raise DomainError("invalid", _("只能选择场地所在街道的社区"), field="served")
    return list(communities)


def _locked(actor: Any, venue: Venue) -> Venue:
    v = Venue.objects.select_for_update(of=("self",)).select_related("resource").get(pk=venue.pk)
    if not (getattr(actor, "is_authenticated", False) and actor.has_perm("spaces.edit_venue", v)):
        raise PermissionDenied("forbidden", _("您无权修改该场地"))
    return v


def _state(v: Venue) -> dict[str, Any]:
    r = v.resource
    return {"name": v.name, "owner": v.owner, "address": v.address, "rules_text": v.rules_text, "facilities": v.facilities,
            "public": v.public, "capacity": r.capacity, "approval_required": r.approval_required, "audience": r.audience,
            "served": sorted(n.code for n in r.served.all()), "book_ahead_days": r.book_ahead_days,
            "cancel_before_hours": r.cancel_before_hours, "weekly_limit": r.weekly_limit}


@transaction.atomic
def update_venue(*, actor: Any, venue: Venue, name: str, owner: str, address: str, rules_text: str = "", facilities: str = "",
                 capacity: int, approval_required: bool = False, public: bool = True,
                 audience: str = booking_selectors.Audience.RESIDENTS, served: list[Any] | None = None,
                 book_ahead_days: int | None = None, cancel_before_hours: int | None = None,
                 weekly_limit: int | None = None) -> Venue:
    """What residents read and the rules they book under. Hours, terms and closures are the
    schedule page's (booking.schedule). Lowering the seats takes none from anyone; turning on
    approval applies to new requests; unlisting hides the venue from the public list (bookings
    made stay)."""
    v = _locked(actor, venue)
    name, owner = clean_text(name, collapse=True), clean_text(owner, collapse=True)
    if not name or not owner:
        raise DomainError("invalid", _("请填写名称和权属单位"), field="name" if not name else "owner")
    if not (1 <= int(capacity or 0) <= 1000):
        raise DomainError("invalid", _("名额须在1到1000之间"), field="capacity")
    _check_audience(audience)
    r = v.resource
    ahead = r.book_ahead_days if book_ahead_days is None else book_ahead_days
    cancel_h = r.cancel_before_hours if cancel_before_hours is None else cancel_before_hours
    limit = r.weekly_limit if weekly_limit is None else weekly_limit
    if not (1 <= ahead <= 90):
        raise DomainError("invalid", _("可提前预约天数须在1到90之间"), field="book_ahead_days")
    if not (0 <= cancel_h <= 168):
        raise DomainError("invalid", _("最晚取消时间须在0到168小时之间"), field="cancel_before_hours")
    if not (0 <= limit <= 50):
        raise DomainError("invalid", _("每人每周限约须在0到50之间"), field="weekly_limit")
    communities = _served(r.region_path, served if served is not None else list(r.served.all()))
    if audience == booking_selectors.Audience.RESIDENTS and not communities and r.region.level != Level.COMMUNITY:
        raise DomainError("invalid", _("请选择向哪些社区的居民开放"), field="served")
    before = _state(v)
    v.name, v.owner, v.address = name[:100], owner[:100], clean_text(address, limit=200)
    v.rules_text, v.facilities = clean_text(rules_text, multiline=True, limit=2000), clean_text(facilities, limit=200)
    v.public = bool(public)
    v.save()
    booking_resources.update_resource(actor=actor, resource=r, served=communities, name=v.name, capacity=int(capacity),
                                      approval_required=bool(approval_required), audience=audience, book_ahead_days=ahead,
                                      cancel_before_hours=cancel_h, weekly_limit=limit)
    changes = diff(before, _state(v))
    if changes:
        record_audit(actor=actor, action="venue.update", target=v, region_path=r.region_path, changes=changes)
    return v


@transaction.atomic
def close_venue(*, actor: Any, venue: Venue, reason: str) -> int:
    """Stop opening a venue (rebuilt, handed back, no longer lent): no new bookings, and every
    future booking and waiting place is cancelled with the reason told to each person. Returns
    how many were cancelled."""
    v = _locked(actor, venue)
    reason = clean_text(reason, limit=200)
    if not reason:
        raise DomainError("invalid", _("请填写停止开放的原因"), field="reason")
    r = v.resource
    if not RESOURCE_LIFECYCLE.can(v.state, ResourceAction.CLOSE):  # the step itself: booking.resources
        raise Conflict("already_closed", _("该场地已停止开放"))
    cancelled = booking_resources.close_resource(actor=actor, resource=r, reason=reason)
    record_audit(actor=actor, action="venue.close", target=v, region_path=r.region_path,
                 changes={"reason": reason, "cancelled": cancelled})
    return cancelled


@transaction.atomic
def reopen_venue(*, actor: Any, venue: Venue) -> Venue:
    v = _locked(actor, venue)
    r = v.resource
    if not RESOURCE_LIFECYCLE.can(v.state, ResourceAction.REOPEN):
        raise Conflict("already_open", _("该场地正在开放"))
    booking_resources.reopen_resource(actor=actor, resource=r)
    record_audit(actor=actor, action="venue.reopen", target=v, region_path=r.region_path)
    return v
