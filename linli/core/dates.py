"""Dates in page forms and the bounds of a plausible date.

Browsers' ``<input type=date|time|datetime-local>`` read and send ISO values only; Django's
widgets render the active language's first input format (``2010/11/25`` in zh-hans), which the
browser drops, so a form saved unchanged would erase the date. The widgets here always render ISO.

``plausible`` is the one check of "could this date be true" used by services (and so by forms,
the API and Excel imports alike): a person's dates lie between 1900 and today, a record of work
(a visit, a contract) between 2000 and today, unless the caller narrows the bounds.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from .bounds import MIN_DATE

ISO_DATE = "%Y-%m-%d"
ISO_TIME = "%H:%M"
ISO_DATETIME = "%Y-%m-%dT%H:%M"

EARLIEST_LIFE_EVENT = MIN_DATE
"""The earliest plausible date of a living person's life event (birth excepted: ID numbers allow 1880)."""
EARLIEST_RECORD = dt.date(2000, 1, 1)
"""The earliest plausible date of something the community's staff recorded (a visit, an ownership)."""


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format=ISO_DATE)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format=ISO_TIME)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format=ISO_DATETIME)


class ImplausibleDate(ValueError):
    """``value`` lies outside [earliest, latest]; the caller words the message for its field."""

    def __init__(self, value: dt.date, earliest: dt.date, latest: dt.date) -> None:
        super().__init__(f"{value} not in {earliest}..{latest}")
        self.value, self.earliest, self.latest = value, earliest, latest


def plausible(value: dt.date, *, earliest: dt.date = EARLIEST_LIFE_EVENT, latest: dt.date | None = None) -> dt.date:
    """``value`` if it lies in [earliest, latest] (latest defaults to today), else ImplausibleDate."""
    latest = latest or timezone.localdate()
    if isinstance(value, dt.datetime):
        value = value.date()
    if not earliest <= value <= latest:
        raise ImplausibleDate(value, earliest, latest)
    return value
