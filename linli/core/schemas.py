import datetime as dt
from typing import Annotated, Any

from ninja import Schema
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from . import bounds


class ErrorDetail(Schema):
    code: str
    message: str
    details: dict = {}


class ErrorOut(Schema):
    """The one error shape of the API: ``{"error": {"code", "message", "details"}}``."""

    error: ErrorDetail


class ApiRequest:
    """For type checkers: the request ninja hands to an operation, with ``auth`` set to the user."""

    auth: Any
    user: Any
    headers: Any
    META: dict


# Bounded input types (limits in core.bounds): a value outside them is a 400 ``invalid`` naming the
# field, before any query runs.
def _check_day(value: dt.date) -> dt.date:
    if not bounds.date_in_range(value):
        raise PydanticCustomError("date_range", "date out of range", {"lo": bounds.MIN_DATE.isoformat(),
                                                                      "hi": bounds.MAX_DATE.isoformat()})
    return value


def _check_schedule(value: Any) -> Any:
    if not bounds.date_in_range(value, schedule=True):
        lo, hi = bounds.schedule_window()
        raise PydanticCustomError("date_range", "date out of range", {"lo": lo.isoformat(), "hi": hi.isoformat()})
    return value


Day = Annotated[dt.date, AfterValidator(_check_day),
                Field(description=f"{bounds.MIN_DATE.isoformat()} … {bounds.MAX_DATE.isoformat()}")]
"""A date of record (birth, visit, report period)."""

ScheduleDay = Annotated[dt.date, AfterValidator(_check_schedule),
                        Field(description=f"today ± {bounds.SCHEDULE_YEARS} years")]
"""A day of a schedule (slots, day lists, terms)."""

ScheduleMoment = Annotated[dt.datetime, AfterValidator(_check_schedule),
                           Field(description=f"within today ± {bounds.SCHEDULE_YEARS} years")]
"""A moment of a schedule (a slot's start)."""
