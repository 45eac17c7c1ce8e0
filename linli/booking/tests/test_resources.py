"""The resource services the capabilities call instead of writing booking's rows: create,
update, close (cancelling and telling each person), reopen, managers; each checked for the
caller's area and audited. And the hook its users fill in."""

import datetime as dt
import pathlib
import re

import pytest

from linli.accounts.roles import Role
from linli.booking import hooks, resources, services
from linli.booking.models import OpeningRule, Reservation, Resource, Slot
from linli.booking.tests.conftest import NOW, at
from linli.core.errors import DomainError, PermissionDenied
from linli.core.models import AuditEvent
from linli.messaging.models import Message

pytestmark = pytest.mark.django_db


def test_create_in_own_area_with_hours_managers_and_audit(venue, make_user, tree):
    admin = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)
    res = resources.create_resource(actor=admin, name="  活动室 ", region=tree.liede_sq, served=[tree.liede_sq],
                                    managers=[venue.staff], hours=[(0, dt.time(9), dt.time(12))], capacity=5)
    assert (res.name, res.region_path, res.capacity, res.active) == ("活动室", tree.liede_sq.path, 5, True)
    assert list(res.managers.all()) == [venue.staff] and list(res.served.all()) == [tree.liede_sq]
    assert list(OpeningRule.objects.filter(resource=res).values_list("weekday", "opens")) == [(0, dt.time(9))]
    assert AuditEvent.objects.filter(action="booking.resource_create", target_id=str(res.pk), actor=admin).exists()


def test_create_refused_outside_the_area_unless_named_manager(venue, make_user, tree):
    outsider = make_user(Role.COMMUNITY_ADMIN, tree.pantang)  # admin of another community
    with pytest.raises(PermissionDenied):
        resources.create_resource(actor=outsider, name="活动室", region=tree.liede_sq)
    assert not Resource.objects.filter(name="活动室").exists()
    # a provider's staff open their own offering: they are its managers
    own = resources.create_resource(actor=venue.staff, name="理发", region=tree.liede_sq, managers=[venue.staff])
    assert own.managers.filter(pk=venue.staff.pk).exists()
    with pytest.raises(DomainError):
        resources.create_resource(actor=venue.staff, name="理发", region=tree.liede_sq, managers=[venue.staff], capacity=0)


def test_update_checks_scope_applies_seats_and_audits_the_change(venue, tree):
    a = venue.people[0]
    services.book(actor=a, resource=venue.meal, starts_at=at(11), now=NOW)
    with pytest.raises(PermissionDenied):
        resources.update_resource(actor=venue.other_staff, resource=venue.meal, capacity=9)
    resources.update_resource(actor=venue.staff, resource=venue.meal, capacity=4, name="午餐", served=[tree.liede_sq])
    venue.meal.refresh_from_db()
    assert (venue.meal.capacity, venue.meal.name) == (4, "午餐")
    assert Slot.objects.get().capacity == 4  # the future slot shows the new seats
    event = AuditEvent.objects.get(action="booking.resource_update")
    assert event.changes["capacity"] == [2, 4] and event.changes["name"] == ["长者饭堂午餐", "午餐"]
    resources.update_resource(actor=venue.staff, resource=venue.meal, capacity=4)  # nothing changed: no audit row
    assert AuditEvent.objects.filter(action="booking.resource_update").count() == 1


def test_close_cancels_future_bookings_and_waiting_places_telling_each(venue):
    a, b, c, _d = venue.people
    for who, wait in ((a, False), (b, False), (c, True)):
        services.book(actor=who, resource=venue.meal, starts_at=at(11), now=NOW, wait=wait)
    with pytest.raises(PermissionDenied):
        resources.close_resource(actor=venue.other_staff, resource=venue.meal, reason="装修")
    with pytest.raises(DomainError):
        resources.close_resource(actor=venue.staff, resource=venue.meal, reason=" ")
    assert resources.close_resource(actor=venue.staff, resource=venue.meal, reason="饭堂装修") == 3
    venue.meal.refresh_from_db()
    assert not venue.meal.active
    assert set(Reservation.objects.values_list("status", flat=True)) == {"cancelled"}
    for who in (a, b, c):
        assert Message.objects.filter(user=who, text__contains="饭堂装修").exists()
    assert AuditEvent.objects.get(action="booking.resource_close").changes["cancelled"] == 3
    with pytest.raises(DomainError) as closed:
        services.book(actor=a, resource=venue.meal, starts_at=at(12), now=NOW)
    assert closed.value.code == "closed"
    resources.reopen_resource(actor=venue.staff, resource=venue.meal)
    venue.meal.refresh_from_db()
    assert venue.meal.active and AuditEvent.objects.filter(action="booking.resource_reopen").count() == 1
    assert services.book(actor=a, resource=venue.meal, starts_at=at(12), now=NOW).status == "confirmed"


def test_close_without_cancelling_keeps_the_bookings(venue):
    a = venue.people[0]
    res = services.book(actor=a, resource=venue.meal, starts_at=at(11), now=NOW)
    assert resources.close_resource(actor=venue.staff, resource=venue.meal, cancel_bookings=False) == 0
    res.refresh_from_db()
    assert res.status == "confirmed" and not Resource.objects.get(pk=venue.meal.pk).active


def test_managers_added_removed_and_set_with_audit(venue, make_user, tree):
    helper = make_user(Role.PROVIDER_STAFF, tree.liede_sq)
    with pytest.raises(PermissionDenied):
        resources.add_manager(actor=venue.other_staff, resource=venue.meal, user=helper)
    resources.add_manager(actor=venue.staff, resource=venue.meal, user=helper)
    assert services.can_manage(helper, venue.meal)
    resources.remove_manager(actor=venue.staff, resource=venue.meal, user=helper)
    assert not services.can_manage(helper, venue.meal)
    resources.set_managers(actor=venue.staff, resource=venue.meal, users=[venue.staff])  # unchanged: no row
    assert AuditEvent.objects.filter(action="booking.managers").count() == 2


def test_reservation_extras_come_from_the_registered_owners(venue):
    res = services.book(actor=venue.people[0], resource=venue.meal, starts_at=at(11), now=NOW)
    key = "probe"

    def probe(reservation, viewer, staff_view):
        return [] if staff_view else [hooks.Extra(label=key, url=f"/x/{reservation.pk}/")]

    hooks.register_reservation_extras(probe)
    hooks.register_reservation_extras(probe)  # a second ready() adds it once
    try:
        assert [e.url for e in hooks.reservation_extras(res, venue.people[0]) if e.label == key] == [f"/x/{res.pk}/"]
        assert not [e for e in hooks.reservation_extras(res, venue.staff, staff_view=True) if e.label == key]
    finally:
        hooks._extras.pop(f"{probe.__module__}.{probe.__qualname__}")


def test_booking_names_none_of_its_users():
    """Booking imports neither station nor spaces and tests no kind of resource of theirs."""
    root = pathlib.Path(__file__).resolve().parents[1]
    templates = root.parent / "templates" / "booking"
    files = [p for p in root.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts]
    files += list(templates.glob("*.html"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"linli\.(station|spaces)|station:|spaces:", text), path
        assert not re.search(r"""Kind\.SPACE|==\s*["']space["']|\.offering\b|\.venue\b""", text), path
