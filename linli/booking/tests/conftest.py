import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from linli.accounts.roles import Role
from linli.booking.models import OpeningRule, Resource

SH = ZoneInfo("Asia/Shanghai")


def _coming_working_wednesday() -> dt.date:
    """A working Wednesday a week or more ahead of the real date, whose Tuesday works too: the
    engine keeps only closures and openings that have not yet passed, so the tests' day must lie
    in the future whenever they run."""
    import chinese_calendar

    day = dt.date.today() + dt.timedelta(days=7)
    day += dt.timedelta(days=(2 - day.weekday()) % 7)
    while True:
        try:
            if chinese_calendar.is_workday(day) and chinese_calendar.is_workday(day - dt.timedelta(days=1)):
                return day
        except NotImplementedError:  # beyond the package's years: an ordinary week
            return day
        day += dt.timedelta(days=7)


DAY = _coming_working_wednesday()
NOW = dt.datetime.combine(DAY - dt.timedelta(days=1), dt.time(10), tzinfo=SH)  # the Tuesday before, 10:00


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
