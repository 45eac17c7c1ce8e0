"""Public pages of the shared spaces: the list and each venue with its free slots for a week."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from linli.booking import schedule as booking_schedule
from linli.booking import selectors as booking_selectors

from .models import Venue


def venues(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    qs = Venue.objects.filter(public=True, resource__active=True).select_related("resource__region")
    if kind in Venue.Kind.values:
        qs = qs.filter(kind=kind)
    return render(request, "spaces/venues.html", {"rows": qs[:200], "kind": kind, "kinds": Venue.Kind.choices})


def day_state(slots: list[Any], now: dt.datetime) -> str:
    """How a day of the week view reads: ``open`` (a free slot one can book), ``full`` (every
    slot still bookable is taken: 约满), ``over`` (the day's slots have all begun), ``later``
    (beyond how far ahead one may book) or ``closed`` (no slot that day)."""
    if not slots:
        return "closed"
    bookable = [s for s in slots if s.bookable]
    if bookable:
        return "open" if any(s.free for s in bookable) else "full"
    return "over" if all(s.starts_at <= now for s in slots) else "later"


def venue(request: HttpRequest, pk: int) -> HttpResponse:
    v = Venue.objects.filter(pk=pk, public=True, resource__active=True).select_related("resource__region").first()
    if v is None:
        raise Http404
    today, now = timezone.localdate(), timezone.now()
    week = []
    for i in range(7):
        day = today + dt.timedelta(days=i)
        slots = booking_selectors.day_view(v.resource, day, viewer=request.user)
        week.append((day, [s for s in slots if s.free and s.bookable], day_state(slots, now)))
    closures = v.resource.closures.filter(ends_at__gte=timezone.now()).order_by("starts_at")[:10]
    return render(request, "spaces/venue.html", {"v": v, "week": week, "closures": closures,
                                                 "can_edit": booking_schedule.can_edit(request.user, v.resource)})
