"""Real concurrent clients on PostgreSQL: one voter on two phones at once stores one secret
ballot; a close that meets a crowd of ballots lets each either in (counted) or out (refused),
never half-written."""

from __future__ import annotations

from typing import Any

import pytest

from linli.core.tests.concurrency import race
from linli.elections import voting
from linli.elections.models import Ballot, Mark, Participation

from .test_voting import Poll

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def any_code(monkeypatch: Any) -> None:
    """Each phone holds a valid code (the race is about the ballot, not the code)."""
    from linli.accounts import services as acc

    monkeypatch.setattr(acc, "check_sms_code", lambda **kw: kw["phone"])


@pytest.fixture
def poll(town: Any, make_user: Any, sms: Any) -> Poll:
    p = Poll(town, make_user, sms)
    p.open()
    return p


@pytest.mark.parametrize("round_", range(3))
def test_one_voter_on_two_phones_at_once_stores_one_ballot(poll: Poll, any_code: None, round_: int) -> None:
    d = poll.posts["director"]
    outcomes = race([
        lambda: voting.cast(actor=poll.father, election=poll.election, marks=poll.yes(director=d[:1]), code="1")[0].channel,
        lambda: voting.cast(actor=poll.father, election=poll.election, marks=poll.yes(director=d[1:2]), code="1")[0].channel,
    ])
    assert sorted(outcomes) == ["already_voted", "online"], outcomes
    assert Participation.objects.filter(round__election=poll.election).count() == 1
    assert Ballot.objects.filter(round__election=poll.election).count() == 1
    assert Mark.objects.filter(ballot__round__election=poll.election).count() == 1


def test_a_close_among_many_ballots_lets_each_in_or_out_whole(poll: Poll, any_code: None) -> None:
    users = poll.voter_users()
    m = poll.posts["member"]
    works = [lambda u=u: voting.cast(actor=u, election=poll.election, marks=poll.yes(member=m[:3]), code="1")[0].channel
             for u in users]
    works.insert(len(works) // 2, lambda: voting.close_voting(actor=poll.town.admin, election=poll.election).status)
    outcomes = race(works)
    taken = outcomes.count("online")
    assert "closed" in outcomes and taken + outcomes.count("not_voting") == len(users), outcomes
    rounds = Participation.objects.filter(round__election=poll.election)
    assert rounds.count() == taken == Ballot.objects.filter(round__election=poll.election).count()
    assert Mark.objects.filter(ballot__round__election=poll.election).count() == 3 * taken
    counted = voting.count_round(actor=poll.town.admin, election=poll.election)
    assert counted.result["cast"] == taken


@pytest.mark.parametrize("round_", range(3))
def test_a_paper_check_off_and_an_online_ballot_at_once_take_one(poll: Poll, any_code: None, round_: int) -> None:
    voter = poll.town.voter(poll.election, poll.town.father)
    outcomes = race([
        lambda: voting.cast(actor=poll.father, election=poll.election, marks={}, code="1")[0].channel,
        lambda: voting.check_off(actor=poll.town.caseworker, election=poll.election, number=voter.number, channel="station").channel,
    ])
    assert sorted(outcomes) in (["already_voted", "online"], ["already_voted", "station"]), outcomes
    assert Participation.objects.filter(round__election=poll.election, voter=voter).count() == 1
    assert Ballot.objects.filter(round__election=poll.election).count() == (1 if "online" in outcomes else 0)
