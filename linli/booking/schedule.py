"""Services for a resource's schedule: weekly opening hours, closures, extra openings and school
terms, set by the people who run the resource (``booking.edit_schedule``: its named managers, and
the admins of its area for the kinds registered so, ``hooks.register_schedule_by_area_admins``).

Each function runs in one transaction on the resource row (``select_for_update``), checks the
permission, writes an audit event and drops the cached schedule (``forget_schedule``; the
post_save signals do it too). A closure cancels the live bookings it covers through
``services.cancel`` with the closure's reason, so every person is told why and no one on a
waiting list is moved into a closed slot. Changing weekly hours or terms takes no booking away:
the bookings that fall outside the new schedule are returned for staff to see and handle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.errors import DomainError, PermissionDenied
from linli.core.services import record_audit
from linli.core.text import clean_text

from . import availability, selectors, services
from .models import Closure, ExtraOpening, OpeningRule, Reservation, Resource, TermPeriod

MAX_RULES = 60
MAX_SPAN = dt.timedelta(days=366)
SEASONS = tuple(OpeningRule.Season.values)


def can_edit(actor: Any, resource: Resource) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and actor.has_perm("booking.edit_schedule", resource))


def _locked(actor: Any, resource: Resource) -> Resource:
    res = Resource.objects.select_for_update().get(pk=resource.pk)
    if not can_edit(actor, res):
        raise PermissionDenied("forbidden", _("您无权修改该项目的开放时间"))
    return res


def _changed(res: Resource) -> None:
    selectors.forget_schedule(res.pk)


def _overlap(a: tuple[dt.time, dt.time], b: tuple[dt.time, dt.time]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _seasons_meet(a: str, b: str) -> bool:
    """Two rules can apply on the same day unless one is for term days and the other for holidays."""
    return a == b or "all" in (a, b)


def _check_window(res: Resource, opens: dt.time, closes: dt.time, field_name: str) -> None:
    if closes <= opens:
        raise DomainError("invalid", _("结束时间须晚于开始时间"), field=field_name)
    minutes = (closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute)
    if minutes < res.slot_minutes:
        raise DomainError("invalid", _("开放时长短于每段时长(%(m)s分钟)，排不出时段") % {"m": res.slot_minutes}, field=field_name)


@dataclass
class Outcome:
    """What a schedule change did: bookings cancelled, and live bookings now outside the schedule."""

    cancelled: int = 0
    outside: list[Reservation] = field(default_factory=list)


def bookings_outside_schedule(res: Resource, *, now: dt.datetime | None = None, limit: int = 200) -> list[Reservation]:
    """Live future bookings whose slot the schedule no longer offers (hours or terms changed)."""
    now = now or timezone.now()
    starts = sorted(set(Reservation.objects.filter(resource=res, status__in=services.LIVE, starts_at__gt=now)
                        .values_list("starts_at", flat=True)[:5000]))
    offered: dict[dt.date, set[dt.datetime]] = {}
    gone = []
    for start in starts:
        day = timezone.localtime(start).date()
        if day not in offered:
            offered[day] = {p.start for p in selectors.slot_periods(res, day)}
        if start not in offered[day]:
            gone.append(start)
    if not gone:
        return []
    return list(Reservation.objects.filter(resource=res, status__in=services.LIVE, starts_at__in=gone)
                .select_related("user").order_by("starts_at", "id")[:limit])


# ---------------------------------------------------------------- weekly hours

@transaction.atomic
def set_weekly_hours(*, actor: Any, resource: Resource, hours: Iterable[tuple[int, dt.time, dt.time, str]],
                     now: dt.datetime | None = None) -> Outcome:
    """Replace the weekly opening hours: (weekday 0=Monday, opens, closes, season all/term/holiday)."""
    res = _locked(actor, resource)
    rows: list[OpeningRule] = []
    for weekday, opens, closes, season in hours:
        if weekday not in range(7):
            raise DomainError("invalid", _("星期不正确"), field="hours")
        if season not in SEASONS:
            raise DomainError("invalid", _("适用时期不正确"), field="hours")
        _check_window(res, opens, closes, "hours")
        for other in rows:
            if other.weekday == weekday and _seasons_meet(other.season, season) and _overlap(
                    (other.opens, other.closes), (opens, closes)):
                raise DomainError("overlap", _("%(d)s 的开放时间 %(a)s 与 %(b)s 重叠") % {
                    "d": OpeningRule.WEEKDAYS[weekday][1], "a": f"{opens:%H:%M}-{closes:%H:%M}",
                    "b": f"{other.opens:%H:%M}-{other.closes:%H:%M}"}, field="hours")
        rows.append(OpeningRule(resource=res, weekday=weekday, opens=opens, closes=closes, season=season))
    if len(rows) > MAX_RULES:
        raise DomainError("invalid", _("开放时间最多 %(n)s 条") % {"n": MAX_RULES}, field="hours")
    existing = list(OpeningRule.objects.filter(resource=res))
    def key(rule: OpeningRule) -> tuple[int, dt.time, dt.time, str]:
        return (rule.weekday, rule.opens, rule.closes, rule.season)

    if sorted(map(key, existing)) == sorted(map(key, rows)):  # saved unchanged: nothing to record
        return Outcome(outside=bookings_outside_schedule(res, now=now))
    before = [str(r) for r in existing]
    OpeningRule.objects.filter(resource=res).delete()
    OpeningRule.objects.bulk_create(rows)
    _changed(res)
    after = [str(r) for r in OpeningRule.objects.filter(resource=res)]
    record_audit(actor=actor, action="booking.hours", target=res, region_path=res.region_path,
                 changes={"hours": [before, after]})
    return Outcome(outside=bookings_outside_schedule(res, now=now))


# ---------------------------------------------------------------- closures

@transaction.atomic
def add_closure(*, actor: Any, resource: Resource, starts_at: dt.datetime, ends_at: dt.datetime, reason: str,
                now: dt.datetime | None = None) -> tuple[Closure, Outcome]:
    """Close the resource for a period. Every live booking whose slot overlaps it (and has not
    yet ended) is cancelled with the reason, and each person is told."""
    res = _locked(actor, resource)
    now = now or timezone.now()
    reason = clean_text(reason)
    if not reason:
        raise DomainError("invalid", _("请填写关闭原因"), field="reason")
    if len(reason) > 200:
        raise DomainError("invalid", _("关闭原因过长(最多200字)"), field="reason")
    if ends_at <= starts_at:
        raise DomainError("invalid", _("结束时间须晚于开始时间"), field="ends_at")
    if ends_at <= now:
        raise DomainError("invalid", _("关闭时段已经过去"), field="ends_at")
    if ends_at - starts_at > MAX_SPAN:
        raise DomainError("invalid", _("一次关闭最长一年"), field="ends_at")
    closure = Closure.objects.create(resource=res, starts_at=starts_at, ends_at=ends_at, reason=reason)
    _changed(res)
    hit = list(Reservation.objects.filter(resource=res, status__in=services.LIVE, slot__starts_at__lt=ends_at,
                                          slot__ends_at__gt=max(starts_at, now))
               .order_by("starts_at", "id"))
    # the waiting list first, so no one is moved into a slot that is about to close
    hit.sort(key=lambda r: (r.status != Reservation.Status.WAITING, r.starts_at, r.pk))
    for r in hit:
        services.cancel(actor=actor, reservation=r, reason=reason, now=now)
    record_audit(actor=actor, action="booking.closure_add", target=res, region_path=res.region_path,
                 changes={"starts_at": starts_at, "ends_at": ends_at, "reason": reason, "cancelled": len(hit)})
    return closure, Outcome(cancelled=len(hit))


@transaction.atomic
def remove_closure(*, actor: Any, closure: Closure) -> None:
    """Reopen: the slots are offered again (bookings cancelled by the closure stay cancelled)."""
    res = _locked(actor, closure.resource)
    found = Closure.objects.filter(pk=closure.pk, resource=res).first()
    if found is None:
        raise DomainError("not_found", _("该关闭记录不存在"))
    record_audit(actor=actor, action="booking.closure_remove", target=res, region_path=res.region_path,
                 changes={"starts_at": found.starts_at, "ends_at": found.ends_at, "reason": found.reason})
    found.delete()
    _changed(res)


# ---------------------------------------------------------------- extra openings

@transaction.atomic
def add_extra_opening(*, actor: Any, resource: Resource, date: dt.date, opens: dt.time, closes: dt.time, note: str = "",
                      now: dt.datetime | None = None) -> ExtraOpening:
    """Open on a date beyond the weekly hours (e.g. a holiday event); may not overlap the hours
    already open that day, whose slots would otherwise be booked twice."""
    res = _locked(actor, resource)
    now = now or timezone.now()
    if date < timezone.localtime(now).date():
        raise DomainError("invalid", _("不能为过去的日期加开"), field="date")
    _check_window(res, opens, closes, "opens")
    note = clean_text(note)
    if len(note) > 200:
        raise DomainError("invalid", _("说明过长(最多200字)"), field="note")
    tz = timezone.get_current_timezone()
    window = availability.Period(dt.datetime.combine(date, opens, tzinfo=tz), dt.datetime.combine(date, closes, tzinfo=tz))
    for p in selectors.slot_periods(res, date):
        if p.start < window.end and window.start < p.end:
            raise DomainError("overlap", _("与当天已开放的时段 %(t)s 重叠") % {
                "t": f"{timezone.localtime(p.start):%H:%M}-{timezone.localtime(p.end):%H:%M}"}, field="opens")
    extra = ExtraOpening.objects.create(resource=res, date=date, opens=opens, closes=closes, note=note)
    _changed(res)
    record_audit(actor=actor, action="booking.extra_add", target=res, region_path=res.region_path,
                 changes={"date": date, "opens": f"{opens:%H:%M}", "closes": f"{closes:%H:%M}", "note": note})
    return extra


@transaction.atomic
def remove_extra_opening(*, actor: Any, opening: ExtraOpening, now: dt.datetime | None = None) -> None:
    """Withdraw an extra opening nobody has booked yet (once booked, close it with a reason instead,
    which tells the people)."""
    res = _locked(actor, opening.resource)
    found = ExtraOpening.objects.filter(pk=opening.pk, resource=res).first()
    if found is None:
        raise DomainError("not_found", _("该加开记录不存在"))
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(found.date, found.opens, tzinfo=tz)
    hi = dt.datetime.combine(found.date, found.closes, tzinfo=tz)
    booked = Reservation.objects.filter(resource=res, status__in=services.LIVE, starts_at__gte=lo, starts_at__lt=hi).count()
    if booked:
        raise DomainError("has_bookings", _("该加开时段已有 %(n)s 个预约：请改为添加临时关闭并说明原因，系统会通知预约人") % {
            "n": booked})
    record_audit(actor=actor, action="booking.extra_remove", target=res, region_path=res.region_path,
                 changes={"date": found.date, "opens": f"{found.opens:%H:%M}", "closes": f"{found.closes:%H:%M}"})
    found.delete()
    _changed(res)


# ---------------------------------------------------------------- terms

@transaction.atomic
def add_term(*, actor: Any, resource: Resource, name: str, start: dt.date, end: dt.date,
             now: dt.datetime | None = None) -> tuple[TermPeriod, Outcome]:
    """A school term: its working days follow the term hours, every other day the holiday hours."""
    res = _locked(actor, resource)
    name = clean_text(name, collapse=True)
    if not name:
        raise DomainError("invalid", _("请填写学期名称"), field="name")
    if len(name) > 40:
        raise DomainError("invalid", _("学期名称过长(最多40字)"), field="name")
    if end < start:
        raise DomainError("invalid", _("结束日期须不早于开始日期"), field="end")
    if end - start > MAX_SPAN:
        raise DomainError("invalid", _("一个学期最长一年"), field="end")
    clash = TermPeriod.objects.filter(resource=res, start__lte=end, end__gte=start).first()
    if clash is not None:
        raise DomainError("overlap", _("与学期“%(n)s”(%(a)s~%(b)s)重叠") % {"n": clash.name, "a": clash.start, "b": clash.end},
                          field="start")
    term = TermPeriod.objects.create(resource=res, name=name, start=start, end=end)
    _changed(res)
    record_audit(actor=actor, action="booking.term_add", target=res, region_path=res.region_path,
                 changes={"name": name, "start": start, "end": end})
    return term, Outcome(outside=bookings_outside_schedule(res, now=now))


@transaction.atomic
def remove_term(*, actor: Any, term: TermPeriod, now: dt.datetime | None = None) -> Outcome:
    res = _locked(actor, term.resource)
    found = TermPeriod.objects.filter(pk=term.pk, resource=res).first()
    if found is None:
        raise DomainError("not_found", _("该学期不存在"))
    record_audit(actor=actor, action="booking.term_remove", target=res, region_path=res.region_path,
                 changes={"name": found.name, "start": found.start, "end": found.end})
    found.delete()
    _changed(res)
    return Outcome(outside=bookings_outside_schedule(res, now=now))
