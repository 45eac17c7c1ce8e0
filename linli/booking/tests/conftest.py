import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from linli.accounts.roles import Role
from linli.booking.models import OpeningRule, Resource

SH = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 11, 25)  # a Wednesday, a working day
NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=SH)


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SH)


class Venue:
    def __init__(self, tree, make_user, registry):
        from linli.core.calendar import invalidate
        from linli.core.calendar_seed import seed as seed_calendar
        from linli.core.models import CalendarDay

        seed_calendar(CalendarDay)
        invalidate()
        self.tree = tree
        self.meal = Resource.objects.create(name="长者饭堂午餐", region=tree.liede_sq, region_path=tree.liede_sq.path,
                                            slot_minutes=60, capacity=2, book_ahead_days=7, cancel_before_hours=2)
        for wd in range(7):
            OpeningRule.objects.create(resource=self.meal, weekday=wd, opens=dt.time(11), closes=dt.time(13))
        self.staff = make_user(Role.PROVIDER_STAFF, tree.liede_sq)
        self.meal.managers.add(self.staff)  # the provider's own staff
        self.other_staff = make_user(Role.CASEWORKER, tree.pantang)  # staff of another community
        self.people = []
        for i in range(4):
            person = registry.resident(household=registry.household(tree.g_liede1, number=f"10{i}"), name=f"居民{i}")
            self.people.append(make_user(Role.RESIDENT, tree.g_liede1, phone=f"1390000{i:04d}", resident=person))
        far = registry.resident(household=registry.household(tree.g_pantang), name="泮塘居民")
        self.outsider = make_user(Role.RESIDENT, tree.g_pantang, phone="13900009999", resident=far)


@pytest.fixture
def venue(tree, make_user, registry):
    return Venue(tree, make_user, registry)
