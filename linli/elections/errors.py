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
    ELECTION_OPEN = "election_open"  # one election under way per community (not cancelled, not yet counted)
    UNCHANGED = "unchanged"  # a correction that changes nothing
    NOT_NOMINATING = "not_nominating"  # nominations and the candidate list between the voter list's and the candidates' publication
    NOT_ELIGIBLE = "not_eligible"  # a nominee has the right to vote in this election
    ALREADY_NOMINATED = "already_nominated"  # one live nomination of a person per post
    NOMINATION_INVALID = "nomination_invalid"  # too few nominators, not voters, or over the seats: every problem in ``problems``
    ALREADY_ANSWERED = "already_answered"  # the nominee answers once; a withdrawn nomination stays withdrawn
    CANDIDATES_INVALID = "candidates_invalid"  # 差额, one post each, women among the candidates: every problem in ``problems``
    IS_CANDIDATE = "is_candidate"  # a nominee or candidate is not taken off the list: withdraw the nomination first
    NOT_ELECTION_DAY = "not_election_day"  # the first round is voted on election day; a further round not before it
    NOT_VOTING = "not_voting"  # a ballot only while a round is open
    NOT_ON_LIST = "not_on_list"  # the person does not vote in this election (not listed, or the household's representative votes)
    ALREADY_VOTED = "already_voted"  # one ballot per voter and round, across every channel
    OVERVOTE = "overvote"  # more yes marks and write-ins than the post's seats (online refused; on paper invalid for the post)
    NOT_CLOSED = "not_closed"  # paper ballots are entered after the close, before the count
    PAPER_EXCESS = "paper_excess"  # more paper ballots from a box than voters checked off at it: the committee must decide
    PAPER_PENDING = "paper_pending"  # the count waits for every paper ballot's second entry or decision
    CANDIDATE_COUNTS = "candidate_counts"  # a candidate of the round or a member of his household (near relatives) does not count
    PROXY_LOCKED = "proxy_locked"  # proxies are recorded, revoked and published after the voter list, before voting opens
    PROXY_EXISTS = "proxy_exists"  # one standing proxy per principal: revoke it first
    PROXY_CHAIN = "proxy_chain"  # a holder does not delegate his own vote, and a principal holds no one's
    PROXY_LIMIT = "proxy_limit"  # at most ``proxy_max`` principals per holder
    PROXIES_UNPUBLISHED = "proxies_unpublished"  # voting opens only once the proxy list, as it stands, is published
    DELEGATED = "delegated"  # a voter whose proxy stands does not vote himself; a revoked proxy is no longer voted
    NO_COUNTING_STAFF = "no_counting_staff"  # the count needs a monitor and a counter recorded
    GROUP_FULL = "group_full"  # at most ``group_max`` representatives per residents' group
    GROUPS_INCOMPLETE = "groups_incomplete"  # every group with voters has ``group_min``..``group_max`` representatives: each in ``problems``
    NOT_IN_OFFICE = "not_in_office"  # a recall names members this election elected who are still in office, once it is counted
    RECALL_OPEN = "recall_open"  # one recall at a time per election, until it is voted or withdrawn
    RECALL_TOO_FEW = "recall_too_few"  # signers on the list and still living here: at least one in ``recall_one_in`` (``recall_reps_one_in``)
    NO_DEFENCE = "no_defence"  # the recall vote opens after the member's defence (or that he makes none) is recorded
