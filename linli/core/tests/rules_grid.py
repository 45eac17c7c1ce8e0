"""What every app's rules grid shares (adhocracy4 style: every action × every role × every
state, the expected answer written down): one vocabulary of roles, one person per role around
an object in 猎德社区 (猎德街, 天河区) and the outsiders next to them, and the checks of one cell
against ``available_actions`` and ``has_perm``.

A grid either builds the one person a cell needs (``make_actor``) or takes the whole cast at
once (the ``cast`` fixture, for grids that compare people with each other); both come from the
same table, so a role means the same person in every grid.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from linli.accounts.roles import Role
from linli.core.lifecycle import Actions

OWNER = "owner"  # a resident of 猎德社区 第1网格: the applicant, the reporter, the booker, the recipient
RESIDENT = "resident"  # another resident of the same grid
GRID = "grid_worker"  # of 猎德社区 第1网格
BUILDING_LEADER = "building_leader"  # of 猎德社区 第1网格
CASEWORKER = "caseworker"  # of 猎德社区
ADMIN_HERE = "community_admin"  # of 猎德社区
ADMIN_NEIGHBOUR = "community_admin_neighbour"  # 华标社区: the next community of the same street
ADMIN_ELSEWHERE = "community_admin_elsewhere"  # 泮塘社区, in another district
STREET_ABOVE = "street_admin"  # 猎德街
STREET_OTHER = "street_admin_elsewhere"  # 石牌街, the same district
DISTRICT = "district_admin"  # 天河区
CITY = "city_admin"
HANDLER = "handler"  # a department's handler in 天河区 (a grid makes them a member of its handling unit)
PROVIDER = "provider_staff"  # provider staff in 猎德社区 (a grid names them a resource's manager)
ANONYMOUS = "anonymous"

ROLES = (OWNER, RESIDENT, GRID, BUILDING_LEADER, CASEWORKER, ADMIN_HERE, ADMIN_NEIGHBOUR, ADMIN_ELSEWHERE,
         STREET_ABOVE, STREET_OTHER, DISTRICT, CITY, HANDLER, PROVIDER, ANONYMOUS)

HELD = {  # role -> (the role held, the node of the test tree it is held on)
    OWNER: (Role.RESIDENT, "g_liede1"), RESIDENT: (Role.RESIDENT, "g_liede1"),
    GRID: (Role.GRID_WORKER, "g_liede1"), BUILDING_LEADER: (Role.BUILDING_LEADER, "g_liede1"),
    CASEWORKER: (Role.CASEWORKER, "liede_sq"), ADMIN_HERE: (Role.COMMUNITY_ADMIN, "liede_sq"),
    ADMIN_NEIGHBOUR: (Role.COMMUNITY_ADMIN, "huabiao"), ADMIN_ELSEWHERE: (Role.COMMUNITY_ADMIN, "pantang"),
    STREET_ABOVE: (Role.STREET_ADMIN, "liede"), STREET_OTHER: (Role.STREET_ADMIN, "shipai"),
    DISTRICT: (Role.DISTRICT_ADMIN, "tianhe"), CITY: (Role.CITY_ADMIN, "city"),
    HANDLER: (Role.HANDLER, "tianhe"), PROVIDER: (Role.PROVIDER_STAFF, "liede_sq"),
}
ROOM = {OWNER: "201", RESIDENT: "202"}  # the residents live in the registry, each in a household of their own


def make_actor(role: str, tree: Any, make_user: Any, registry: Any = None) -> Any:
    """The person holding ``role``. Given the ``registry`` fixture, the two residents are real
    residents of the registry (a household in 第1网格), as the grids that ask who lives where need."""
    if role == ANONYMOUS:
        return AnonymousUser()
    held, node = HELD[role]
    person = None
    if registry is not None and role in ROOM:
        person = registry.resident(household=registry.household(tree.g_liede1, number=ROOM[role]), name=f"{role}居民")
    return make_user(held, getattr(tree, node), resident=person, username=f"grid_{role}")


class Cast(dict[str, Any]):
    """Every role's person at once, by role name."""

    def __init__(self, tree: Any, make_user: Any, registry: Any) -> None:
        super().__init__((role, make_actor(role, tree, make_user, registry)) for role in ROLES)


@pytest.fixture
def cast(tree: Any, make_user: Any, registry: Any) -> Cast:
    return Cast(tree, make_user, registry)


def perms_of(user: Any, perms: Any, obj: Any = None) -> set[str]:
    """The permissions of ``perms`` the user holds on ``obj``."""
    return {p for p in perms if user.has_perm(p, obj)}


def words(text: str) -> set[str]:
    return set(text.split())


def check_cell(actions: Actions, actor: Any, obj: Any, expected: set[str]) -> None:
    """``available_actions`` is exactly the expected set; and for every action the object's state
    (and its own test) allows, the rules permission says yes exactly where the table does."""
    assert set(actions.for_(actor, obj)) == expected
    for action, perm in actions.perms.items():
        lc = actions.lifecycle
        in_state = lc is None or action not in lc.action.values or lc.can(getattr(obj, lc.field), action)
        test = actions.when.get(action)
        if in_state and (test is None or test(obj)):
            assert actor.has_perm(perm, obj) == (action in expected), (action, perm)
    for action in expected:
        assert actions.may(actor, obj, action)
