"""iCalendar (RFC 5545) feeds: a person's own bookings and a resource's schedule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from icalendar import Calendar, Event

PRODID = "-//Linli//Booking//ZH"


def calendar(name: str, reservations: Iterable[object], *, host: str, private: bool) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    stamp = timezone.now().astimezone(dt.UTC)
    for r in reservations:
        ev = Event()
        ev.add("uid", f"reservation-{r.pk}@{host}")  # type: ignore[attr-defined]
        ev.add("dtstamp", stamp)
        ev.add("dtstart", r.slot.starts_at.astimezone(dt.UTC))  # type: ignore[attr-defined]
        ev.add("dtend", r.slot.ends_at.astimezone(dt.UTC))  # type: ignore[attr-defined]
        if private:
            ev.add("summary", r.resource.name)  # type: ignore[attr-defined]
            ev.add("description", f"签到码 {r.code}")  # type: ignore[attr-defined]
        else:  # a resource's schedule shows bookings, never who booked
            ev.add("summary", f"{r.resource.name}：已预约")  # type: ignore[attr-defined]
        ev.add("status", "TENTATIVE" if r.status in ("requested", "waiting") else "CONFIRMED")  # type: ignore[attr-defined]
        cal.add_component(ev)
    return cal.to_ical()
