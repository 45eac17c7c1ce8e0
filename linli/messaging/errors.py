"""The error codes of messaging; the shared ones (``invalid``, ``forbidden``, ``not_found``, …)
are ``linli.core.errors.Code``, the HTTP status of each is ``linli.core.errors.STATUS``."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    NOT_MUTABLE = "not_mutable"  # a legal notice kind cannot be switched off
