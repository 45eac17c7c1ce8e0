"""A cancelled booking stays in the person's calendar feed, marked cancelled with a raised
SEQUENCE; what a room or a home service asks of whoever books it, and who sees it."""

import pytest
from icalendar import Calendar

from linli.booking import services
from linli.booking.models import Feed, Reservation, Resource
from linli.booking.services import Details
from linli.booking.tests.conftest import NOW, at
from linli.core.errors import DomainError

pytestmark = pytest.mark.django_db


def test_a_cancelled_booking_stays_in_the_feed_as_cancelled_with_a_raised_sequence(client, venue):
    a = venue.people[0]
    r = services.book(actor=a, resource=venue.meal, starts_at=at(11), now=NOW)
    feed, _c = Feed.objects.get_or_create(user=a)
    first = Calendar.from_ical(client.get(f"/booking/feed/{feed.token}.ics").content).walk("VEVENT")
    assert [str(e["STATUS"]) for e in first] == ["CONFIRMED"] and int(first[0]["SEQUENCE"]) == 0
    services.cancel(actor=a, reservation=r, now=NOW)
    events = Calendar.from_ical(client.get(f"/booking/feed/{feed.token}.ics").content).walk("VEVENT")
    assert len(events) == 1 and str(events[0]["UID"]) == str(first[0]["UID"])
    assert str(events[0]["STATUS"]) == "CANCELLED" and int(events[0]["SEQUENCE"]) > int(first[0]["SEQUENCE"])
    assert "已取消" in str(events[0]["SUMMARY"])
    # after 30 days the cancelled booking leaves the feed
    import datetime as dt

    from django.utils import timezone

    Reservation.objects.filter(pk=r.pk).update(updated_at=timezone.now() - dt.timedelta(days=31))
    assert not Calendar.from_ical(client.get(f"/booking/feed/{feed.token}.ics").content).walk("VEVENT")


def test_a_room_asks_purpose_headcount_and_contact_within_its_seats(venue):
    room = venue.meal
    room.asks, room.capacity, room.approval_required = Resource.Asks.GROUP, 30, True
    room.save()
    a = venue.people[0]
    with pytest.raises(DomainError) as e:
        services.book(actor=a, resource=room, starts_at=at(11), now=NOW)
    assert e.value.details["field"] == "purpose"
    with pytest.raises(DomainError) as e:
        services.book(actor=a, resource=room, starts_at=at(11), now=NOW,
                      details=Details(purpose="合唱团排练", headcount=31, contact="王老师 13800001234"))
    assert e.value.details["field"] == "headcount" and "30" in str(e.value.message)
    with pytest.raises(DomainError) as e:
        services.book(actor=a, resource=room, starts_at=at(11), now=NOW,
                      details=Details(purpose="合唱团排练", headcount=12, contact="王老师"))
    assert e.value.details["field"] == "contact"
    r = services.book(actor=a, resource=room, starts_at=at(11), now=NOW,
                      details=Details(purpose="合唱团排练", headcount=12, contact="王老师 13800001234", address="不问这个"))
    r = Reservation.objects.get(pk=r.pk)
    assert (r.purpose, r.headcount, r.contact, r.address) == ("合唱团排练", 12, "王老师 13800001234", "")


def test_a_home_service_asks_the_address_and_keeps_it_encrypted(venue):
    from django.db import connection

    home = venue.meal
    home.asks = Resource.Asks.ADDRESS
    home.save()
    a = venue.people[0]
    with pytest.raises(DomainError) as e:
        services.book(actor=a, resource=home, starts_at=at(11), now=NOW)
    assert e.value.details["field"] == "address"
    r = services.book(actor=a, resource=home, starts_at=at(11), now=NOW, details=Details(address="翠苑3栋502"))
    assert Reservation.objects.get(pk=r.pk).address == "翠苑3栋502"
    with connection.cursor() as cur:
        cur.execute("SELECT address FROM booking_reservation WHERE id = %s", [r.pk])
        stored = cur.fetchone()[0]
    assert "翠苑" not in stored  # personal data, encrypted at rest


def test_the_day_sheet_shows_the_details_to_those_who_should_see_them(client, venue, make_user):
    from linli.accounts.roles import Role

    home = venue.meal
    home.asks = Resource.Asks.ADDRESS
    home.save()
    r = services.book(actor=venue.people[0], resource=home, starts_at=at(11), now=NOW, details=Details(address="翠苑3栋502"))
    url = f"/booking/staff/{home.pk}/?date={at(11):%Y-%m-%d}"
    client.force_login(venue.staff)  # the provider's staff serve at home: they see where
    assert "翠苑3栋502" in client.get(url).content.decode()
    admin = make_user(Role.COMMUNITY_ADMIN, venue.tree.liede_sq)  # runs the area, not the visit
    client.force_login(admin)
    page = client.get(url).content.decode()
    assert f"row-{r.pk}" in page and "翠苑3栋502" not in page
    # a room: the approver sees purpose, headcount and contact
    home.asks = Resource.Asks.GROUP
    home.capacity = 20
    home.save()
    services.book(actor=venue.people[1], resource=home, starts_at=at(12), now=NOW,
                  details=Details(purpose="书法兴趣班", headcount=8, contact="李 13800002222"))
    page = client.get(url).content.decode()
    assert "书法兴趣班" in page and "8" in page and "13800002222" in page


def test_after_the_last_slot_the_page_marks_slots_ended_and_offers_the_next_open_day(client, venue, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: at(13, 30))  # after the day's last slot (12:00-13:00)
    page = client.get(f"/booking/r/{venue.meal.pk}/?date={at(11):%Y-%m-%d}").content.decode()
    assert page.count('data-testid="over"') == 2 and "已结束" in page
    nxt = at(11).date() + dt.timedelta(days=1)
    assert 'data-testid="next-day"' in page and f"?date={nxt:%Y-%m-%d}" in page
    # a day with bookable slots offers no other day
    assert 'data-testid="next-day"' not in client.get(f"/booking/r/{venue.meal.pk}/?date={nxt:%Y-%m-%d}").content.decode()


def test_booking_a_room_on_its_page_and_through_the_api_asks_the_details(client, venue, monkeypatch):
    from django.utils import timezone

    from linli.booking import selectors

    monkeypatch.setattr(timezone, "now", lambda: NOW)
    room = venue.meal
    room.asks, room.capacity = Resource.Asks.GROUP, 20
    room.save()
    selectors.forget_schedule(room.pk)
    a = venue.people[0]
    client.force_login(a)
    url = f"/booking/r/{room.pk}/?date={at(11):%Y-%m-%d}"
    page = client.get(url).content.decode()
    assert 'name="purpose"' in page and 'name="headcount"' in page and 'max="20"' in page and 'form="book-form"' in page
    resp = client.post(url, {"starts_at": at(11).isoformat(), "token": "t1", "purpose": "书法班", "headcount": "25",
                             "contact": "李 13800002222"}, follow=True)
    assert "人数须在1到20之间" in resp.content.decode() and not Reservation.objects.exists()
    resp = client.post(url, {"starts_at": at(11).isoformat(), "token": "t2", "purpose": "书法班", "headcount": "8",
                             "contact": "李 13800002222"})
    assert resp.status_code == 302 and Reservation.objects.get().purpose == "书法班"
    resp = client.post("/api/v1/booking/reservations", {"resource_id": room.pk, "starts_at": at(12).isoformat()},
                       content_type="application/json")
    assert resp.status_code == 400 and resp.json()["error"]["details"]["field"] == "purpose"
    resp = client.post("/api/v1/booking/reservations", {"resource_id": room.pk, "starts_at": at(12).isoformat(), "purpose": "排练",
                                                        "headcount": 5, "contact": "王 13800001234"}, content_type="application/json")
    assert resp.status_code == 201


def test_rooms_and_halls_ask_for_group_details(tree, make_user):
    import datetime as dt

    from linli.accounts.roles import Role
    from linli.spaces import services as spaces

    admin = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)
    room = spaces.open_venue(actor=admin, region=tree.liede_sq, name="活动室", kind="room", owner="居委会", address="猎德路1号",
                             capacity=30, hours=[(d, dt.time(9), dt.time(17)) for d in range(5)])
    assert room.resource.asks == Resource.Asks.GROUP
