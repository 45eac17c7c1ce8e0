"""Opening a shared space: the venue and its bookable resource with the owner's schedule. A school
ground opens only outside teaching time — term weekday evenings, weekends and holidays."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from linli.accounts.roles import ADMIN_ROLES
from linli.accounts.selectors import in_scope
from linli.booking.models import OpeningRule, Resource, TermPeriod
from linli.core.errors import DomainError, PermissionDenied
from linli.core.services import record_audit

from .models import Venue

SCHOOL_TERM_EVENING = (dt.time(18, 0), dt.time(21, 0))
SCHOOL_FREE_DAY = (dt.time(8, 0), dt.time(20, 0))


@transaction.atomic
def open_venue(*, actor: Any, region: Any, name: str, kind: str, owner: str, address: str, capacity: int,
               slot_minutes: int = 60, approval_required: bool = False, rules_text: str = "", facilities: str = "",
               terms: list[tuple[str, dt.date, dt.date]] | None = None,
               hours: list[tuple[int, dt.time, dt.time]] | None = None, managers: list[Any] | None = None) -> Venue:
    """``hours`` (weekday, opens, closes) for rooms; a school ground gets the school pattern
    around its ``terms``."""
    if not in_scope(actor, ADMIN_ROLES, region.path):
        raise PermissionDenied("forbidden", _("您无权在该区域开放场地"))
    if kind not in Venue.Kind.values:
        raise DomainError("invalid", _("请选择场地类型"), field="kind")
    if not (name or "").strip() or not (owner or "").strip():
        raise DomainError("invalid", _("请填写名称和权属单位"), field="name")
    if not (1 <= capacity <= 1000):
        raise DomainError("invalid", _("名额不正确"), field="capacity")
    resource = Resource.objects.create(name=name.strip()[:100], kind=Resource.Kind.SPACE, region=region, region_path=region.path,
                                       capacity=capacity, slot_minutes=slot_minutes, approval_required=approval_required,
                                       audience=Resource.Audience.RESIDENTS, cancel_before_hours=4)
    if kind == Venue.Kind.SCHOOL_GROUND:
        if not terms:
            raise DomainError("invalid", _("学校场地请填写学期起止日期"), field="terms")
        rules = [OpeningRule(resource=resource, weekday=d, opens=SCHOOL_TERM_EVENING[0], closes=SCHOOL_TERM_EVENING[1],
                             season=OpeningRule.Season.TERM) for d in range(5)]
        rules += [OpeningRule(resource=resource, weekday=d, opens=SCHOOL_FREE_DAY[0], closes=SCHOOL_FREE_DAY[1],
                              season=OpeningRule.Season.HOLIDAY) for d in range(7)]
        TermPeriod.objects.bulk_create([TermPeriod(resource=resource, name=n, start=a, end=b) for n, a, b in terms])
    else:
        if not hours:
            raise DomainError("invalid", _("请填写开放时间"), field="hours")
        rules = [OpeningRule(resource=resource, weekday=d, opens=a, closes=b) for d, a, b in hours]
    OpeningRule.objects.bulk_create(rules)
    if managers:
        resource.managers.set(managers)
    venue = Venue.objects.create(name=resource.name, kind=kind, owner=owner.strip()[:100], address=address.strip()[:200],
                                 resource=resource, rules_text=rules_text.strip()[:2000], facilities=facilities.strip()[:200])
    record_audit(actor=actor, action="venue.open", target=venue, region_path=region.path, changes={"kind": kind})
    return venue
