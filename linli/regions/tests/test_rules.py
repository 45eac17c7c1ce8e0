"""The rules grid of the registry: for every role, which permission it holds over a resident's
record in 猎德社区 第1网格 and over one in the neighbouring 第2网格 (``user.has_perm``, what the
pages and services check). Registry records have no lifecycle."""

from __future__ import annotations

import pytest

from linli.rules_grid import ROLES, perms_of

pytestmark = pytest.mark.django_db

PERMS = ("regions.view_registry", "regions.change_registry", "regions.reveal_personal", "regions.record_visit",
         "regions.view_audit")
VIEW, CHANGE, REVEAL, VISIT, AUDIT = PERMS
COMMUNITY_STAFF = {VIEW, CHANGE, REVEAL, VISIT}
#                            in the grid               in the next grid of the community
GRID = {
    "resident":                  (set(), set()),
    "other_resident":            (set(), set()),
    "grid_worker":               (COMMUNITY_STAFF, set()),  # their own grid only
    "building_leader":           (set(), set()),
    "caseworker":                (COMMUNITY_STAFF, COMMUNITY_STAFF),
    "community_admin":           (COMMUNITY_STAFF | {AUDIT}, COMMUNITY_STAFF | {AUDIT}),
    "community_admin_elsewhere": (set(), set()),
    "street_admin":              ({VIEW, AUDIT}, {VIEW, AUDIT}),  # reads and audits, does not change or unmask
    "street_admin_elsewhere":    (set(), set()),
    "district_admin":            ({VIEW, AUDIT}, {VIEW, AUDIT}),
    "city_admin":                ({VIEW, AUDIT}, {VIEW, AUDIT}),
    "manager":                   (set(), set()),
    "anonymous":                 (set(), set()),
}


def test_the_grid_names_every_role():
    assert set(GRID) == set(ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_registry_permissions(role, tree, cast, registry):
    user = cast[role]
    here = cast["resident"].resident
    next_grid = registry.resident(grid=tree.g_liede2, name="第2网格居民")
    assert (perms_of(user, PERMS, here), perms_of(user, PERMS, next_grid)) == GRID[role]
