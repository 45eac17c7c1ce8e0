"""Real concurrent clients on PostgreSQL: many people race for the last seats of one slot, and
one person's retried request arrives several times at once."""

import threading

import pytest
from django.db import connection

from linli.accounts.roles import Role
from linli.booking import services
from linli.booking.models import Reservation, Slot
from linli.booking.tests.conftest import NOW, at
from linli.core.errors import Conflict

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def race(n, work):
    barrier = threading.Barrier(n)
    outcomes, lock = [], threading.Lock()

    def client(i):
        try:
            barrier.wait()
            result = work(i)
        except Conflict as exc:
            result = exc.code
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def test_thirty_people_race_for_five_seats(venue, make_user, tree):
    venue.meal.capacity = 5
    venue.meal.save()
    people = [make_user(Role.RESIDENT, tree.g_liede1) for _ in range(30)]
    outcomes = race(30, lambda i: services.book(actor=people[i], resource=venue.meal, starts_at=at(11), now=NOW,
                                                wait=i % 2 == 0).status)
    assert outcomes.count("confirmed") == 5
    assert sorted(set(outcomes)) == ["confirmed", "full", "waiting"]
    slot = Slot.objects.get()
    assert slot.booked == 5 == Reservation.objects.filter(status="confirmed").count()
    # the waiting list is served in order as seats free up, still never above capacity
    first = Reservation.objects.filter(status="confirmed").order_by("id").first()
    services.cancel(actor=first.user, reservation=first, now=NOW)
    assert Slot.objects.get().booked == 5 == Reservation.objects.filter(status="confirmed").count()


def test_a_retry_arriving_eight_times_at_once_books_once(venue):
    who = venue.people[0]
    outcomes = race(8, lambda i: services.book(actor=who, resource=venue.meal, starts_at=at(11), now=NOW,
                                               idempotency_key="same-request").pk)
    assert len(set(outcomes)) == 1 and isinstance(outcomes[0], int)
    assert Reservation.objects.count() == 1 and Slot.objects.get().booked == 1
