"""The venue page: a day whose slots are all taken reads 约满 (not an empty cell); the people
who run a venue find its schedule page from it; anonymous visitors see a login link."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.accounts.roles import Role
from linli.booking import services as booking
from linli.spaces import services
from linli.spaces.views import day_state

GROUP = booking.Details(purpose="居民活动", headcount=1, contact="联系人 13800000000")  # what a room asks (ignored by a ground)

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(tree, make_user):
    from linli.core.calendar import invalidate
    from linli.core.calendar_seed import seed as seed_calendar
    from linli.core.models import CalendarDay

    seed_calendar(CalendarDay)
    invalidate()
    admin = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)
    v = services.open_venue(actor=admin, region=tree.liede_sq, name="多功能活动室", kind="room", owner="居委会", address="二楼",
                            capacity=1, slot_minutes=60, hours=[(d, dt.time(9), dt.time(11)) for d in range(7)])
    v.admin = admin
    return v


def test_a_fully_booked_day_reads_full(client, room, registry, make_user, tree):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for i, hour in enumerate((9, 10)):
        person = registry.resident(household=registry.household(tree.g_liede1, number=f"30{i}"), name=f"住户{i}")
        who = make_user(Role.RESIDENT, tree.g_liede1, phone=f"1360000000{i}", resident=person)
        booking.book(details=GROUP, actor=who, resource=room.resource, starts_at=timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(hour))))
    page = client.get(f"/spaces/{room.pk}/").content.decode()
    row = page[page.index('data-state="full"'):]
    row = row[:row.index("</tr>")]
    assert "约满" in row and tomorrow.strftime("%-m/%-d") in row
    assert page.count('data-state="open"') >= 5
    assert 'data-testid="login-link"' in page


def test_day_states():
    from linli.booking.selectors import SlotView

    now = timezone.now()
    later, earlier = now + dt.timedelta(hours=2), now - dt.timedelta(hours=2)
    hour = dt.timedelta(hours=1)
    free = SlotView(later, later + hour, 2, 1, 0, "", True)
    full = SlotView(later, later + hour, 2, 2, 0, "", True)
    past = SlotView(earlier, earlier + hour, 2, 0, 0, "", False)
    ahead = SlotView(later + dt.timedelta(days=30), later + dt.timedelta(days=30) + hour, 2, 0, 0, "", False)
    assert day_state([], now) == "closed"
    assert day_state([full, free], now) == "open"
    assert day_state([past, full], now) == "full"
    assert day_state([past], now) == "over"
    assert day_state([ahead], now) == "later"


def test_the_people_who_run_a_venue_reach_its_schedule(client, room, tree, make_user):
    url = f"/booking/staff/{room.resource_id}/schedule/"
    assert url not in client.get(f"/spaces/{room.pk}/").content.decode()
    client.force_login(room.admin)
    assert url in client.get(f"/spaces/{room.pk}/").content.decode()
    assert client.get(url).status_code == 200
    school_staff = make_user(None)
    room.resource.managers.add(school_staff)
    client.force_login(school_staff)
    assert client.get(url).status_code == 200
    for outsider in (make_user(Role.COMMUNITY_ADMIN, tree.pantang), make_user(Role.CASEWORKER, tree.liede_sq)):
        client.force_login(outsider)
        assert url not in client.get(f"/spaces/{room.pk}/").content.decode()
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "closure_add", "starts_at": "2030-01-01T09:00", "ends_at": "2030-01-01T10:00",
                                 "reason": "x"}).status_code == 404
    assert not room.resource.closures.exists()
