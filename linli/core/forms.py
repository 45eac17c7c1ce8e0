"""Reading the values of a submitted page form: numbers, dates and times, each refused with a
message naming what was wrong (the pages show it in place; nothing is saved)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from .bounds import date_in_range
from .errors import DomainError

MAX_INT64 = 2**63 - 1


def form_int(value: Any, default: int = 0) -> int:
    """A non-negative whole number, or ``default`` when the field is empty or not a number."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()):  # "²" is a digit to str.isdigit, not to int()
        return default
    number = int(text)
    return number if number <= MAX_INT64 else default  # beyond any column: no row has it


def form_time(value: Any, label: str, field: str = "") -> dt.time:
    try:
        return dt.time.fromisoformat(str(value or "").strip()[:8])
    except ValueError:
        raise DomainError("invalid", _("请填写正确的%(f)s时间") % {"f": label}, field=field) from None


def form_date(value: Any, label: str, field: str = "") -> dt.date:
    try:
        found = parse_date(str(value or "").strip()[:10])
    except ValueError:
        found = None
    if found is None or not date_in_range(found):
        raise DomainError("invalid", _("请填写正确的%(f)s日期") % {"f": label}, field=field)
    return found


def form_moment(value: Any, label: str, field: str = "") -> dt.datetime:
    try:
        found = parse_datetime(str(value or "").strip()[:19])
    except ValueError:
        found = None
    if found is None or not date_in_range(found):
        raise DomainError("invalid", _("请填写正确的%(f)s时间") % {"f": label}, field=field)
    return timezone.make_aware(found) if timezone.is_naive(found) else found
