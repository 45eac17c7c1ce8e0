"""The error codes of residents' committee elections; the shared ones (``invalid``,
``forbidden``, ``not_found``, …) are ``linli.core.errors.Code``."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    PLAN_INVALID = "plan_invalid"  # the seats break the plan's rules (plan.seat_problems): every problem in ``problems``
    NOT_COMMUNITY = "not_community"  # an election is held in a community
    NOT_DRAFT = "not_draft"  # the plan and the list change only before the voter list is published
    TOO_LATE = "too_late"  # the voter list is published at least ``list_days`` before election day
    COMMITTEE_INCOMPLETE = "committee_incomplete"  # an election committee of at least 3 with one chair
    NO_VOTERS = "no_voters"  # the list is built before it is published, and holds a voter
    ALREADY_MEMBER = "already_member"
    ELECTION_OPEN = "election_open"  # one election at a time per community (not cancelled)
    UNCHANGED = "unchanged"  # a correction that changes nothing
