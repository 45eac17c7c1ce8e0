"""iCalendar (RFC 5545) feeds: a person's own bookings and a resource's schedule.

UIDs are global and stable without depending on the address the feed was fetched from (the
same booking fetched through two host names must stay one event): ``reservation-<id>@<domain>``
in the personal feed, ``slot-<resource>-<start>@<domain>`` and ``closure-<id>@<domain>`` in a
resource's, so the two feeds never share a UID."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

PRODID = "-//Linli//Booking//ZH"


def uid_domain() -> str:
    return str(getattr(settings, "LINLI_ICAL_DOMAIN", "") or "linli.booking")


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    return cal


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def personal(name: str, reservations: Iterable[Any]) -> bytes:
    """A person's bookings. A place on a waiting list or a request not yet approved is marked so
    in the title (候补 / 待审核), tentative and not blocking time; only a confirmed or attended
    booking carries the check-in code. A cancelled or rejected booking stays in the feed for a
    while (the caller decides how long) as ``STATUS:CANCELLED`` with a raised ``SEQUENCE``, so
    that calendar clients remove it rather than keep the event they already have."""
    cal = _calendar(name)
    stamp = _utc(timezone.now())
    domain = uid_domain()
    for r in reservations:
        ev = Event()
        ev.add("uid", f"reservation-{r.pk}@{domain}")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", _utc(r.slot.starts_at))
        ev.add("dtend", _utc(r.slot.ends_at))
        ev.add("sequence", int(getattr(r, "sequence", 0) or 0))
        if r.status in ("cancelled", "rejected"):
            ev.add("summary", _("【已取消】%(r)s") % {"r": r.resource.name})
            if r.cancel_reason:
                ev.add("description", r.cancel_reason)
            ev.add("status", "CANCELLED")
            ev.add("transp", "TRANSPARENT")
        elif r.status == "waiting":
            ev.add("summary", _("【候补】%(r)s") % {"r": r.resource.name})
            ev.add("description", _("候补中：有空位会自动为您预约并通知您，届时才算预约成功"))
            ev.add("status", "TENTATIVE")
            ev.add("transp", "TRANSPARENT")
        elif r.status == "requested":
            ev.add("summary", _("【待审核】%(r)s") % {"r": r.resource.name})
            ev.add("status", "TENTATIVE")
        else:
            ev.add("summary", r.resource.name)
            ev.add("description", _("签到码 %(c)s") % {"c": r.code})
            ev.add("status", "CONFIRMED")
        cal.add_component(ev)
    return cal.to_ical()


def resource_schedule(resource: Any, slots: Iterable[Any], closures: Iterable[Any] = ()) -> bytes:
    """A resource's slots with their free seats (never who booked), and its closures."""
    cal = _calendar(resource.name)
    stamp = _utc(timezone.now())
    domain = uid_domain()
    for s in slots:
        ev = Event()
        ev.add("uid", f"slot-{resource.pk}-{_utc(s.starts_at):%Y%m%dT%H%M%SZ}@{domain}")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", _utc(s.starts_at))
        ev.add("dtend", _utc(s.ends_at))
        if s.free:
            ev.add("summary", _("%(r)s：余 %(f)s/%(c)s") % {"r": resource.name, "f": s.free, "c": s.capacity})
        else:
            ev.add("summary", _("%(r)s：约满") % {"r": resource.name})
        ev.add("status", "CONFIRMED")
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
    for c in closures:
        ev = Event()
        ev.add("uid", f"closure-{c.pk}@{domain}")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", _utc(c.starts_at))
        ev.add("dtend", _utc(c.ends_at))
        ev.add("summary", _("%(r)s 临时关闭：%(why)s") % {"r": resource.name, "why": c.reason})
        ev.add("status", "CONFIRMED")
        cal.add_component(ev)
    return cal.to_ical()
