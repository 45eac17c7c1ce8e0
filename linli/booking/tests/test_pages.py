
import pytest

from linli.booking.models import Reservation
from linli.booking.tests.conftest import DAY, NOW, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def now_is(monkeypatch):
    from django.utils import timezone

    def set_now(value):
        monkeypatch.setattr(timezone, "now", lambda: value)
    return set_now


def test_book_from_the_page_and_check_in_at_the_venue(client, venue, now_is):
    now_is(NOW)
    a = venue.people[0]
    page = client.get(f"/booking/r/{venue.meal.pk}/?date={DAY}").content.decode()
    assert "11:00" in page and "2 / 2" in page  # public: free seats without logging in
    assert client.get(f"/booking/r/{venue.meal.pk}/?date=2026-02-30").status_code == 200  # an impossible date: today
    assert client.get("/station/?date=2026-13-01").status_code == 200
    client.force_login(a)
    resp = client.post(f"/booking/r/{venue.meal.pk}/?date={DAY}", {"starts_at": at(11).isoformat(), "token": "t1"})
    r = Reservation.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/booking/reservations/{r.pk}/"
    detail = client.get(resp["Location"]).content.decode()
    assert r.code in detail and "<svg" in detail
    client.post(f"/booking/r/{venue.meal.pk}/?date={DAY}", {"starts_at": at(11).isoformat(), "token": "t1"})
    assert Reservation.objects.count() == 1  # double submit
    bad = client.post(f"/booking/r/{venue.meal.pk}/?date={DAY}", {"starts_at": "not-a-time"})
    assert bad.status_code == 302 and Reservation.objects.count() == 1
    client.force_login(venue.other_staff)
    assert client.get(f"/booking/staff/{venue.meal.pk}/?date={DAY}").status_code == 404
    now_is(at(10, 50))  # the next day: log in again (idle timeout)
    client.force_login(venue.staff)
    resp = client.get(f"/booking/staff/{venue.meal.pk}/?date={DAY}")
    assert resp.status_code == 200, (resp.status_code, resp.get("Location"))
    sheet = resp.content.decode()
    assert a.display_name in sheet
    client.post(f"/booking/staff/{venue.meal.pk}/?date={DAY}", {"action": "check_in", "code": r.code})
    r.refresh_from_db()
    assert r.status == "attended"
    assert client.post(f"/booking/staff/{venue.meal.pk}/?date={DAY}", {"action": "no_show", "reservation": "x"}).status_code == 302
    client.force_login(a)
    assert client.get("/booking/staff/").status_code == 403


def test_slot_buttons_come_from_the_resources_actions(client, venue, now_is):
    """Signed out: 预约 leads to sign-in; a resident it serves books; a resident of another
    community sees the free seats but no 预约 button, and is told why."""
    now_is(NOW)
    venue.meal.audience = "residents"  # the residents of the communities it serves (its own)
    venue.meal.save()
    url = f"/booking/r/{venue.meal.pk}/?date={DAY}"
    assert ">预约</button>" in client.get(url).content.decode()
    client.force_login(venue.people[0])
    page = client.get(url).content.decode()
    assert ">预约</button>" in page and 'data-testid="not-eligible"' not in page
    client.force_login(venue.outsider)
    page = client.get(url).content.decode()
    assert "2 / 2" in page and ">预约</button>" not in page and ">候补</button>" not in page
    assert 'data-testid="not-eligible"' in page and "服务范围" in page
