"""The error codes of shared spaces; the shared ones (``invalid``, ``forbidden``, ``not_found``, …)
are ``linli.core.errors.Code``, the HTTP status of each is ``linli.core.errors.STATUS``."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    ALREADY_CLOSED = "already_closed"
    ALREADY_OPEN = "already_open"
