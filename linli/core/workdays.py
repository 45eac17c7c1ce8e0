"""Working-day arithmetic over an official calendar. Pure: no Django.

A day is a working day when the calendar says so explicitly (a make-up working weekend, 调休),
or when it is Monday–Friday and the calendar does not list it as a holiday.
``overrides`` maps a date to True (working) or False (day off).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

ONE_DAY = dt.timedelta(days=1)


def is_working_day(day: dt.date, overrides: Mapping[dt.date, bool]) -> bool:
    if day in overrides:
        return overrides[day]
    return day.weekday() < 5


def add_working_days(start: dt.date, days: int, overrides: Mapping[dt.date, bool]) -> dt.date:
    """The date on which a limit of ``days`` working days, counted from the day after ``start``, ends.

    ``add_working_days(d, 0)`` is ``d`` itself. Negative counts go backwards.
    """
    step = ONE_DAY if days >= 0 else -ONE_DAY
    remaining = abs(days)
    day = start
    while remaining:
        day += step
        if is_working_day(day, overrides):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date, overrides: Mapping[dt.date, bool]) -> int:
    """Working days in the half-open interval (start, end]; negative when end is before start."""
    if end < start:
        return -working_days_between(end, start, overrides)
    count = 0
    day = start
    while day < end:
        day += ONE_DAY
        if is_working_day(day, overrides):
            count += 1
    return count
