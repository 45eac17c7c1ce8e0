import datetime as dt

import pytest

from linli.accounts.roles import Role
from linli.booking import selectors as booking_selectors
from linli.core.errors import DomainError, PermissionDenied
from linli.spaces import services
from linli.spaces.models import Venue

pytestmark = pytest.mark.django_db
TERMS = [("2026秋季学期", dt.date(2026, 9, 1), dt.date(2027, 1, 22))]


@pytest.fixture
def admin(tree, make_user):
    from linli.core.calendar import invalidate
    from linli.core.calendar_seed import seed as seed_calendar
    from linli.core.models import CalendarDay

    seed_calendar(CalendarDay)
    invalidate()
    return make_user(Role.STREET_ADMIN, tree.liede)


def test_school_ground_opens_only_outside_teaching_time(admin, tree, client):
    v = services.open_venue(actor=admin, region=tree.liede_sq, name="猎德小学运动场", kind="school_ground", owner="猎德小学",
                            address="猎德路1号", capacity=30, terms=TERMS, rules_text="自带运动鞋；禁止吸烟")
    hours = lambda day: [s.starts_at.hour for s in booking_selectors.day_view(v.resource, day)]  # noqa: E731
    assert hours(dt.date(2026, 11, 25)) == [18, 19, 20]  # a school Wednesday: evenings
    assert hours(dt.date(2026, 11, 28)) == list(range(8, 20))  # Saturday: all day
    assert hours(dt.date(2026, 10, 1)) == list(range(8, 20))  # National Day (a Thursday) in term: a holiday
    assert hours(dt.date(2027, 2, 3)) == list(range(8, 20))  # winter holiday Wednesday
    page = client.get(f"/spaces/{v.pk}/").content.decode()
    assert "猎德小学运动场" in page and "禁止吸烟" in page
    assert "猎德小学运动场" in client.get("/spaces/?kind=school_ground").content.decode()


def test_rooms_need_hours_and_only_area_admins_open_venues(admin, tree, make_user):
    with pytest.raises(DomainError):
        services.open_venue(actor=admin, region=tree.liede_sq, name="活动室", kind="room", owner="居委会", address="x", capacity=20)
    other = make_user(Role.STREET_ADMIN, tree.changhua)
    with pytest.raises(PermissionDenied):
        services.open_venue(actor=other, region=tree.liede_sq, name="活动室", kind="room", owner="居委会", address="x",
                            capacity=20, hours=[(2, dt.time(9), dt.time(12))])
    v = services.open_venue(actor=admin, region=tree.liede_sq, name="活动室", kind="room", owner="居委会", address="x",
                            capacity=20, hours=[(2, dt.time(9), dt.time(12))], approval_required=True)
    assert Venue.objects.get() == v and v.resource.approval_required
