"""Real concurrent clients on PostgreSQL: many people race for the last seats of one slot, and
one person's retried request arrives several times at once."""

import datetime as dt

import pytest

from linli.accounts.roles import Role
from linli.booking import services
from linli.booking.models import Reservation, Slot
from linli.booking.tests.conftest import NOW, at
from linli.core.tests.concurrency import race_n as race

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


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


def test_a_cancellation_and_a_withdrawal_from_the_queue_at_once(venue, make_user, tree):
    """A frees the only seat while B, first in the queue, leaves it at the same moment. Both
    succeed (only reservation rows are locked, not the shared resource row, so the two cannot
    deadlock) and the seat goes to C, next in the queue, whichever way the two interleave.
    Repeated, since a deadlock or a skipped promotion shows only in some interleavings."""
    venue.meal.capacity = 1
    venue.meal.save()
    for trial in range(6):
        a, b, c = (make_user(Role.RESIDENT, tree.g_liede1) for _ in range(3))
        start = at(11 + trial % 2) + dt.timedelta(days=trial // 2)
        first = services.book(actor=a, resource=venue.meal, starts_at=start, now=NOW)
        queued = services.book(actor=b, resource=venue.meal, starts_at=start, now=NOW, wait=True)
        services.book(actor=c, resource=venue.meal, starts_at=start, now=NOW, wait=True)
        work = [lambda: services.cancel(actor=a, reservation=first, now=NOW),
                lambda: services.cancel(actor=b, reservation=queued, now=NOW)]
        assert race(2, lambda i: work[i]().status) == ["cancelled", "cancelled"]  # an error would escape race()
        statuses = {r.user_id: r.status for r in Reservation.objects.filter(starts_at=start)}
        assert statuses == {a.pk: "cancelled", b.pk: "cancelled", c.pk: "confirmed"}, (trial, statuses)
        assert Slot.objects.get(starts_at=start).booked == 1
