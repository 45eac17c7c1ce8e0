"""What the apps' rules grids share (adhocracy4 style: every action × every role × every state,
the expected answer written down): the roles, one person per role over 猎德社区 (where the tested
objects live), and the check of one cell against ``available_actions`` and ``has_perm``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser

from linli.accounts.roles import Role
from linli.core.lifecycle import Actions

OWNER = "owner"  # the applicant, the reporter (a resident of 猎德社区)
RESIDENT = "resident"  # another resident of the same community
GRID = "grid_worker"
CASEWORKER = "caseworker"
ADMIN_HERE = "community_admin_here"
ADMIN_ELSEWHERE = "community_admin_elsewhere"  # 泮塘社区, another district
STREET_ABOVE = "street_admin_above"  # 猎德街
STREET_OTHER = "street_admin_other"  # 石牌街, the same district
DISTRICT = "district_admin"  # 天河区
CITY = "city_admin"
HANDLER = "handler"  # a member of the handling unit (work orders); a department's handler elsewhere
PROVIDER = "provider_staff"  # on the provider's staff (station)
ANONYMOUS = "anonymous"

ROLES = (OWNER, RESIDENT, GRID, CASEWORKER, ADMIN_HERE, ADMIN_ELSEWHERE, STREET_ABOVE, STREET_OTHER, DISTRICT, CITY,
         HANDLER, PROVIDER, ANONYMOUS)


def make_actor(role: str, tree: Any, make_user: Any) -> Any:
    """One person holding ``role``; the owner and the handling-unit member are made by the grid
    (they are the owner or member of its object), as a plain resident / handler here."""
    if role == ANONYMOUS:
        return AnonymousUser()
    held = {
        OWNER: (Role.RESIDENT, tree.g_liede1), RESIDENT: (Role.RESIDENT, tree.g_liede1),
        GRID: (Role.GRID_WORKER, tree.g_liede1), CASEWORKER: (Role.CASEWORKER, tree.liede_sq),
        ADMIN_HERE: (Role.COMMUNITY_ADMIN, tree.liede_sq), ADMIN_ELSEWHERE: (Role.COMMUNITY_ADMIN, tree.pantang),
        STREET_ABOVE: (Role.STREET_ADMIN, tree.liede), STREET_OTHER: (Role.STREET_ADMIN, tree.shipai),
        DISTRICT: (Role.DISTRICT_ADMIN, tree.tianhe), CITY: (Role.CITY_ADMIN, tree.city),
        HANDLER: (Role.HANDLER, tree.tianhe), PROVIDER: (Role.PROVIDER_STAFF, tree.liede_sq),
    }[role]
    return make_user(held[0], held[1])


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
