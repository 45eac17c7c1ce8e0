"""The rules grid of booking: for every role and every state, what each person may do with a
bookable resource and with a reservation — ``selectors.available_actions`` (the buttons and the
API's ``actions``) and ``user.has_perm`` (what the services check), against one table."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linli.booking import selectors
from linli.booking.models import Reservation, Resource, Slot
from linli.booking.states import LIFECYCLE, SYSTEM, Action, ResourceState
from linli.core.tests.rules_grid import (
    ADMIN_ELSEWHERE,
    ADMIN_HERE,
    ADMIN_NEIGHBOUR,
    ANONYMOUS,
    BUILDING_LEADER,
    CASEWORKER,
    CITY,
    DISTRICT,
    GRID,
    HANDLER,
    OWNER,
    PROVIDER,
    RESIDENT,
    ROLES,
    STREET_ABOVE,
    STREET_OTHER,
    perms_of,
)

pytestmark = pytest.mark.django_db

# ---------------------------------------------------------------- a resource
# who: manage (day sheet, check-in, close/reopen), edit_schedule of a provider's service and of a
# shared space (its area's admins run a space's diary, not a provider's), book (the residents of
# the community it serves; staff accounts without a resident record are not among them)
#                 manage  sched.service  sched.space  book
RESOURCE_GRID = {
    OWNER:            (0, 0, 0, 1),
    RESIDENT:         (0, 0, 0, 1),
    GRID:             (0, 0, 0, 0),
    BUILDING_LEADER:  (0, 0, 0, 0),
    CASEWORKER:       (1, 0, 0, 0),
    ADMIN_HERE:       (1, 0, 1, 0),
    ADMIN_NEIGHBOUR:  (0, 0, 0, 0),
    ADMIN_ELSEWHERE:  (0, 0, 0, 0),
    STREET_ABOVE:     (1, 0, 1, 0),
    STREET_OTHER:     (0, 0, 0, 0),
    DISTRICT:         (1, 0, 1, 0),
    CITY:             (1, 0, 1, 0),
    HANDLER:          (0, 0, 0, 0),
    PROVIDER:         (1, 1, 1, 0),
    ANONYMOUS:        (0, 0, 0, 0),
}


def _resource(tree, cast, kind):
    res = Resource.objects.create(name=f"猎德{kind}", kind=kind, region=tree.liede_sq, region_path=tree.liede_sq.path,
                                  audience=Resource.Audience.RESIDENTS, cancel_before_hours=2)
    res.served.add(tree.liede_sq)
    res.managers.add(cast[PROVIDER])
    return res


def _expected_resource(role, kind, state):
    manage, sched_service, sched_space, book = RESOURCE_GRID[role]
    schedule = sched_space if kind == Resource.Kind.SPACE else sched_service
    out = []
    if book and state == ResourceState.OPEN:
        out.append("book")
    if manage:
        out.append("manage")
    if schedule:
        out.append("edit_schedule")
    if manage:
        out.append("close" if state == ResourceState.OPEN else "reopen")
    return out


def test_the_grid_names_every_role():
    assert set(RESOURCE_GRID) == set(ROLES) == set(RESERVATION_ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_resource_actions_and_permissions(role, tree, cast):
    user = cast[role]
    got, want, perms, want_perms = {}, {}, {}, {}
    for kind in Resource.Kind.values:
        res = _resource(tree, cast, kind)
        manage, sched_service, sched_space, book = RESOURCE_GRID[role]
        perms[kind] = perms_of(user, ("booking.manage", "booking.edit_schedule", "booking.book"), res)
        want_perms[kind] = {p for p, yes in (("booking.manage", manage), ("booking.book", book), (
            "booking.edit_schedule", sched_space if kind == Resource.Kind.SPACE else sched_service)) if yes}
        for state in ResourceState.values:
            res.active = state == ResourceState.OPEN
            got[kind, state] = selectors.available_actions(user, res)
            want[kind, state] = _expected_resource(role, kind, state)
    assert perms == want_perms
    assert got == want


# ---------------------------------------------------------------- a reservation
# the resident is the one who booked; "staff" are those who run its resource (booking.manage)
RESERVATION_ROLES = {
    OWNER:            "booker",
    RESIDENT:         None,
    GRID:             None,
    BUILDING_LEADER:  None,
    CASEWORKER:       "staff",
    ADMIN_HERE:       "staff",
    ADMIN_NEIGHBOUR:  None,
    ADMIN_ELSEWHERE:  None,
    STREET_ABOVE:     "staff",
    STREET_OTHER:     None,
    DISTRICT:         "staff",
    CITY:             "staff",
    HANDLER:          None,
    PROVIDER:         "staff",
    ANONYMOUS:        None,
}

# when: two days ahead; its slot running (started ten minutes ago); its slot over
MOMENTS = ("before", "during", "after")
S = Reservation.Status

# (who, status, moment) -> the steps offered; anything not listed: none
STEPS = {
    **{("staff", S.REQUESTED, m): ["approve", "reject", "cancel"] for m in MOMENTS},
    ("staff", S.CONFIRMED, "before"): ["cancel"],
    ("staff", S.CONFIRMED, "during"): ["cancel", "check_in", "no_show"],  # check-in from 30 minutes before to its end
    ("staff", S.CONFIRMED, "after"): ["cancel", "no_show"],
    **{("staff", S.WAITING, m): ["cancel"] for m in MOMENTS},
    # the person cancels a held seat only before the resource's deadline; leaves a queue any time
    ("booker", S.REQUESTED, "before"): ["cancel"],
    ("booker", S.CONFIRMED, "before"): ["cancel"],
    **{("booker", S.WAITING, m): ["cancel"] for m in MOMENTS},
}

PERMS = ("booking.view_reservation", "booking.cancel_reservation", "booking.decide_reservation", "booking.check_in",
         "booking.mark_no_show")


def _reservation(res, booker, status, moment):
    now = timezone.now()
    start = {"before": now + dt.timedelta(days=2), "during": now - dt.timedelta(minutes=10),
             "after": now - dt.timedelta(hours=3)}[moment]
    slot = Slot(resource=res, starts_at=start, ends_at=start + dt.timedelta(hours=1), capacity=1)
    return Reservation(resource=res, slot=slot, user=booker, status=status, starts_at=start, region_path=res.region_path)


def _expected_perms(who, status, moment):
    if who == "staff":
        return set(PERMS)
    if who == "booker":
        late = status in (S.REQUESTED, S.CONFIRMED) and moment != "before"
        return {"booking.view_reservation"} | (set() if late else {"booking.cancel_reservation"})
    return set()


@pytest.mark.parametrize("role", ROLES)
def test_reservation_actions_and_permissions(role, tree, cast):
    user, who = cast[role], RESERVATION_ROLES[role]
    res = _resource(tree, cast, Resource.Kind.SERVICE)
    got, want, perms, want_perms = {}, {}, {}, {}
    for status in S.values:
        for moment in MOMENTS:
            r = _reservation(res, cast[OWNER], status, moment)
            got[status, moment] = selectors.available_actions(user, r)
            want[status, moment] = STEPS.get((who, status, moment), [])
            perms[status, moment] = perms_of(user, PERMS, r)
            want_perms[status, moment] = _expected_perms(who, status, moment)
    assert got == want
    assert perms == want_perms


def test_every_step_a_person_takes_is_offered_and_the_engines_own_are_not():
    offered = set(selectors.RESERVATION_ACTIONS.perms)
    assert offered == {a for a in Action.values if a not in SYSTEM}
    assert all(LIFECYCLE.allowed(s) or s in (S.CANCELLED, S.REJECTED, S.ATTENDED, S.NO_SHOW) for s in S.values)
