"""The one refusal type of the platform, its error codes and their HTTP statuses.

Services raise ``DomainError`` for every refusal; the API turns it into
``{"error": {"code", "message", "details"}}`` and pages show ``message`` in place (or, when a
view lets it through, the page of its status: ``core.middleware``).

Codes are ``StrEnum`` members: the kernel's in ``Code`` below, each app's in ``linli/<app>/errors.py``
(a raise site may still pass the plain string, which equals the member). ``STATUS`` is the one
table of HTTP statuses: a refusal whose raise site names no ``status`` gets its code's status from
it, or else its class's (``PermissionDenied`` 403, ``NotFound`` 404, ``Conflict`` 409, any other 400).
``core/tests/test_error_codes.py`` fails on a raised code that no enum lists.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Code(StrEnum):
    """The kernel's codes and those every app shares."""

    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    ILLEGAL_TRANSITION = "illegal_transition"
    RATE_LIMITED = "rate_limited"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    ALREADY_RATED = "already_rated"
    FOLLOW_UP_DONE = "follow_up_done"
    REASON_REQUIRED = "reason_required"
    BAD_FILE = "bad_file"
    FILE_TOO_LARGE = "file_too_large"
    BAD_IMAGE = "bad_image"
    IMAGE_TOO_LARGE = "image_too_large"
    TOO_MUCH_IMAGE_WORK = "too_much_image_work"
    TOO_MANY_PHOTOS = "too_many_photos"
    # paper ballots' double entry (core.voting), for every vote
    PAPER_MISMATCH = "paper_mismatch"  # the two clerks' entries differ: a third person decides
    PAPER_DONE = "paper_done"  # the slip is counted already
    SAME_CLERK = "same_clerk"  # the second entry is by another clerk
    NOT_MISMATCHED = "not_mismatched"  # a decision is only for a slip whose entries differ
    # answered around the views (core.handlers, linli/api.py), never raised by a service
    UNAUTHENTICATED = "unauthenticated"
    CSRF_FAILED = "csrf_failed"
    INVALID_JSON = "invalid_json"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    TOO_LARGE = "too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    UNAVAILABLE = "unavailable"
    SERVER_ERROR = "server_error"
    ERROR = "error"


# The HTTP status of each code that is not a 400. Keys are plain strings: the kernel imports no app.
STATUS: dict[str, int] = {
    # 401, 403: who you are, what you may do
    "unauthenticated": 401,
    "forbidden": 403,
    "csrf_failed": 403,
    "decided_elsewhere": 403,
    "not_eligible": 403,
    "not_your_staff": 403,
    "role_out_of_reach": 403,
    "suspended": 403,
    "not_addressed": 403,
    # 404: ids that do not exist or lie outside your area
    "not_found": 404,
    "method_not_allowed": 405,
    # 409: duplicates and state conflicts
    "illegal_transition": 409,
    "idempotency_key_reused": 409,
    "already_rated": 409,
    "already_hidden": 409,
    "withdraw_at_window": 409,
    "follow_up_done": 409,
    "already_booked": 409,
    "already_checked_in": 409,
    "already_closed": 409,
    "already_open": 409,
    "already_replied": 409,
    "already_reviewed": 409,
    "already_staff": 409,
    "busy": 409,
    "correction_once": 409,
    "duplicate": 409,
    "duplicate_household": 409,
    "duplicate_id": 409,
    "duplicate_room": 409,
    "duplicate_uscc": 409,
    "full": 409,
    "import_closed": 409,
    "import_has_errors": 409,
    "last_staff": 409,
    "materials_owed": 409,
    "not_approved": 409,
    "not_attended": 409,
    "not_completed": 409,
    "not_confirmed": 409,
    "not_extendable": 409,
    "not_forwarded": 409,
    "not_live": 409,
    "not_now": 409,
    "not_requested": 409,
    "not_started": 409,
    "not_waiting": 409,
    "order_closed": 409,
    "own_order": 409,
    "share_exceeded": 409,
    "too_late": 409,
    "weekly_limit": 409,
    "not_draft": 409,
    "not_must_reach": 409,
    # 413, 415, 429, 5xx
    "too_large": 413,
    "unsupported_media_type": 415,
    "rate_limited": 429,
    "server_error": 500,
    "unavailable": 503,
}


def status_for(code: str, default: int = 400) -> int:
    """The HTTP status of ``code`` (``default`` for a code the table does not list)."""
    return STATUS.get(str(code), default)


class DomainError(Exception):
    status = 400  # the status of a code the table does not list

    def __init__(self, code: str, message: Any, *, status: int | None = None, **details: Any) -> None:
        super().__init__(str(message))
        self.code = str(code)
        self.message = message
        self.details = details
        self.status = status if status is not None else status_for(code, type(self).status)

    def as_dict(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": str(self.message), "details": _plain(self.details)}}


class PermissionDenied(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
