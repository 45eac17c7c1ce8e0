"""The official working-day calendar, as stored (core.CalendarDay), for deadline arithmetic."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache

from . import workdays
from .models import CalendarDay

_CACHE_KEY = "linli:calendar:overrides:v1"


def overrides() -> dict[dt.date, bool]:
    data = cache.get(_CACHE_KEY)
    if data is None:
        data = dict(CalendarDay.objects.values_list("date", "is_workday"))
        cache.set(_CACHE_KEY, data, 3600)
    return data


def invalidate() -> None:
    cache.delete(_CACHE_KEY)


def is_working_day(day: dt.date) -> bool:
    return workdays.is_working_day(day, overrides())


def add_working_days(start: dt.date, days: int) -> dt.date:
    return workdays.add_working_days(start, days, overrides())


def working_days_between(start: dt.date, end: dt.date) -> int:
    return workdays.working_days_between(start, end, overrides())


def seed_from_package() -> int:
    """Add the package's holidays for years not yet stored (edits in admin are kept)."""
    from .calendar_seed import seed

    created = seed(CalendarDay)
    invalidate()
    return created
