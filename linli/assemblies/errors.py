"""The error codes of owners' assemblies; the shared ones (``invalid``, ``forbidden``,
``not_found``, ``illegal_transition`` …) are ``linli.core.errors.Code``."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    EMPTY_ROLL = "empty_roll"  # the compound (or building) has no unit with an owner
    ROLL_NOT_LOCKED = "roll_not_locked"  # voting opens only on a locked roll
    NO_ROLL = "no_roll"  # the assembly has no frozen roll yet
    NOTICE_PERIOD = "notice_period"  # voting must open at least 15 days after the notice
    NOT_OPEN = "not_open"  # outside the voting window
    NOT_ON_ROLL = "not_on_roll"  # the person is not a voting owner of this roll
    ALREADY_VOTED = "already_voted"  # one effective ballot per head
    DELEGATED = "delegated"  # the principal cannot vote while the delegation stands
    PROXY_LIMIT = "proxy_limit"  # the holder already represents the allowed number of principals
    PROXY_EXISTS = "proxy_exists"
    PROXY_LOCKED = "proxy_locked"  # a delegation can be revoked only until voting opens
    INCOMPLETE = "incomplete"  # an online ballot answers every matter
    EXTENDED = "extended"  # one extension only
    QUORUM_MET = "quorum_met"  # an extension is for a quorum not met
    BLOCKED_SLIPS = "blocked_slips"  # mismatched paper slips stop the count
    NOT_DESIGNATED = "not_designated"  # co-owners vote through the one they designate
