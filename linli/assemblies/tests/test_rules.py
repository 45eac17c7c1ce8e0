"""The rules grid of owners' assemblies: every action for every role in every state — the expected
answer written down, checked against ``selectors.available_actions`` (what pages and the API show)
and ``has_perm``. The assembly is of a compound in 猎德社区 第1网格; the owner is on its roll, the
other resident lives in the community but owns nothing there."""

from __future__ import annotations

import contextlib
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from linli.assemblies import selectors
from linli.assemblies.models import Assembly, Roll, RollEntry
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
    check_cell,
    make_actor,
    words,
)

pytestmark = pytest.mark.django_db

# states: (assembly status, roll status or None)
STATES = {
    "draft": ("draft", None), "draft_roll": ("draft", "disclosed"), "called": ("called", "locked"),
    "voting": ("voting", "locked"), "closed": ("closed", "locked"), "preliminary": ("preliminary", "locked"),
    "announced": ("announced", "locked"), "cancelled": ("cancelled", "disclosed"),
}
NOTHING = dict.fromkeys(STATES, "")
ORGANISER = {
    "draft": "freeze_roll cancel", "draft_roll": "lock_roll call cancel proxy", "called": "open cancel slips proxy",
    "voting": "extend close slips proxy paper", "closed": "publish_result paper", "preliminary": "announce",
    "announced": "", "cancelled": "",
}
CLERK = NOTHING | {"voting": "paper", "closed": "paper"}
TABLE = {
    OWNER: NOTHING | {"voting": "vote"}, RESIDENT: NOTHING, GRID: NOTHING, BUILDING_LEADER: NOTHING, CASEWORKER: CLERK,
    ADMIN_HERE: ORGANISER, ADMIN_NEIGHBOUR: NOTHING, ADMIN_ELSEWHERE: NOTHING, STREET_ABOVE: ORGANISER, STREET_OTHER: NOTHING,
    DISTRICT: NOTHING, CITY: NOTHING, HANDLER: NOTHING, PROVIDER: NOTHING, ANONYMOUS: NOTHING,
}
# The housing bureau (住建部门) is a role of this grid alone: on the assembly's district it reads
# everything and does nothing; on another district it sees nothing.
HOUSING_HERE, HOUSING_ELSEWHERE = "housing", "housing_elsewhere"
HOUSING = {HOUSING_HERE: "tianhe", HOUSING_ELSEWHERE: "liwan"}
TABLE |= {HOUSING_HERE: NOTHING, HOUSING_ELSEWHERE: NOTHING}
GRID_ROLES = (*ROLES, *HOUSING)
# who may open the assembly's staff pages (follow), and who sees it at all (view)
FOLLOW = {CASEWORKER, ADMIN_HERE, STREET_ABOVE, DISTRICT, CITY, HOUSING_HERE}


def _actor(role: str, world: dict[str, Any], tree: Any, make_user: Any, registry: Any) -> Any:
    from linli.accounts.roles import Role

    if role == OWNER:
        return world["owner"]
    if role in HOUSING:
        return make_user(Role.HOUSING, getattr(tree, HOUSING[role]), username=f"grid_{role}")
    return make_actor(role, tree, make_user, registry)


@pytest.fixture
def world(tree: Any, make_user: Any, registry: Any) -> dict[str, Any]:
    from linli.regions import services as rs

    owner_res = registry.resident(household=registry.household(tree.g_liede1, number="201"), name="业主")
    owner = make_user("resident", tree.g_liede1, resident=owner_res)
    room = registry.room(tree.g_liede1, compound="景苑", number="301")
    compound = room.building.compound
    rs.set_ownership(actor=registry.actor, room=room, kind="person", owner_name="业主", resident=owner_res)
    out = {}
    now = timezone.now()
    for name, (status, roll_status) in STATES.items():
        roll = None
        if roll_status:
            roll = Roll.objects.create(region_path=compound.region_path, compound=compound, scope_name="景苑", status=roll_status,
                                       total_area=Decimal("80"), total_heads=1, total_units=1)
            RollEntry.objects.create(roll=roll, seq=1, kind="person", owner_key=f"k{name}", name="业主", voter=owner_res,
                                     area=Decimal("80"))
        out[name] = Assembly.objects.create(title="业主大会", region_path=compound.region_path, compound=compound, roll=roll,
                                            convener="owners_committee", convener_name="业委会", status=status,
                                            opens_at=now, closes_at=now + timezone.timedelta(days=5))
    return {"owner": owner, "assemblies": out}


@pytest.mark.parametrize("role", GRID_ROLES)
def test_grid(role: str, world: dict[str, Any], tree: Any, make_user: Any, registry: Any) -> None:
    actor = _actor(role, world, tree, make_user, registry)
    for state, assembly in world["assemblies"].items():
        check_cell(selectors.ACTIONS, actor, assembly, words(TABLE[role][state]))
        assert actor.has_perm("assemblies.follow", assembly) == (role in FOLLOW), (role, state)


def test_the_grid_names_every_role() -> None:
    assert set(TABLE) == set(GRID_ROLES)


@pytest.mark.parametrize("role", GRID_ROLES)
def test_who_finds_the_assembly(role: str, world: dict[str, Any], tree: Any, make_user: Any, registry: Any) -> None:
    """Staff over the area and owners on the roll list it (owners not while it is a draft); a
    resident of the community reads what its disclosures publish once its roll is out; nobody of
    another community sees it at all."""
    actor = _actor(role, world, tree, make_user, registry)
    listed = set(selectors.assemblies_for(actor).values_list("pk", flat=True))
    a = world["assemblies"]
    if role in FOLLOW:
        assert listed == {x.pk for x in a.values()}
    elif role == OWNER:
        assert listed == {x.pk for k, x in a.items() if x.status != "draft"}
    else:
        assert listed == set()
    from linli.core.errors import NotFound

    public = set()
    for x in a.values():
        with contextlib.suppress(NotFound):
            public.add(selectors.public_assembly(actor, x.pk).pk)
    if role in FOLLOW or role in (OWNER, RESIDENT):
        assert public == {x.pk for k, x in a.items() if k != "draft"}, role
    else:
        assert public == set(), role
