"""The official working-day calendar, as stored (core.CalendarDay), for deadline arithmetic."""

from __future__ import annotations

import datetime as dt

from . import workdays
from .memo import Memo
from .models import CalendarDay

_memo = Memo("calendar", ttl=3600)


def overrides() -> dict[dt.date, bool]:
    """The stored exceptions (holidays, make-up working days), read once per process and
    rebuilt when an edit calls ``invalidate()``. Callers must not change the dict."""
    return _memo.get("overrides", lambda: dict(CalendarDay.objects.values_list("date", "is_workday")))


def invalidate() -> None:
    _memo.forget("overrides")


def is_working_day(day: dt.date) -> bool:
    return workdays.is_working_day(day, overrides())


def add_working_days(start: dt.date, days: int) -> dt.date:
    return workdays.add_working_days(start, days, overrides())


def office_windows() -> tuple[tuple[dt.time, dt.time], ...]:
    """Office hours of a working day (``LINLI_OFFICE_HOURS``, default 09:00-12:00,14:00-18:00)."""
    from django.conf import settings

    return workdays.parse_windows(getattr(settings, "LINLI_OFFICE_HOURS", "09:00-12:00,14:00-18:00"))


def add_working_hours(start: dt.datetime, hours: float) -> dt.datetime:
    """``hours`` office hours of working days after ``start`` (an aware datetime), in local time."""
    from django.utils import timezone

    return workdays.add_working_hours(timezone.localtime(start), hours, overrides(), office_windows())


def subtract_working_hours(end: dt.datetime, hours: float) -> dt.datetime:
    """The latest moment ``hours`` office hours of working days before ``end`` (local time)."""
    from django.utils import timezone

    return workdays.subtract_working_hours(timezone.localtime(end), hours, overrides(), office_windows())


def working_days_between(start: dt.date, end: dt.date) -> int:
    return workdays.working_days_between(start, end, overrides())


def seed_from_package() -> int:
    """Add the package's holidays for years not yet stored (edits in admin are kept)."""
    from .calendar_seed import seed

    created = seed(CalendarDay)
    invalidate()
    return created
