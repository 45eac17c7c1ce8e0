"""The error codes of the service station; the shared ones (``invalid``, ``forbidden``, ``not_found``, …)
are ``linli.core.errors.Code``, the HTTP status of each is ``linli.core.errors.STATUS``."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    ALREADY_REPLIED = "already_replied"
    ALREADY_REVIEWED = "already_reviewed"
    ALREADY_STAFF = "already_staff"
    DUPLICATE_USCC = "duplicate_uscc"
    INVALID_USCC = "invalid_uscc"
    LAST_STAFF = "last_staff"
    NOT_APPROVED = "not_approved"
    NOT_ATTENDED = "not_attended"
    ALREADY_HIDDEN = "already_hidden"
