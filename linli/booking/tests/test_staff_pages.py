"""Pages of the booking engine for staff and residents: staff cancel with a reason the person
sees, the day sheet's buttons, the status on the resource page, the QR code and scanner input,
the calendar feeds, and isolation of reservation pages and staff API actions."""

import re

import pytest
from icalendar import Calendar

from linli.booking import services
from linli.booking.models import Feed, Reservation
from linli.booking.tests.conftest import DAY, NOW, at
from linli.messaging.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def now_is(monkeypatch):
    from django.utils import timezone

    def set_now(value):
        monkeypatch.setattr(timezone, "now", lambda: value)
    return set_now


def book(venue, who, hour=11, **kw):
    return services.book(actor=who, resource=venue.meal, starts_at=at(hour), now=NOW, **kw)


def test_staff_cancel_on_the_reservation_page_needs_a_reason_the_resident_then_sees(client, venue, now_is):
    now_is(NOW)
    a = venue.people[0]
    r = book(venue, a)
    client.force_login(venue.staff)
    url = f"/booking/reservations/{r.pk}/"
    page = client.get(url).content.decode()
    assert 'name="reason" required' in page  # staff must say why
    resp = client.post(url, {"reason": "  "})
    assert resp.status_code == 400 and "请填写取消原因" in resp.content.decode()  # shown in place
    r.refresh_from_db()
    assert r.status == "confirmed"
    resp = client.post(url, {"reason": "厨房设备检修"})
    assert resp.status_code == 302
    r.refresh_from_db()
    assert (r.status, r.cancelled_by, r.cancel_reason) == ("cancelled", venue.staff, "厨房设备检修")
    assert Message.objects.filter(user=a, text__contains="厨房设备检修").exists()
    client.force_login(a)
    page = client.get(url).content.decode()
    shown = re.search(r'data-testid="cancelled-by">(.*?)</div>', page, re.S).group(1)
    assert venue.staff.display_name in shown and "厨房设备检修" in shown


def test_a_resident_cancelling_their_own_booking_is_shown_as_such(client, venue, now_is):
    now_is(NOW)
    a = venue.people[0]
    r = book(venue, a)
    client.force_login(a)
    page = client.get(f"/booking/reservations/{r.pk}/").content.decode()
    assert 'name="reason" required' not in page
    client.post(f"/booking/reservations/{r.pk}/", {})
    page = client.get(f"/booking/reservations/{r.pk}/").content.decode()
    assert "本人取消" in page


def test_another_resident_cannot_open_or_cancel_a_reservation(client, venue, now_is):
    now_is(NOW)
    r = book(venue, venue.people[0])
    for other in (venue.people[1], venue.outsider, venue.other_staff):
        client.force_login(other)
        assert client.get(f"/booking/reservations/{r.pk}/").status_code == 404
        assert client.post(f"/booking/reservations/{r.pk}/", {"reason": "x"}).status_code == 404
    r.refresh_from_db()
    assert r.status == "confirmed"
    client.logout()
    assert client.get(f"/booking/reservations/{r.pk}/").status_code == 302  # to the login


def test_day_sheet_cancels_with_reason_and_offers_no_show_only_once_the_slot_started(client, venue, now_is):
    a, b = venue.people[:2]
    ra, rb = book(venue, a), book(venue, b)
    sheet = f"/booking/staff/{venue.meal.pk}/?date={DAY}"
    now_is(at(10, 30))  # before the 11:00 slot (the clock first: a session idle since NOW has expired)
    client.force_login(venue.staff)
    page = client.get(sheet).content.decode()
    assert 'data-testid="cancel"' in page and 'data-testid="no-show"' not in page
    client.post(sheet, {"action": "cancel", "reservation": ra.pk, "reason": ""})
    ra.refresh_from_db()
    assert ra.status == "confirmed"  # no reason, nothing done
    client.post(sheet, {"action": "cancel", "reservation": ra.pk, "reason": "临时停业"})
    ra.refresh_from_db()
    assert (ra.status, ra.cancel_reason) == ("cancelled", "临时停业")
    assert Message.objects.filter(user=a, text__contains="临时停业").exists()
    now_is(at(11, 5))
    client.force_login(venue.staff)
    page = client.get(sheet).content.decode()
    assert 'data-testid="no-show"' in page
    client.post(sheet, {"action": "no_show", "reservation": rb.pk})
    rb.refresh_from_db()
    assert rb.status == "no_show"
    # staff of another community see nothing and change nothing
    client.force_login(venue.other_staff)
    rc = book(venue, venue.people[2], hour=12)
    assert client.post(f"/booking/staff/{venue.meal.pk}/?date={DAY}",
                       {"action": "cancel", "reservation": rc.pk, "reason": "x"}).status_code == 404
    rc.refresh_from_db()
    assert rc.status == "confirmed"


def test_the_resource_page_shows_a_waiting_place_as_waiting(client, venue, now_is):
    now_is(NOW)
    a, b, c = venue.people[:3]
    book(venue, a)
    book(venue, b)
    book(venue, c, wait=True)
    client.force_login(c)
    page = client.get(f"/booking/r/{venue.meal.pk}/?date={DAY}").content.decode()
    row = re.search(r"<tr><td[^>]*>11:00.*?</tr>", page, re.S).group(0)
    assert "候补中" in row and "已预约" not in row
    client.force_login(a)
    row = re.search(r"<tr><td[^>]*>11:00.*?</tr>", client.get(f"/booking/r/{venue.meal.pk}/?date={DAY}").content.decode(),
                    re.S).group(0)
    assert "已预约" in row


def test_the_qr_code_is_a_full_size_standard_qr(client, venue, now_is):
    now_is(NOW)
    r = book(venue, venue.people[0])
    client.force_login(venue.people[0])
    page = client.get(f"/booking/reservations/{r.pk}/").content.decode()
    svg = re.search(r"<svg[^>]*>", page).group(0)
    width = int(re.search(r'width="(\d+)"', svg).group(1))
    assert width >= 180
    assert 'stroke="#000"' in page and 'fill="#fff"' in page  # black on white
    assert 'd="M0 0h29v29h-29z"' in svg_body(page)  # 21 modules and the quiet zone: a QR code, not a Micro QR


def svg_body(page):
    return page[page.index("<svg"):page.index("</svg>")]


def test_check_in_accepts_what_a_handheld_scanner_types(client, venue, now_is):
    a, b, c = venue.people[:3]
    ra, rb, rc = book(venue, a), book(venue, b), book(venue, c, hour=12)
    now_is(at(10, 50))
    client.force_login(venue.staff)
    sheet = f"/booking/staff/{venue.meal.pk}/?date={DAY}"
    page = client.get(sheet).content.decode()
    assert 'data-testid="scan"' in page and 'maxlength="300"' in page  # a long scanned payload is not cut off
    client.post(sheet, {"action": "check_in", "code": f"]Q1{ra.code.lower()}\r\n"})  # symbology prefix, lower case, Enter
    client.post(sheet, {"action": "check_in", "code": f"https://linli.example/booking/check-in/{rb.code}"})
    client.post(sheet, {"action": "check_in", "code": rc.code})  # typed; 12:00 is not yet open for check-in
    statuses = dict(Reservation.objects.values_list("pk", "status"))
    assert (statuses[ra.pk], statuses[rb.pk], statuses[rc.pk]) == ("attended", "attended", "confirmed")
    resp = client.post(sheet, {"action": "check_in", "code": ""})
    assert resp.status_code == 302  # refused with a message, no error page


def test_calendar_feeds_slots_uids_and_waiting_places(client, venue, now_is):
    from linli.booking.models import Closure

    now_is(NOW)
    a, b, c = venue.people[:3]
    ra, _rb = book(venue, a), book(venue, b)
    rc = book(venue, c, wait=True)
    Closure.objects.create(resource=venue.meal, starts_at=at(12), ends_at=at(13), reason="消防演练")
    # a's personal feed, fetched through two host names: the same UIDs, neither names the host
    feed_a = Feed.objects.create(user=a)
    one = client.get(f"/booking/feed/{feed_a.token}.ics", HTTP_HOST="testserver")
    two = client.get(f"/booking/feed/{feed_a.token}.ics", HTTP_HOST="127.0.0.1:8132")
    uids = lambda resp: [str(e["UID"]) for e in Calendar.from_ical(resp.content).walk("VEVENT")]  # noqa: E731
    assert uids(one) == uids(two) == [f"reservation-{ra.pk}@linli.booking"]
    assert b"testserver" not in one.content and b"8132" not in two.content
    # the waiting place is shown as such, without a check-in code
    feed_c = Feed.objects.create(user=c)
    events = Calendar.from_ical(client.get(f"/booking/feed/{feed_c.token}.ics").content).walk("VEVENT")
    assert len(events) == 1 and "候补" in str(events[0]["SUMMARY"]) and str(events[0]["STATUS"]) == "TENTATIVE"
    assert rc.code not in str(events[0].get("DESCRIPTION", ""))
    # the resource feed: every slot of the coming weeks with free seats, no names, its own UIDs
    resp = client.get(f"/booking/resource-feed/{venue.meal.feed_token}.ics")
    body = resp.content
    assert b"\r\n" in body and all(len(line) <= 75 for line in body.split(b"\r\n"))  # RFC 5545 folding
    cal = Calendar.from_ical(body)
    events = cal.walk("VEVENT")
    by_start = {e.decoded("DTSTART"): e for e in events if str(e["UID"]).startswith("slot-")}
    assert len(by_start) >= 20  # 11:00 on each of the coming weeks' days (12:00 closed on DAY)
    assert "约满" in str(by_start[at(11)]["SUMMARY"])
    assert at(12) not in by_start  # closed
    assert any("消防演练" in str(e["SUMMARY"]) for e in events)
    resource_uids = {str(e["UID"]) for e in events}
    assert not resource_uids & set(uids(one))
    assert a.display_name not in body.decode() and ra.code not in body.decode()
    assert all("@linli.booking" in u for u in resource_uids)


def test_api_decide_and_no_show_are_refused_to_staff_of_another_area(client, venue, now_is):
    now_is(NOW)
    venue.meal.approval_required = True
    venue.meal.save()
    r = book(venue, venue.people[0])
    assert r.status == "requested"
    client.force_login(venue.other_staff)
    url = f"/api/v1/booking/reservations/{r.pk}"
    assert client.post(f"{url}/decide", {"approve": True}, content_type="application/json").status_code == 404
    client.force_login(venue.people[1])
    assert client.post(f"{url}/decide", {"approve": True}, content_type="application/json").status_code == 404
    r.refresh_from_db()
    assert r.status == "requested"
    client.force_login(venue.staff)
    assert client.post(f"{url}/decide", {"approve": True}, content_type="application/json").json()["status"] == "confirmed"
    now_is(at(11, 10))
    client.force_login(venue.other_staff)
    assert client.post(f"{url}/no-show", content_type="application/json").status_code == 404
    client.force_login(venue.people[0])  # not even the person booked may mark it
    assert client.post(f"{url}/no-show", content_type="application/json").status_code == 403
    r.refresh_from_db()
    assert r.status == "confirmed"
    client.force_login(venue.staff)
    assert client.post(f"{url}/no-show", content_type="application/json").json()["status"] == "no_show"
