"""The error codes of consultation; the shared ones (``invalid``, ``forbidden``, ``not_found``,
``illegal_transition`` …) are ``linli.core.errors.Code``."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    NOT_COMMUNITY = "not_community"  # topics, bodies and settings belong to a community
    ALREADY_SUPPORTED = "already_supported"  # one support per household and topic
    NOT_SUPPORTING = "not_supporting"  # supports are taken until the topic is answered (taken up, merged, referred, declined)
    OFF_LIST = "off_list"  # a topic outside the list of matters is taken up only with a recorded reason
    NO_BODY = "no_body"  # the body chosen is an active body of the topic's community
    TOO_SOON = "too_soon"  # participants are invited at least ``notice_days`` before the meeting
    MEETING_OPEN = "meeting_open"  # one meeting at a time per topic
    NOT_MEETING_TIME = "not_meeting_time"  # attendance between an hour before the start and the end
    ALREADY_PRESENT = "already_present"  # each member or resident signs in once
    NO_QUORUM = "no_quorum"  # minutes are confirmed only when more than the quorum of members attended
    NO_SCAN = "no_scan"  # minutes of a meeting in person close with the signed scan
    NO_MINUTES = "no_minutes"  # an outcome comes from a meeting whose minutes are confirmed
    NO_RESOLUTIONS = "no_resolutions"  # an outcome has at least one resolution (at most 20)
    ORDERS_OPEN = "orders_open"  # a resolution carried out by work orders (or a department's) is done when they are closed
    NOT_WORK_ORDER = "not_work_order"  # only a resolution carried out by work orders, or a request to a department, creates them
    ALREADY_DISCLOSED = "already_disclosed"  # the result is disclosed once (corrections go through the disclosure)
    NOT_DECIDED = "not_decided"  # the result is disclosed after the outcome is recorded
    NOT_COMPLETED = "not_completed"  # residents rate the result once it is done
    ALREADY_RATED = "already_rated"  # one rating per person and round
    MERGE_TARGET = "merge_target"  # a topic merges into another open topic of the same community
    NOT_COMMENTING = "not_commenting"  # opinions online while the topic is consulted (taken up, before the outcome)
    ALREADY_MODERATED = "already_moderated"  # each opinion is published or rejected once
    ALREADY_SUBMITTED = "already_submitted"  # a resolution is put to one owners' assembly at a time
