"""The rules grid of shared spaces: for every role and every state of a venue (open or closed,
listed or not), what ``selectors.available_actions`` offers and what ``user.has_perm`` answers,
against one table."""

from __future__ import annotations

import pytest

from linli.booking.models import Resource
from linli.booking.states import ResourceState
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
from linli.spaces import selectors
from linli.spaces.models import Venue

pytestmark = pytest.mark.django_db

# open: open a venue in the object's community / somewhere (an admin anywhere);
# edit: its text, rules, hours, closing and reopening (booking.edit_schedule on its resource);
# bookings: its day sheet and check-in (booking.manage); book: the residents it is open to
#                 open here  open somewhere  edit  bookings  book
TABLE = {
    OWNER:            (0, 0, 0, 0, 1),
    RESIDENT:         (0, 0, 0, 0, 1),
    GRID:             (0, 0, 0, 0, 0),
    BUILDING_LEADER:  (0, 0, 0, 0, 0),
    CASEWORKER:       (0, 0, 0, 1, 0),
    ADMIN_HERE:       (1, 1, 1, 1, 0),
    ADMIN_NEIGHBOUR:  (0, 1, 0, 0, 0),
    ADMIN_ELSEWHERE:  (0, 1, 0, 0, 0),
    STREET_ABOVE:     (1, 1, 1, 1, 0),
    STREET_OTHER:     (0, 1, 0, 0, 0),
    DISTRICT:         (1, 1, 1, 1, 0),
    CITY:             (1, 1, 1, 1, 0),
    HANDLER:          (0, 0, 0, 0, 0),
    PROVIDER:         (0, 0, 1, 1, 0),  # named on the venue's resource
    ANONYMOUS:        (0, 0, 0, 0, 0),
}
STATES = [(state, public) for state in ResourceState.values for public in (True, False)]


def _venue(tree, cast):
    res = Resource.objects.create(name="猎德活动室", kind=Resource.Kind.SPACE, region=tree.liede_sq,
                                  region_path=tree.liede_sq.path, audience=Resource.Audience.RESIDENTS)
    res.served.add(tree.liede_sq)
    res.managers.add(cast[PROVIDER])
    return Venue.objects.create(name=res.name, kind=Venue.Kind.ROOM, owner="猎德社区居委会", address="猎德路1号", resource=res)


def _expected(role, state, public):
    _here, _somewhere, edit, bookings, book = TABLE[role]
    out = []
    if book and public and state == ResourceState.OPEN:
        out.append("book")
    if edit:
        out += ["edit", "schedule"]
    if bookings:
        out.append("bookings")
    if edit:
        out.append("close" if state == ResourceState.OPEN else "reopen")
    return out


def test_the_grid_names_every_role():
    assert set(TABLE) == set(ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_venue_actions_and_permissions(role, tree, cast):
    user, (here, somewhere, edit, bookings, book) = cast[role], TABLE[role]
    v = _venue(tree, cast)
    assert bool(user.has_perm("spaces.open_venue", tree.liede_sq)) == bool(here)
    assert bool(user.has_perm("spaces.open_venue")) == bool(somewhere)
    got, want = {}, {}
    for state, public in STATES:
        v.resource.active, v.public = state == ResourceState.OPEN, public
        got[state, public] = selectors.available_actions(user, v)
        want[state, public] = _expected(role, state, public)
        assert perms_of(user, ("spaces.edit_venue", "spaces.manage_bookings", "spaces.book_venue"), v) == {
            p for p, yes in (("spaces.edit_venue", edit), ("spaces.manage_bookings", bookings),
                             ("spaces.book_venue", book and public)) if yes}, (state, public)
    assert got == want


def test_the_api_returns_the_actions_of_the_caller(tree, cast, client):
    v = _venue(tree, cast)
    for role in (ADMIN_HERE, OWNER, ADMIN_NEIGHBOUR):
        client.force_login(cast[role])
        assert client.get(f"/api/v1/spaces/venues/{v.pk}").json()["actions"] == _expected(role, ResourceState.OPEN, True)
    client.force_login(cast[PROVIDER])
    assert client.get("/api/v1/spaces/managed").json()["items"][0]["actions"] == _expected(PROVIDER, ResourceState.OPEN, True)
