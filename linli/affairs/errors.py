"""The error codes of one-window services; the shared ones (``invalid``, ``forbidden``, ``not_found``, …)
are ``linli.core.errors.Code``, the HTTP status of each is ``linli.core.errors.STATUS``."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    ALREADY_REPLIED = "already_replied"
    CORRECTION_ONCE = "correction_once"
    DECIDED_ELSEWHERE = "decided_elsewhere"
    DUPLICATE = "duplicate"
    HOME_REQUIRED = "home_required"
    ID_IN_URL = "id_in_url"
    MATERIALS_MISSING = "materials_missing"
    MATERIALS_OWED = "materials_owed"
    NO_CENTRE = "no_centre"
    NO_PROFILE = "no_profile"
    NOT_CITYWIDE = "not_citywide"
    NOT_COMPLETED = "not_completed"
    NOT_FORWARDED = "not_forwarded"
    NOT_ON_LIST = "not_on_list"
    NOT_ONLINE = "not_online"
    NOT_WAITING = "not_waiting"
    OUTCOME_MISMATCH = "outcome_mismatch"
    TEMPLATE = "template"
    WITHDRAW_AT_WINDOW = "withdraw_at_window"  # work has started: only the window withdraws
