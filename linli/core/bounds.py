"""How far input may reach: the dates and whole numbers the database and the calendar can hold.

One set of limits for the API (``core.schemas`` types built on these) and the page filters, so a
request for the year 1 or page 10²⁰ gets a 400 (pages: the default view) instead of an overflow
in the database, and a schedule is never asked for a day whose clock offset predates standard
time (Asia/Shanghai before 1901 answers ``+08:05:43``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import DomainError

MIN_DATE = dt.date(1900, 1, 1)  # birth dates of the oldest residents on record
MAX_DATE = dt.date(2100, 12, 31)
SCHEDULE_YEARS = 5  # slots, bookings and day lists: within today ± 5 years
MAX_PAGE = 1_000_000  # page × page size stays far inside a 64-bit OFFSET


def schedule_window(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    return (today.replace(year=today.year - SCHEDULE_YEARS, day=min(today.day, 28)),
            today.replace(year=today.year + SCHEDULE_YEARS, day=min(today.day, 28)))


def date_in_range(value: dt.date | dt.datetime | None, *, schedule: bool = False) -> bool:
    """Whether a date (or a moment's date) lies within the shared limits; ``None`` passes."""
    if value is None:
        return True
    day = value.date() if isinstance(value, dt.datetime) else value
    lo, hi = schedule_window() if schedule else (MIN_DATE, MAX_DATE)
    return lo <= day <= hi


def range_message(*, schedule: bool = False) -> str:
    lo, hi = schedule_window() if schedule else (MIN_DATE, MAX_DATE)
    return _("日期须在 %(lo)s 至 %(hi)s 之间") % {"lo": lo.isoformat(), "hi": hi.isoformat()}


def check_date(value: Any, *, field: str = "date", schedule: bool = False) -> Any:
    """``value`` unchanged, or a 400 ``invalid`` naming ``field`` when it lies outside the limits."""
    if not date_in_range(value, schedule=schedule):
        raise DomainError("invalid", range_message(schedule=schedule), field=field)
    return value


def page_date(value: dt.date | None, *, schedule: bool = False) -> dt.date | None:
    """For page filters: a date outside the limits reads as not given (the page's default)."""
    return value if value is not None and date_in_range(value, schedule=schedule) else None
