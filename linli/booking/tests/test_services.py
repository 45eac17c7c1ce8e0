import datetime as dt

import pytest

from linli.booking import selectors, services
from linli.booking.models import Closure, Reservation, Resource, Slot, Suspension
from linli.booking.tests.conftest import DAY, NOW, at
from linli.core.errors import Conflict, DomainError, PermissionDenied
from linli.messaging.models import Message

pytestmark = pytest.mark.django_db


def book(venue, who, hour=11, **kw):
    return services.book(actor=who, resource=venue.meal, starts_at=at(hour), now=NOW, **kw)


def test_last_seat_waiting_list_and_promotion_in_order(venue):
    a, b, c, d = venue.people
    assert book(venue, a).status == "confirmed"
    assert book(venue, b).status == "confirmed"  # the last seat
    with pytest.raises(Conflict) as full:
        book(venue, c)
    assert full.value.code == "full"
    w1 = book(venue, c, wait=True)
    w2 = book(venue, d, wait=True)
    assert (w1.status, w2.status) == ("waiting", "waiting")
    slot = Slot.objects.get()
    assert (slot.booked, slot.capacity) == (2, 2)
    view = selectors.day_view(venue.meal, DAY, viewer=c, now=NOW)[0]
    assert (view.free, view.waiting, view.mine) == (0, 2, "waiting")
    first = Reservation.objects.get(user=a)
    services.cancel(actor=a, reservation=first, now=NOW)
    w1.refresh_from_db()
    w2.refresh_from_db()
    assert (w1.status, w2.status) == ("confirmed", "waiting")  # first come, first served
    assert Slot.objects.get().booked == 2
    assert Message.objects.filter(user=c, text__startswith="候补成功").exists()
    with pytest.raises(Conflict):
        book(venue, c, wait=True)  # already holds a seat in this slot


def test_idempotent_retry_books_once(venue):
    a = venue.people[0]
    r1 = book(venue, a, idempotency_key="k-1")
    r2 = book(venue, a, idempotency_key="k-1")
    assert r1.pk == r2.pk and Slot.objects.get().booked == 1 and Reservation.objects.count() == 1
    book(venue, venue.people[1])  # now the slot is full: a late retry still gets its booking back
    assert book(venue, a, idempotency_key="k-1").pk == r1.pk and Slot.objects.get().booked == 2
    after_start = services.book(actor=a, resource=venue.meal, starts_at=at(11), now=at(11, 30), idempotency_key="k-1")
    assert after_start.pk == r1.pk


def test_a_second_booking_of_the_same_slot_takes_no_seat(venue):
    a = venue.people[0]
    book(venue, a)
    with pytest.raises(Conflict) as e:
        book(venue, a)
    assert e.value.code == "already_booked"
    assert Slot.objects.get().booked == 1 and Reservation.objects.count() == 1


def test_a_check_in_code_already_taken_is_drawn_again(venue, monkeypatch):
    field = Reservation._meta.get_field("code")
    codes = iter(["SAMECODE", "SAMECODE", "SAMECODE", "OTHERONE"])
    monkeypatch.setattr(field, "_get_default", lambda: next(codes))  # what Field.get_default() calls
    first = book(venue, venue.people[0])
    second = book(venue, venue.people[1])  # drew SAMECODE twice more, then OTHERONE
    assert (first.code, second.code) == ("SAMECODE", "OTHERONE")
    assert Slot.objects.get().booked == 2 and Reservation.objects.get(pk=second.pk).status == "confirmed"


def test_slot_rules_past_horizon_and_closures(venue):
    a = venue.people[0]
    with pytest.raises(DomainError) as e:
        services.book(actor=a, resource=venue.meal, starts_at=at(11, 30), now=NOW)
    assert e.value.code == "no_such_slot"
    with pytest.raises(DomainError) as e:
        services.book(actor=a, resource=venue.meal, starts_at=at(11, day=DAY + dt.timedelta(days=10)), now=NOW)
    assert e.value.code == "too_early"
    with pytest.raises(DomainError) as e:
        services.book(actor=a, resource=venue.meal, starts_at=at(11, day=DAY - dt.timedelta(days=2)), now=NOW)
    assert e.value.code == "past"
    Closure.objects.create(resource=venue.meal, starts_at=at(0), ends_at=at(23), reason="消防检查")
    with pytest.raises(DomainError):
        book(venue, a)
    assert selectors.day_view(venue.meal, DAY, now=NOW) == []


def test_who_may_book_weekly_limit_and_cancellation_deadline(venue, tree):
    a = venue.people[0]
    venue.meal.audience = Resource.Audience.RESIDENTS
    venue.meal.save()
    with pytest.raises(PermissionDenied):
        book(venue, venue.outsider)
    venue.meal.served.add(tree.pantang)
    assert book(venue, venue.outsider).status == "confirmed"
    venue.meal.audience, venue.meal.tags = Resource.Audience.TAGGED, ["elder"]
    venue.meal.save()
    with pytest.raises(PermissionDenied):
        book(venue, a, hour=12)
    a.resident.tags = ["elder"]
    a.resident.save()
    venue.meal.weekly_limit = 1
    venue.meal.save()
    r = book(venue, a, hour=12)
    with pytest.raises(Conflict) as e:
        services.book(actor=a, resource=venue.meal, starts_at=at(11, day=DAY + dt.timedelta(days=1)), now=NOW)
    assert e.value.code == "weekly_limit"
    with pytest.raises(Conflict) as e:
        services.cancel(actor=a, reservation=r, now=at(11))  # an hour before: too late online
    assert e.value.code == "too_late"
    with pytest.raises(DomainError):
        services.cancel(actor=venue.staff, reservation=r, now=at(11))  # staff must say why
    services.cancel(actor=venue.staff, reservation=r, reason="厨房停气", now=at(11))
    assert Message.objects.filter(user=a, text__contains="厨房停气").exists()


def test_approval_check_in_no_show_and_suspension(venue):
    a, b = venue.people[:2]
    venue.meal.approval_required = True
    venue.meal.no_show_limit = 2
    venue.meal.save()
    r = book(venue, a)
    assert r.status == "requested" and Slot.objects.get().booked == 1  # the seat is held while pending
    with pytest.raises(PermissionDenied):
        services.decide(actor=venue.other_staff, reservation=r, approve=True)
    services.decide(actor=venue.staff, reservation=r, approve=True)
    with pytest.raises(Conflict):
        services.check_in(actor=venue.staff, code=r.code, now=at(9))  # too early
    with pytest.raises(DomainError):
        services.check_in(actor=venue.other_staff, code=r.code, now=at(11))  # not their venue
    assert services.check_in(actor=venue.staff, code=r.code.lower(), now=at(10, 45)).status == "attended"
    r2 = book(venue, b)
    services.decide(actor=venue.staff, reservation=r2, approve=False, reason="名额留给独居老人")
    assert Slot.objects.get().booked == 1
    # two no-shows in 30 days suspend booking
    for hour in (11, 12):
        x = book(venue, b, hour=hour)
        services.decide(actor=venue.staff, reservation=x, approve=True)
        services.mark_no_show(actor=venue.staff, reservation=x, now=at(hour, 30))
    assert Suspension.objects.filter(user=b).exists()
    with pytest.raises(PermissionDenied) as e:
        services.book(actor=b, resource=venue.meal, starts_at=at(11, day=DAY + dt.timedelta(days=1)), now=at(14))
    assert e.value.code == "suspended"


def test_extra_opening_and_closure_take_effect_at_once(venue):
    from linli.booking.models import ExtraOpening

    assert [s.starts_at.hour for s in selectors.day_view(venue.meal, DAY, now=NOW)] == [11, 12]  # cached now
    ExtraOpening.objects.create(resource=venue.meal, date=DAY, opens=dt.time(17), closes=dt.time(18), note="社区晚宴")
    assert [s.starts_at.hour for s in selectors.day_view(venue.meal, DAY, now=NOW)] == [11, 12, 17]
    assert book(venue, venue.people[0], hour=17).status == "confirmed"


def test_raised_capacity_opens_seats_in_slots_already_begun(venue):
    a, b, c = venue.people[:3]
    venue.meal.capacity = 1
    venue.meal.save()
    book(venue, a)
    with pytest.raises(Conflict):
        book(venue, b)
    venue.meal.capacity = 3
    venue.meal.save()
    assert services.apply_capacity(venue.meal, now=NOW) == 1
    assert Slot.objects.get().capacity == 3  # the day view shows it at once
    assert book(venue, b).status == "confirmed" and book(venue, c).status == "confirmed"
    venue.meal.capacity = 1  # lowered: nobody loses a seat, nobody new gets one
    venue.meal.save()
    services.apply_capacity(venue.meal, now=NOW)
    assert Slot.objects.get().capacity == 3 == Slot.objects.get().booked
    with pytest.raises(Conflict):
        book(venue, venue.people[3])


def test_an_idempotency_key_reused_for_another_slot_is_refused(venue):
    a = venue.people[0]
    first = book(venue, a, idempotency_key="app-42")
    with pytest.raises(Conflict) as e:
        book(venue, a, hour=12, idempotency_key="app-42")
    assert e.value.code == "idempotency_key_reused"
    assert book(venue, a, idempotency_key="app-42").pk == first.pk  # the same request again is still answered
    assert Reservation.objects.count() == 1


def test_undecided_requests_and_unreached_waiting_places_end_when_the_slot_begins(venue):
    a, b = venue.people[:2]
    venue.meal.capacity = 1
    venue.meal.approval_required = True
    venue.meal.save()
    pending = book(venue, a)
    queued = book(venue, b, wait=True)
    assert services.close_past(now=at(10, 59)) == {"requested": 0, "waiting": 0}
    assert services.close_past(now=at(11)) == {"requested": 1, "waiting": 1}
    pending.refresh_from_db()
    queued.refresh_from_db()
    assert (pending.status, queued.status) == ("rejected", "cancelled")
    assert Message.objects.filter(user=b, text__contains="候补未能排上").exists()
    assert services.close_past(now=at(12)) == {"requested": 0, "waiting": 0}  # idempotent


def test_cancelling_every_booking_of_a_resource_tells_each_person(venue):
    a, b, c = venue.people[:3]
    book(venue, a)
    book(venue, b)
    book(venue, c, wait=True)
    with pytest.raises(DomainError):
        services.cancel_for_resource(actor=venue.staff, resource=venue.meal, reason=" ", now=NOW)
    assert services.cancel_for_resource(actor=venue.staff, resource=venue.meal, reason="服务商暂停服务", now=NOW) == 3
    assert set(Reservation.objects.values_list("status", flat=True)) == {"cancelled"}
    assert Slot.objects.get().booked == 0
    assert Message.objects.filter(text__contains="服务商暂停服务").count() == 3


def test_check_in_reads_what_a_scanner_sends(venue):
    r = book(venue, venue.people[0])
    sent = f"]Q1https://linli.example/booking/check/{r.code.lower()}"  # symbology prefix, a URL, lower case
    assert services.check_in(actor=venue.staff, code=sent, now=at(10, 45)).pk == r.pk
    assert services.scanned_code(f"  {r.code}  ") == r.code
