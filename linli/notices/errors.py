"""The error codes of notices; the shared ones (``invalid``, ``forbidden``, ``not_found``, …) are
``linli.core.errors.Code``, the HTTP status of each is ``linli.core.errors.STATUS``."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    NO_HOUSEHOLDS = "no_households"  # the addressed area has no household
    NOT_ADDRESSED = "not_addressed"  # the reader's household is not among the addressed
    NOT_MUST_REACH = "not_must_reach"  # deliveries are recorded only for must-reach notices
    NOT_IN_CHAIN = "not_in_chain"  # the household is not in the recorder's chain
    NOT_DRAFT = "not_draft"
    TOO_MANY_ATTACHMENTS = "too_many_attachments"  # a notice holds at most services.MAX_ATTACHMENTS files
