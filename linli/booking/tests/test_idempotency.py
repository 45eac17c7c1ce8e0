"""Booking keys are each person's own, page and API apart; a key reused for another slot is
refused; a retry gets the first booking. Per-person limits on bookings (pages and API)."""

import datetime as dt

import pytest

from linli.booking.models import OpeningRule, Reservation, Resource
from linli.booking.tests.conftest import DAY, NOW, at

pytestmark = pytest.mark.django_db

API = "/api/v1/booking/reservations"


@pytest.fixture(autouse=True)
def _now(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def hall(venue):
    """Open 08:00–20:00 in half-hour slots, plenty of seats: many bookings for one person."""
    res = Resource.objects.create(name="社区活动室", region=venue.tree.liede_sq, region_path=venue.tree.liede_sq.path,
                                  slot_minutes=30, capacity=20, book_ahead_days=7, cancel_before_hours=2)
    for wd in range(7):
        OpeningRule.objects.create(resource=res, weekday=wd, opens=dt.time(8), closes=dt.time(20))
    return res


def api_book(client, res, start, key=None):
    return client.post(API, {"resource_id": res.pk, "starts_at": start.isoformat()}, content_type="application/json",
                       **({"HTTP_IDEMPOTENCY_KEY": key} if key else {}))


def page_book(client, res, start, token):
    return client.post(f"/booking/r/{res.pk}/?date={DAY}", {"starts_at": start.isoformat(), "token": token})


def test_two_people_with_the_same_key_each_get_their_own_booking(client, venue, hall):
    a, b = venue.people[:2]
    for who in (a, b):
        client.force_login(who)
        assert api_book(client, hall, at(9), "collide1").status_code == 201
        page_book(client, hall, at(10), "collide1")
    assert Reservation.objects.filter(user=a).count() == 2 and Reservation.objects.filter(user=b).count() == 2


def test_same_key_other_slot_is_409_same_request_is_the_first_booking(client, venue, hall):
    client.force_login(venue.people[0])
    first = api_book(client, hall, at(9), "k-1").json()
    again = api_book(client, hall, at(9), "k-1")
    assert again.status_code == 201 and again.json()["id"] == first["id"]
    other = api_book(client, hall, at(15), "k-1")
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_key_reused"
    assert other.json()["error"]["message"] == "该请求编号已用于另一次预约，请换一个编号"
    assert Reservation.objects.count() == 1


def test_a_resident_books_a_few_a_minute_then_429(client, venue, hall, real_write_limits):
    client.force_login(venue.people[0])
    for i in range(10):
        assert api_book(client, hall, at(8) + dt.timedelta(minutes=30 * i), f"b{i}").status_code == 201
    resp = api_book(client, hall, at(18), "b-late")
    assert resp.status_code == 429 and resp.json()["error"]["code"] == "rate_limited" and int(resp["Retry-After"]) >= 1
    assert "操作过于频繁" in resp.json()["error"]["message"]
    assert api_book(client, hall, at(8), "b0").status_code == 201  # a retry is still answered
    resp = page_book(client, hall, at(19), "p-1")
    assert resp.status_code == 302
    assert "操作过于频繁" in client.get(resp["Location"]).content.decode()
    assert Reservation.objects.count() == 10


def test_the_booking_page_limit_holds_on_its_own(client, venue, hall, real_write_limits):
    client.force_login(venue.people[1])
    for i in range(10):
        page_book(client, hall, at(8) + dt.timedelta(minutes=30 * i), f"p{i}")
    assert Reservation.objects.count() == 10
    resp = page_book(client, hall, at(18), "p-late")
    assert "操作过于频繁" in client.get(resp["Location"]).content.decode()
    assert Reservation.objects.count() == 10
