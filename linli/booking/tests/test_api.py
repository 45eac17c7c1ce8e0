import pytest
from icalendar import Calendar

from linli.booking.models import Feed, Reservation
from linli.booking.tests.conftest import DAY, NOW, at

pytestmark = pytest.mark.django_db


def test_api_book_wait_cancel_and_isolation(client, venue, monkeypatch):

    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: NOW)
    a, b, c = venue.people[:3]
    url = "/api/v1/booking/reservations"
    body = {"resource_id": venue.meal.pk, "starts_at": at(11).isoformat()}
    for who in (a, b):
        client.force_login(who)
        r = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=f"k-{who.pk}")
        assert r.status_code == 201 and r.json()["status"] == "confirmed"
    again = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=f"k-{b.pk}")
    assert again.status_code == 201 and Reservation.objects.count() == 2  # the retry answered, not booked twice
    client.force_login(c)
    r = client.post(url, body, content_type="application/json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "full"
    r = client.post(url, {**body, "wait": True}, content_type="application/json")
    assert r.json()["status"] == "waiting"
    slots = client.get(f"/api/v1/booking/resources/{venue.meal.pk}/slots?date={DAY}").json()
    assert (slots[0]["free"], slots[0]["waiting"], slots[0]["mine"]) == (0, 1, "waiting")
    bad = client.post(url, {**body, "starts_at": "yesterday"}, content_type="application/json")
    assert bad.status_code in (400, 422) and "error" in bad.json()
    client.force_login(a)
    mine = client.get(url).json()["items"]
    client.post(f"{url}/{mine[0]['id']}/cancel", {"reason": ""}, content_type="application/json")
    assert Reservation.objects.get(user=c).status == "confirmed"
    # staff of another community see and do nothing here
    client.force_login(venue.other_staff)
    assert client.get(f"/api/v1/booking/resources/{venue.meal.pk}/reservations?date={DAY}").status_code == 404
    theirs = Reservation.objects.get(user=c)
    assert client.post(f"{url}/{theirs.pk}/cancel", {"reason": "x"}, content_type="application/json").status_code == 404
    assert client.post("/api/v1/booking/check-in", {"code": theirs.code}, content_type="application/json").status_code == 400
    client.force_login(b)  # another resident cannot cancel someone else's booking
    assert client.post(f"{url}/{theirs.pk}/cancel", {"reason": "x"}, content_type="application/json").status_code == 404
    client.force_login(venue.staff)
    names = [r["user_name"] for r in client.get(f"/api/v1/booking/resources/{venue.meal.pk}/reservations?date={DAY}").json()]
    assert len(names) == 3


def test_calendar_feeds_are_valid_icalendar(client, venue):
    from linli.booking import services

    a = venue.people[0]
    r = services.book(actor=a, resource=venue.meal, starts_at=at(11), now=NOW)
    client.force_login(a)
    page = client.get("/booking/").content.decode()
    feed = Feed.objects.get(user=a)
    assert f"/booking/feed/{feed.token}.ics" in page
    client.logout()  # calendar apps fetch without a login
    resp = client.get(f"/booking/feed/{feed.token}.ics")
    assert resp["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(resp.content)
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    events = cal.walk("VEVENT")
    assert len(events) == 1 and str(events[0]["UID"]).startswith(f"reservation-{r.pk}@")
    assert events[0].decoded("DTSTART") == at(11) and r.code in str(events[0]["DESCRIPTION"])
    assert b"\r\n" in resp.content and f"DTSTART:{DAY:%Y%m%d}T030000Z".encode() in resp.content  # 11:00 in Shanghai, in UTC
    public = Calendar.from_ical(client.get(f"/booking/resource-feed/{venue.meal.feed_token}.ics").content)
    assert "DESCRIPTION" not in public.walk("VEVENT")[0] and a.display_name not in str(public.to_ical(), "utf-8")
    assert client.get("/booking/feed/wrong.ics").status_code == 404


def test_hot_paths_stay_at_their_statement_count(client, venue, monkeypatch, django_assert_max_num_queries):
    """A resident's day view and booking, as an app calls them with a bearer token, once the
    token, resource and schedule are known to the process: the slot read is one statement, a
    booking one on PostgreSQL (seat and reservation together) and a few on SQLite."""
    from django.db import connection
    from django.utils import timezone

    from linli.accounts.services import issue_api_token

    monkeypatch.setattr(timezone, "now", lambda: NOW)
    a = venue.people[0]
    _token, secret = issue_api_token(actor=a, user=a, name="app")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    slots_url = f"/api/v1/booking/resources/{venue.meal.pk}/slots?date={DAY}"
    assert client.get(slots_url, **auth).status_code == 200  # warms the token, resource and schedule
    with django_assert_max_num_queries(1):
        assert client.get(slots_url, **auth).json()[0]["mine"] == ""
    book = "/api/v1/booking/reservations"
    assert client.post(book, {"resource_id": venue.meal.pk, "starts_at": at(12).isoformat()}, content_type="application/json",
                       **auth).status_code == 201  # warms the list of suspensions
    body = {"resource_id": venue.meal.pk, "starts_at": at(11).isoformat()}
    on_pg = connection.vendor == "postgresql"
    with django_assert_max_num_queries(3 if on_pg else 4):  # PostgreSQL: a savepoint pair around the statement in a test
        assert client.post(book, body, content_type="application/json", **auth).status_code == 201
    with django_assert_max_num_queries(1):
        assert client.get(slots_url, **auth).json()[0]["mine"] == "confirmed"


def test_the_api_answers_what_the_caller_may_do_next(client, venue, monkeypatch):
    """Reservations and resources carry ``actions`` (selectors.available_actions) for the caller:
    the booker may cancel, the resource's staff may cancel too, a stranger sees nothing."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: NOW)
    a = venue.people[0]
    client.force_login(a)
    url = "/api/v1/booking/reservations"
    made = client.post(url, {"resource_id": venue.meal.pk, "starts_at": at(11).isoformat()}, content_type="application/json").json()
    assert made["actions"] == ["cancel"]
    assert client.get(url).json()["items"][0]["actions"] == ["cancel"]
    listed = {r["id"]: r["actions"] for r in client.get("/api/v1/booking/resources").json()["items"]}
    assert listed[venue.meal.pk] == ["book"]
    client.force_login(venue.staff)  # named on the resource
    day = client.get(f"/api/v1/booking/resources/{venue.meal.pk}/reservations?date={DAY}").json()
    assert day[0]["actions"] == ["cancel"]  # not begun: no check-in or no-show yet
    listed = {r["id"]: r["actions"] for r in client.get("/api/v1/booking/resources").json()["items"]}
    assert listed[venue.meal.pk] == ["book", "manage", "edit_schedule", "close"]  # open to everyone
    client.force_login(venue.other_staff)  # staff of another community: may book it, run nothing
    assert {r["id"]: r["actions"] for r in client.get("/api/v1/booking/resources").json()["items"]}[venue.meal.pk] == ["book"]
