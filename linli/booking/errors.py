"""The error codes of booking; the shared ones (``invalid``, ``forbidden``, ``not_found``, …)
are ``linli.core.errors.Code``, the HTTP status of each is ``linli.core.errors.STATUS``."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    ALREADY_BOOKED = "already_booked"
    ALREADY_CHECKED_IN = "already_checked_in"
    BUSY = "busy"
    CLOSED = "closed"
    FULL = "full"
    HAS_BOOKINGS = "has_bookings"
    NO_SUCH_SLOT = "no_such_slot"
    NOT_CONFIRMED = "not_confirmed"
    NOT_ELIGIBLE = "not_eligible"
    NOT_LIVE = "not_live"
    NOT_NOW = "not_now"
    NOT_REQUESTED = "not_requested"
    NOT_STARTED = "not_started"
    OVERLAP = "overlap"
    PAST = "past"
    SUSPENDED = "suspended"
    TOO_EARLY = "too_early"
    TOO_LATE = "too_late"
    UNKNOWN_CODE = "unknown_code"
    WEEKLY_LIMIT = "weekly_limit"
