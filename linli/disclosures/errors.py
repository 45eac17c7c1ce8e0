"""The error codes of public disclosure; the shared ones (``invalid``, ``forbidden``, ``not_found``,
``illegal_transition`` …) are ``linli.core.errors.Code``, the HTTP status of each is
``linli.core.errors.STATUS`` (a code it does not list takes its raise site's class: Conflict 409)."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    UNKNOWN_KIND = "unknown_kind"
    NOT_IN_PERIOD = "not_in_period"  # objections only while the period runs (409)
    NOT_OF_AREA = "not_of_area"  # only residents of the area object to a non-public kind (403)
    PERSONAL_DATA = "personal_data"  # an ID number or a phone in text that is shown publicly
    PERIOD_RUNNING = "period_running"  # closed only after its period (409)
