"""The error codes of the registry; the shared ones (``invalid``, ``forbidden``, ``not_found``, …)
are ``linli.core.errors.Code``, the HTTP status of each is ``linli.core.errors.STATUS``."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    DUPLICATE_HOUSEHOLD = "duplicate_household"
    DUPLICATE_ID = "duplicate_id"
    DUPLICATE_ROOM = "duplicate_room"
    EMPTY_FILE = "empty_file"
    EXPORT_TOO_LARGE = "export_too_large"
    IMPORT_CLOSED = "import_closed"
    IMPORT_HAS_ERRORS = "import_has_errors"
    MISSING_COLUMNS = "missing_columns"
    NOT_MEMBER = "not_member"
    NUMBER_IN_URL = "number_in_url"
    OTHER_COMMUNITY = "other_community"
    RESIDENT_MOVED_OUT = "resident_moved_out"
    SHARE_EXCEEDED = "share_exceeded"
    TOO_MANY_ROWS = "too_many_rows"
