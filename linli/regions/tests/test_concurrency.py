"""Concurrent clients on PostgreSQL: the same ID number registered at once is stored once."""

import threading

import pytest
from django.db import connection

from linli.core.errors import DomainError
from linli.regions import services
from linli.regions.models import Resident

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_same_id_number_registered_concurrently_is_stored_once(tree, registry):
    hh = registry.household(tree.g_liede1)
    number = registry.id_number()
    barrier = threading.Barrier(8)
    outcomes: list[str] = []
    lock = threading.Lock()

    def client(i):
        try:
            barrier.wait()
            services.create_resident(actor=registry.actor, household=hh, name=f"并发{i}", id_number=number)
            result = "ok"
        except DomainError as exc:
            result = exc.code
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["duplicate_id"] * 7 + ["ok"]
    assert Resident.objects.filter(id_hash=Resident.objects.get().id_hash).count() == 1
