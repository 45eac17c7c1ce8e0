"""The error codes of small public projects; the shared ones (``invalid``, ``forbidden``,
``not_found``, ``illegal_transition`` …) are ``linli.core.errors.Code``."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    NOT_AREA = "not_area"  # a call belongs to a street or a community
    IDEAS_CLOSED = "ideas_closed"  # ideas are taken while the call collects them, until its deadline
    OVER_CAP = "over_cap"  # a project costs no more than the call's cap for its kind
    OVER_BUDGET = "over_budget"  # the chosen projects together stay within the call's budget
    DESIGNER_AREA = "designer_area"  # a designer is assigned only in a street he serves, and only while in the registry
    NO_DESIGN = "no_design"  # a design has its description, cost and schedule (drawings for works)
    NOT_VOTING = "not_voting"  # votes are taken while the vote is open
    ALREADY_VOTED = "already_voted"  # one vote per resident, online or on paper
    BAD_CHOICE = "bad_choice"  # a ballot chooses shortlisted projects of its call, within the limits of its mode
    NOT_RESIDENT = "not_resident"  # a vote is a current resident's of the call's area
    PENDING_REVIEW = "pending_review"  # the review closes when every design has its recorded decision
    NO_SHORTLIST = "no_shortlist"  # a vote or a chosen list needs at least one shortlisted project
    NO_PHOTOS = "no_photos"  # a project is finished with photos before and after
    NOT_COMPLETED = "not_completed"  # residents rate a project once it is done
    ALREADY_RATED = "already_rated"  # one rating per person and round
    ALREADY_LINKED = "already_linked"  # a consultation resolution becomes one project
