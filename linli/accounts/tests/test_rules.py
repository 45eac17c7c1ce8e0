"""The rules grid of accounts: for every role, who holds ``accounts.manage_staff`` (the staff
admin pages) and whose account each may manage (``accounts.manage_user``: every role the target
holds is one they could grant — their rank or below, on a node inside theirs; never themselves;
an account without a role is the superusers' alone). Accounts have no lifecycle of their own."""

from __future__ import annotations

import pytest

from linli.accounts.roles import Role
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
)

pytestmark = pytest.mark.django_db

TARGETS = {  # a second account next to the cast's: (role, node) in the tree
    OWNER:            (Role.RESIDENT, "g_liede1"),
    GRID:             (Role.GRID_WORKER, "g_liede1"),
    CASEWORKER:       (Role.CASEWORKER, "liede_sq"),
    ADMIN_HERE:       (Role.COMMUNITY_ADMIN, "liede_sq"),
    ADMIN_NEIGHBOUR:  (Role.COMMUNITY_ADMIN, "huabiao"),
    STREET_ABOVE:     (Role.STREET_ADMIN, "liede"),
    DISTRICT:         (Role.DISTRICT_ADMIN, "tianhe"),
    "no_role": (None, None),
}
BELOW_COMMUNITY = {OWNER, GRID, CASEWORKER}  # in 猎德社区, rank 0
#               manage_staff  manages the accounts of
TABLE = {
    OWNER:            (0, set()),
    RESIDENT:         (0, set()),
    GRID:             (0, set()),
    BUILDING_LEADER:  (0, set()),
    CASEWORKER:       (0, set()),
    ADMIN_HERE:       (1, BELOW_COMMUNITY | {ADMIN_HERE}),
    ADMIN_NEIGHBOUR:  (1, {ADMIN_NEIGHBOUR}),
    ADMIN_ELSEWHERE:  (1, set()),  # 泮塘社区: none of the targets is in their community
    STREET_ABOVE:     (1, BELOW_COMMUNITY | {ADMIN_HERE, ADMIN_NEIGHBOUR, STREET_ABOVE}),
    STREET_OTHER:     (1, set()),
    DISTRICT:         (1, set(TARGETS) - {"no_role"}),
    CITY:             (1, set(TARGETS) - {"no_role"}),
    HANDLER:          (0, set()),
    PROVIDER:         (0, set()),
    ANONYMOUS:        (0, set()),
}


def test_the_grid_names_every_role():
    assert set(TABLE) == set(ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_account_permissions(role, tree, cast, make_user):
    user, (staff, manages) = cast[role], TABLE[role]
    targets = {name: make_user(r, getattr(tree, node) if node else None, username=f"target_{name}")
               for name, (r, node) in TARGETS.items()}
    assert bool(user.has_perm("accounts.manage_staff")) == bool(staff)
    assert {name for name, t in targets.items() if user.has_perm("accounts.manage_user", t)} == manages
    if getattr(user, "pk", None):
        assert not user.has_perm("accounts.manage_user", user)  # never one's own account
