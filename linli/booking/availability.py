"""Which slots a resource offers on a day. Pure: no database, no clock — the caller passes the
rules, terms, closures and whether the day is a working day on the official calendar.

- A day is a *term* day when it lies in a term period and is a working day; every other day
  (weekends, public holidays, school holidays) is a *holiday* day. Rules marked ``all`` apply
  every day, ``term`` only on term days, ``holiday`` only on holiday days.
- Within each rule's opening window, slots of ``slot_minutes`` start every
  ``slot_minutes + buffer_minutes``; a slot must end by the closing time.
- Dated extra openings add windows on their day whatever the season.
- A slot that overlaps a closure is not offered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    weekday: int
    opens: dt.time
    closes: dt.time
    season: str = "all"


@dataclass(frozen=True)
class Period:
    start: dt.datetime
    end: dt.datetime


def season_of(day: dt.date, terms: Iterable[tuple[dt.date, dt.date]], working_day: bool) -> str:
    in_term = any(start <= day <= end for start, end in terms)
    return "term" if in_term and working_day else "holiday"


def slots_on(day: dt.date, *, rules: Iterable[Rule], terms: Iterable[tuple[dt.date, dt.date]], working_day: bool,
             closures: Iterable[Period], slot_minutes: int, buffer_minutes: int, tz: dt.tzinfo,
             extra: Iterable[tuple[dt.date, dt.time, dt.time]] = ()) -> list[Period]:
    """``extra``: dated extra openings (date, opens, closes), e.g. a room opened on a holiday."""
    season = season_of(day, terms, working_day)
    rules = [*rules, *(Rule(day.weekday(), a, b, "all") for d, a, b in extra if d == day)]
    length = dt.timedelta(minutes=slot_minutes)
    step = dt.timedelta(minutes=slot_minutes + buffer_minutes)
    closed = list(closures)
    out: set[Period] = set()
    for rule in rules:
        if rule.weekday != day.weekday() or rule.season not in ("all", season):
            continue
        start = dt.datetime.combine(day, rule.opens, tzinfo=tz)
        end_of_window = dt.datetime.combine(day, rule.closes, tzinfo=tz)
        while start + length <= end_of_window:
            slot = Period(start, start + length)
            if not any(c.start < slot.end and slot.start < c.end for c in closed):
                out.add(slot)
            start += step
    return sorted(out, key=lambda p: p.start)
