"""The cast of the rules grids (``<app>/tests/test_rules.py``): one person per role around an
object in 猎德社区 (猎德街, 天河区), and the outsiders next to them — the community admin of the
neighbouring 华标社区, the street admin of 石牌街 — plus the named manager of a resource and an
anonymous visitor. Each grid tabulates, for every name below, what that person may do."""

from __future__ import annotations

from typing import Any

import pytest

ROLES = (
    "resident",  # a resident of the object's community (the booker, where there is one)
    "other_resident",  # another resident of the same community
    "grid_worker",
    "building_leader",
    "caseworker",
    "community_admin",  # of the object's community
    "community_admin_elsewhere",  # of the neighbouring community, same street
    "street_admin",  # of the street above
    "street_admin_elsewhere",  # of another street, same district
    "district_admin",
    "city_admin",
    "manager",  # provider staff named as a resource's manager (the grids name them)
    "anonymous",
)


class Cast(dict[str, Any]):
    def __init__(self, tree: Any, make_user: Any, registry: Any) -> None:
        from django.contrib.auth.models import AnonymousUser

        from linli.accounts.roles import Role

        super().__init__()
        t = tree
        for name, number in (("resident", "201"), ("other_resident", "202")):
            person = registry.resident(household=registry.household(t.g_liede1, number=number), name=f"{name}居民")
            self[name] = make_user(Role.RESIDENT, t.g_liede1, resident=person, username=f"grid_{name}")
        for name, role, node in (
            ("grid_worker", Role.GRID_WORKER, t.g_liede1),
            ("building_leader", Role.BUILDING_LEADER, t.g_liede1),
            ("caseworker", Role.CASEWORKER, t.liede_sq),
            ("community_admin", Role.COMMUNITY_ADMIN, t.liede_sq),
            ("community_admin_elsewhere", Role.COMMUNITY_ADMIN, t.huabiao),
            ("street_admin", Role.STREET_ADMIN, t.liede),
            ("street_admin_elsewhere", Role.STREET_ADMIN, t.shipai),
            ("district_admin", Role.DISTRICT_ADMIN, t.tianhe),
            ("city_admin", Role.CITY_ADMIN, t.city),
            ("manager", Role.PROVIDER_STAFF, t.liede_sq),
        ):
            self[name] = make_user(role, node, username=f"grid_{name}")
        self["anonymous"] = AnonymousUser()
        assert set(self) == set(ROLES)


@pytest.fixture
def cast(tree: Any, make_user: Any, registry: Any) -> Cast:
    return Cast(tree, make_user, registry)


def perms_of(user: Any, perms: Any, obj: Any = None) -> set[str]:
    """The permissions of ``perms`` the user holds on ``obj``."""
    return {p for p in perms if user.has_perm(p, obj)}
