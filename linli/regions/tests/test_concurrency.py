"""Concurrent clients on PostgreSQL: the same ID number registered at once is stored once."""

import pytest

from linli.core.tests.concurrency import race_n
from linli.regions import services
from linli.regions.models import Resident

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_same_id_number_registered_concurrently_is_stored_once(tree, registry):
    hh = registry.household(tree.g_liede1)
    number = registry.id_number()

    def register(i):
        services.create_resident(actor=registry.actor, household=hh, name=f"并发{i}", id_number=number)
        return "ok"

    outcomes = race_n(8, register, timeout=30)
    assert sorted(outcomes) == ["duplicate_id"] * 7 + ["ok"]
    assert Resident.objects.filter(id_hash=Resident.objects.get().id_hash).count() == 1
