"""Booking text (notes, cancellation and closure reasons, extra-opening notes, term names) is
stored without control characters or direction overrides, and the calendar feeds stay valid."""

import datetime as dt
import re

import pytest
from icalendar import Calendar

from linli.booking import schedule, services
from linli.booking.models import Closure, ExtraOpening, Reservation, TermPeriod
from linli.booking.tests.conftest import DAY, NOW, at

pytestmark = pytest.mark.django_db

CONTROLS = "\u0001\u001b\u007f\u0080\u009b"  # C0 (SOH, ESC), DEL, C1 (PAD, CSI)
RLO = "\u202e"
# what RFC 5545 forbids in a content line (all controls but tab; CRLF ends lines) and the overrides
NOT_ICAL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def dirty(text):
    return f" {CONTROLS}{text[:1]}{RLO}{CONTROLS}{text[1:]}\u2066\u200b\n"


def test_booking_texts_are_stored_clean_and_the_feeds_stay_valid(client, venue):
    a, b, c = venue.people[:3]
    ra = services.book(actor=a, resource=venue.meal, starts_at=at(11), note=dirty("需要轮椅位"), now=NOW)
    assert Reservation.objects.get(pk=ra.pk).note == "需要轮椅位"
    rb = services.book(actor=b, resource=venue.meal, starts_at=at(12), now=NOW)
    services.cancel(actor=venue.staff, reservation=rb, reason=dirty("厨房设备故障"), now=NOW)
    assert Reservation.objects.get(pk=rb.pk).cancel_reason == "厨房设备故障"
    services.book(actor=c, resource=venue.meal, starts_at=at(12), now=NOW)
    schedule.add_closure(actor=venue.staff, resource=venue.meal, starts_at=at(12), ends_at=at(13),
                         reason=dirty("燃气管道检修"), now=NOW)
    assert Closure.objects.get().reason == "燃气管道检修"
    assert Reservation.objects.get(user=c).cancel_reason == "燃气管道检修"
    sunday = DAY + dt.timedelta(days=4)
    schedule.add_extra_opening(actor=venue.staff, resource=venue.meal, date=sunday, opens=dt.time(14), closes=dt.time(16),
                               note=dirty("重阳节加餐"), now=NOW)
    assert ExtraOpening.objects.get().note == "重阳节加餐"
    schedule.add_term(actor=venue.staff, resource=venue.meal, name=dirty("秋季  学期"), start=DAY + dt.timedelta(days=30),
                      end=DAY + dt.timedelta(days=60))
    assert TermPeriod.objects.get().name == "秋季 学期"

    body = client.get(f"/booking/resource-feed/{venue.meal.feed_token}.ics").content.decode()
    assert "燃气管道检修" in body and not NOT_ICAL.search(body.replace("\r\n", ""))
    assert len(Calendar.from_ical(body).walk("VEVENT")) >= 2


def test_room_details_and_home_addresses_are_stored_clean():
    from linli.booking.models import Resource
    from linli.booking.services import Details, clean_details

    room = Resource(capacity=30, asks=Resource.Asks.GROUP)
    got = clean_details(room, Details(purpose="合唱\u0001团\u202e排练", headcount=12, contact="王老师\u001b 13800001234"))
    assert got.purpose == "合唱团排练" and got.contact == "王老师 13800001234"
    home = Resource(capacity=1, asks=Resource.Asks.ADDRESS)
    assert clean_details(home, Details(address="猎德花园\x7f3栋   2单元501")).address == "猎德花园3栋 2单元501"
