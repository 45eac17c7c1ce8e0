"""The rules grid of accounts: for every role, who holds ``accounts.manage_staff`` (the staff
admin pages) and whose account each may manage (``accounts.manage_user``: every role the target
holds is one they could grant — their rank or below, on a node inside theirs; never themselves;
an account without a role is the superusers' alone). Accounts have no lifecycle of their own."""

from __future__ import annotations

import pytest

from linli.accounts.roles import Role
from linli.rules_grid import ROLES

pytestmark = pytest.mark.django_db

TARGETS = {  # a second account next to the cast's: (role, node) in the tree
    "resident": (Role.RESIDENT, "g_liede1"),
    "grid_worker": (Role.GRID_WORKER, "g_liede1"),
    "caseworker": (Role.CASEWORKER, "liede_sq"),
    "community_admin": (Role.COMMUNITY_ADMIN, "liede_sq"),
    "community_admin_elsewhere": (Role.COMMUNITY_ADMIN, "huabiao"),
    "street_admin": (Role.STREET_ADMIN, "liede"),
    "district_admin": (Role.DISTRICT_ADMIN, "tianhe"),
    "no_role": (None, None),
}
BELOW_COMMUNITY = {"resident", "grid_worker", "caseworker"}  # in 猎德社区, rank 0
#                          manage_staff  manages the accounts of
GRID = {
    "resident":                  (0, set()),
    "other_resident":            (0, set()),
    "grid_worker":               (0, set()),
    "building_leader":           (0, set()),
    "caseworker":                (0, set()),
    "community_admin":           (1, BELOW_COMMUNITY | {"community_admin"}),
    "community_admin_elsewhere": (1, {"community_admin_elsewhere"}),
    "street_admin":              (1, BELOW_COMMUNITY | {"community_admin", "community_admin_elsewhere", "street_admin"}),
    "street_admin_elsewhere":    (1, set()),
    "district_admin":            (1, set(TARGETS) - {"no_role"}),
    "city_admin":                (1, set(TARGETS) - {"no_role"}),
    "manager":                   (0, set()),
    "anonymous":                 (0, set()),
}


def test_the_grid_names_every_role():
    assert set(GRID) == set(ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_account_permissions(role, tree, cast, make_user):
    user, (staff, manages) = cast[role], GRID[role]
    targets = {name: make_user(r, getattr(tree, node) if node else None, username=f"target_{name}")
               for name, (r, node) in TARGETS.items()}
    assert bool(user.has_perm("accounts.manage_staff")) == bool(staff)
    assert {name for name, t in targets.items() if user.has_perm("accounts.manage_user", t)} == manages
    if getattr(user, "pk", None):
        assert not user.has_perm("accounts.manage_user", user)  # never one's own account
