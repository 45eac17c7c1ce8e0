"""Working-day and working-hour arithmetic over an official calendar. Pure: no Django.

A day is a working day when the calendar says so explicitly (a make-up working weekend, 调休),
or when it is Monday–Friday and the calendar does not list it as a holiday.
``overrides`` maps a date to True (working) or False (day off). Working hours are the office
``windows`` ((opens, closes), … in order) of each working day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

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


Windows = Sequence[tuple[dt.time, dt.time]]


def parse_windows(text: str) -> tuple[tuple[dt.time, dt.time], ...]:
    """``"09:00-12:00,14:00-18:00"`` → the office windows, checked to be ordered and disjoint."""
    out: list[tuple[dt.time, dt.time]] = []
    for part in text.split(","):
        opens, _, closes = part.strip().partition("-")
        window = (dt.time.fromisoformat(opens.strip()), dt.time.fromisoformat(closes.strip()))
        if window[1] <= window[0] or (out and window[0] < out[-1][1]):
            raise ValueError(f"office hours must be ordered, disjoint windows: {text!r}")
        out.append(window)
    if not out:
        raise ValueError("no office hours")
    return tuple(out)


def add_working_hours(start: dt.datetime, hours: float, overrides: Mapping[dt.date, bool], windows: Windows) -> dt.datetime:
    """The moment a limit of ``hours`` office hours, counted from ``start``, ends: only the office
    windows of working days count (a request made on Friday evening with 4 working hours is due
    on Monday, or later after a holiday). The result keeps ``start``'s time zone; 0 hours is
    ``start`` itself. Minutes are the unit (fractions of a minute are rounded up)."""
    remaining = dt.timedelta(minutes=-(-round(hours * 60 * 1000) // 1000))
    if remaining <= dt.timedelta(0):
        return start
    tz = start.tzinfo
    cursor = start
    day = start.date()
    while True:
        if is_working_day(day, overrides):
            for opens, closes in windows:
                w_start = dt.datetime.combine(day, opens, tzinfo=tz)
                w_end = dt.datetime.combine(day, closes, tzinfo=tz)
                if cursor >= w_end:
                    continue
                begin = max(cursor, w_start)
                available = w_end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
                cursor = w_end
        day += ONE_DAY
        cursor = dt.datetime.combine(day, dt.time.min, tzinfo=tz)


def subtract_working_hours(end: dt.datetime, hours: float, overrides: Mapping[dt.date, bool], windows: Windows) -> dt.datetime:
    """The latest moment from which ``hours`` office hours have passed by ``end``: the inverse of
    ``add_working_hours``, counting back through the office windows of working days (Monday
    10:00 less 3 working hours is the Friday before at 16:00, or earlier after a holiday). A
    deadline before this moment is late by at least ``hours`` working hours. 0 hours is ``end``."""
    remaining = dt.timedelta(minutes=-(-round(hours * 60 * 1000) // 1000))
    if remaining <= dt.timedelta(0):
        return end
    tz = end.tzinfo
    cursor = end
    day = end.date()
    while True:
        if is_working_day(day, overrides):
            for opens, closes in reversed(windows):
                w_start = dt.datetime.combine(day, opens, tzinfo=tz)
                w_end = dt.datetime.combine(day, closes, tzinfo=tz)
                if cursor <= w_start:
                    continue
                stop = min(cursor, w_end)
                available = stop - w_start
                if remaining <= available:
                    return stop - remaining
                remaining -= available
                cursor = w_start
        cursor = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
        day -= ONE_DAY
