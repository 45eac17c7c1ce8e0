"""Real concurrent clients on PostgreSQL: many households supporting one topic at once are each
counted once, the count equals the rows, and the topic goes to the community exactly once; two
phones of one household store one support."""

from __future__ import annotations

from typing import Any

import pytest

from linli.accounts.roles import Role
from linli.consultation import services
from linli.consultation.models import Event, Support, Topic
from linli.consultation.states import Status
from linli.core.tests.concurrency import race, race_n

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_a_crowd_of_supports_is_counted_exactly(world: Any, tree: Any, registry: Any, make_user: Any) -> None:
    services.save_settings(actor=world.admin, community=world.community, support_threshold=12, answer_days=5, notice_days=3,
                           disclosure_days=15)
    topic = world.propose()
    people = []
    for n in range(24):
        h = registry.household(tree.g_liede1, compound=f"并发苑{n}", number=f"{n + 1}02")
        r = registry.resident(household=h, name=f"并发{n}", phone=f"1370000{n:04d}")
        people.append(make_user(Role.RESIDENT, tree.g_liede1, resident=r, phone=f"1370000{n:04d}", username=f"crowd{n}"))
    outcomes = race_n(len(people), lambda i: services.support(actor=people[i], topic=topic).pk)
    assert outcomes.count(topic.pk) == 24, outcomes  # nobody refused: each household once
    topic = Topic.objects.get(pk=topic.pk)
    assert topic.supports == Support.objects.filter(topic=topic).count() == 25  # with the proposer's household
    # the twelfth household sent it to the community; the rest kept supporting until the answer
    assert topic.status == Status.SUBMITTED
    assert Event.objects.filter(topic=topic, action="submit").count() == 1


@pytest.mark.parametrize("round_", range(3))
def test_two_phones_of_one_household_store_one_support(world: Any, round_: int) -> None:
    topic = world.propose(actor=world.r1)
    outcomes = race([lambda: services.support(actor=world.proposer, topic=topic).pk,
                     lambda: services.support(actor=world.spouse, topic=topic).pk])
    assert sorted(map(str, outcomes)) == sorted([str(topic.pk), "already_supported"]), outcomes
    assert Topic.objects.get(pk=topic.pk).supports == 2 == Support.objects.filter(topic=topic).count()
