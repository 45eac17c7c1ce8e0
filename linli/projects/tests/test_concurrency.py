"""Real concurrent clients on PostgreSQL: a crowd voting at once is counted exactly (each
project's count equals its ballots' choices); a resident's phone and a clerk's paper entry of his
ballot store one vote; publishing the list while ballots arrive waits for them, and every ballot
that came later is refused — the list's counts are final."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.accounts.roles import Role
from linli.core.tests.concurrency import race, race_n
from linli.projects import services
from linli.projects.models import Ballot, Call, Project

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _crowd(tree: Any, registry: Any, make_user: Any, n: int) -> list[Any]:
    people = []
    for i in range(n):
        h = registry.household(tree.g_liede2, compound=f"投票苑{i}", number=f"{i + 1}03")
        r = registry.resident(household=h, name=f"投票{i}", phone=f"1360000{i:04d}")
        people.append(make_user(Role.RESIDENT, tree.g_liede2, resident=r, phone=f"1360000{i:04d}", username=f"voter{i}"))
    return people


def test_a_crowd_of_votes_is_counted_exactly(world: Any, tree: Any, registry: Any, make_user: Any) -> None:
    call = world.call()
    a, b, c = world.voting(call)
    people = _crowd(tree, registry, make_user, 24)
    choices = [[a.pk, b.pk] if i % 2 else [c.pk] for i in range(24)]
    outcomes = race_n(len(people), lambda i: services.vote(actor=people[i], call=call, project_ids=choices[i]).call_id)
    assert outcomes.count(call.pk) == 24, outcomes
    call = Call.objects.get(pk=call.pk)
    assert Ballot.objects.filter(call=call).count() == 24
    for p in (a, b, c):
        assert Project.objects.get(pk=p.pk).votes == Ballot.objects.filter(call=call, projects=p).count()
    assert Project.objects.get(pk=a.pk).votes == 12 and Project.objects.get(pk=c.pk).votes == 12


@pytest.mark.parametrize("round_", range(3))
def test_a_phone_and_a_paper_slip_of_one_resident_store_one_vote(world: Any, round_: int) -> None:
    call = world.call()
    a, b, _c = world.voting(call)
    outcomes = race([lambda: services.vote(actor=world.r1, call=call, project_ids=[a.pk]).channel,
                     lambda: services.record_paper(actor=world.clerk, call=call, id_number=world.r1.resident.id_number,
                                                   project_ids=[b.pk], slip=f"ZP{round_:04d}").channel])
    assert sorted(outcomes) in (["already_voted", "online"], ["already_voted", "paper"]), outcomes
    assert Ballot.objects.filter(call=call).count() == 1
    assert Project.objects.get(pk=a.pk).votes + Project.objects.get(pk=b.pk).votes == 1


def test_the_list_waits_for_ballots_under_way_and_refuses_later_ones(world: Any, tree: Any, registry: Any, make_user: Any) -> None:
    call = world.call()
    a, b, c = world.voting(call)
    people = _crowd(tree, registry, make_user, 12)
    later = timezone.now() + dt.timedelta(days=8)

    def work(i: int) -> Any:
        if i == 12:  # the street publishes (its clock past the close) while residents still vote
            return services.choose(actor=world.street, call=call, now=later).kind
        return services.vote(actor=people[i], call=call, project_ids=[a.pk, c.pk]).call_id

    outcomes = race_n(13, work)
    assert "projects.chosen" in outcomes, outcomes
    counted = Ballot.objects.filter(call=call).count()
    assert outcomes.count(call.pk) == counted and outcomes.count("not_voting") == 12 - counted, outcomes
    # the published list is the final count: every stored ballot is in it
    assert Project.objects.get(pk=a.pk).votes == counted == Call.objects.get(pk=call.pk).ballots
