"""The rules grid of the registry: for every role, which permission it holds over a resident's
record in 猎德社区 第1网格 and over one in the neighbouring 第2网格 (``user.has_perm``, what the
pages and services check). Registry records have no lifecycle."""

from __future__ import annotations

import pytest

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

PERMS = ("regions.view_registry", "regions.change_registry", "regions.reveal_personal", "regions.record_visit",
         "regions.view_audit")
VIEW, CHANGE, REVEAL, VISIT, AUDIT = PERMS
COMMUNITY_STAFF = {VIEW, CHANGE, REVEAL, VISIT}
#                 in the grid               in the next grid of the community
TABLE = {
    OWNER:            (set(), set()),
    RESIDENT:         (set(), set()),
    GRID:             (COMMUNITY_STAFF, set()),  # their own grid only
    BUILDING_LEADER:  (set(), set()),
    CASEWORKER:       (COMMUNITY_STAFF, COMMUNITY_STAFF),
    ADMIN_HERE:       (COMMUNITY_STAFF | {AUDIT}, COMMUNITY_STAFF | {AUDIT}),
    ADMIN_NEIGHBOUR:  (set(), set()),
    ADMIN_ELSEWHERE:  (set(), set()),
    STREET_ABOVE:     ({VIEW, AUDIT}, {VIEW, AUDIT}),  # reads and audits, does not change or unmask
    STREET_OTHER:     (set(), set()),
    DISTRICT:         ({VIEW, AUDIT}, {VIEW, AUDIT}),
    CITY:             ({VIEW, AUDIT}, {VIEW, AUDIT}),
    HANDLER:          (set(), set()),
    PROVIDER:         (set(), set()),
    ANONYMOUS:        (set(), set()),
}


def test_the_grid_names_every_role():
    assert set(TABLE) == set(ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_registry_permissions(role, tree, cast, registry):
    user = cast[role]
    here = cast[OWNER].resident
    next_grid = registry.resident(grid=tree.g_liede2, name="第2网格居民")
    assert (perms_of(user, PERMS, here), perms_of(user, PERMS, next_grid)) == TABLE[role]
