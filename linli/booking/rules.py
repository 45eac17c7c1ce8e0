"""Who may do what with a bookable resource and a reservation. The services check these rules,
``selectors.available_actions`` offers them as buttons and API ``actions``, and
``tests/test_rules.py`` tabulates them for every role in every state."""

from __future__ import annotations

import datetime as dt
from typing import Any

import rules
from django.utils import timezone

from linli.accounts.roles import ADMIN_ROLES, Role
from linli.accounts.rules import holds_over

from .states import HOLDS_SEAT

# who runs a bookable resource: the staff of the area that owns it (community/street admins,
# caseworkers), and the people named as its managers (the staff of whoever offers it)
MANAGE_ROLES = (*ADMIN_ROLES, Role.CASEWORKER)
CHECK_IN_EARLY = dt.timedelta(minutes=30)


@rules.predicate
def is_manager(user, resource) -> bool:  # type: ignore[no-untyped-def]
    """Named on the resource as one of its managers. A list that asked once for all its rows
    (``selectors.staff_resources``) leaves the answer on each resource for this viewer."""
    if resource is None or not getattr(user, "is_authenticated", False):
        return False
    known = getattr(resource, "_linli_named", None)  # (viewer's pk, the answer or how to get it)
    if known is not None and known[0] == user.pk:
        return bool(known[1]() if callable(known[1]) else known[1])
    return resource.managers.filter(pk=user.pk).exists()


@rules.predicate
def area_admins_schedule(user, resource) -> bool:  # type: ignore[no-untyped-def]
    """Its kind lets the admins of its area set its schedule (registered by the capability that
    offers it: ``hooks.register_schedule_by_area_admins``)."""
    from .hooks import schedule_by_area_admins

    return resource is not None and schedule_by_area_admins(resource.kind)


def eligible(user: Any, resource: Any) -> bool:
    """Who may book: everyone; residents of the communities served (the owner's area when none
    are listed); or residents carrying one of the resource's tags."""
    if resource.audience == "everyone":
        return True
    resident = getattr(user, "resident", None)
    if resident is None:
        return False
    if resource.audience == "tagged":
        return bool(set(resident.tags or []) & set(resource.tags or []))
    served = getattr(resource, "served_paths", None)
    if served is None:
        served = [n.path for n in resource.served.all()]
    served = served or [resource.region_path]
    return any(resident.region_path.startswith(p) for p in served)


@rules.predicate
def may_book(user, resource) -> bool:  # type: ignore[no-untyped-def]
    """Signed in and among the people the resource is open to (a suspension after no-shows and
    the slot itself are the booking service's checks)."""
    return resource is not None and getattr(user, "is_authenticated", False) and eligible(user, resource)


manage = holds_over(*ADMIN_ROLES, Role.CASEWORKER) | is_manager

# who sets opening hours, closures, extra openings and terms: its named managers; the admins of
# its area too where its kind is registered so (otherwise they do not run another's diary)
edit_schedule = is_manager | (area_admins_schedule & holds_over(*ADMIN_ROLES))


# ---------------------------------------------------------------- a reservation

@rules.predicate
def is_booker(user, reservation) -> bool:  # type: ignore[no-untyped-def]
    return reservation is not None and getattr(user, "is_authenticated", False) and reservation.user_id == user.pk


@rules.predicate
def runs_its_resource(user, reservation) -> bool:  # type: ignore[no-untyped-def]
    """``booking.manage`` on the reservation's resource."""
    return reservation is not None and bool(manage(user, reservation.resource))


def too_late_to_cancel(reservation: Any, now: dt.datetime | None = None) -> bool:
    """Inside the resource's last hours before the start a held seat is no longer cancelled
    online by the person (a waiting place always may be left)."""
    hours = dt.timedelta(hours=reservation.resource.cancel_before_hours)
    return reservation.status in HOLDS_SEAT and (now or timezone.now()) > reservation.starts_at - hours


@rules.predicate
def in_cancel_time(user, reservation) -> bool:  # type: ignore[no-untyped-def]
    return reservation is not None and not too_late_to_cancel(reservation)


def check_in_open(reservation: Any, now: dt.datetime | None = None) -> bool:
    """From half an hour before the slot until its end."""
    now = now or timezone.now()
    return reservation.starts_at - CHECK_IN_EARLY <= now and now <= reservation.slot.ends_at


def started(reservation: Any, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) >= reservation.starts_at


view_reservation = is_booker | runs_its_resource
# the person before the deadline (or leaving a queue); the resource's staff always, with a reason
cancel_reservation = (is_booker & in_cancel_time) | runs_its_resource

rules.add_perm("booking.manage", manage)
rules.add_perm("booking.edit_schedule", edit_schedule)
rules.add_perm("booking.book", may_book)
rules.add_perm("booking.view_reservation", view_reservation)
rules.add_perm("booking.cancel_reservation", cancel_reservation)
rules.add_perm("booking.decide_reservation", runs_its_resource)
rules.add_perm("booking.check_in", runs_its_resource)
rules.add_perm("booking.mark_no_show", runs_its_resource)
