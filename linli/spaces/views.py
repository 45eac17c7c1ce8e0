"""Public pages of the shared spaces: the list and each venue with its free slots for a week."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from linli.booking import selectors as booking_selectors

from .models import Venue


def venues(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    qs = Venue.objects.filter(public=True, resource__active=True).select_related("resource__region")
    if kind in Venue.Kind.values:
        qs = qs.filter(kind=kind)
    return render(request, "spaces/venues.html", {"rows": qs[:200], "kind": kind, "kinds": Venue.Kind.choices})


def venue(request: HttpRequest, pk: int) -> HttpResponse:
    v = Venue.objects.filter(pk=pk, public=True, resource__active=True).select_related("resource__region").first()
    if v is None:
        raise Http404
    today = timezone.localdate()
    week = [(today + dt.timedelta(days=i), booking_selectors.day_view(v.resource, today + dt.timedelta(days=i), viewer=request.user))
            for i in range(7)]
    closures = v.resource.closures.filter(ends_at__gte=timezone.now()).order_by("starts_at")[:10]
    return render(request, "spaces/venue.html", {"v": v, "week": week, "closures": closures})
