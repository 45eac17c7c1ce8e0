"""翠苑 in 猎德社区 第1网格: two buildings, seven exclusive units, four heads.

- 王业主 owns 1栋101 (80.00) and 1栋103 (100.00): one head of 180.00 (a buyer of several units);
- 李业主 owns 1栋102 (90.50) and parking space P01 (12.50): one head of 103.00;
- 陈 and 周 co-own 2栋201 (75.25): one head, no voter until they designate one;
- the developer still holds 2栋202 and 2栋203 (60.00 each): one head of 120.00.
Totals: 478.25 ㎡, 4 heads. Next door, 华标社区 has its own compound, admin and owner."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone


class World:
    def __init__(self, tree: Any, registry: Any, make_user: Any) -> None:
        from linli.accounts.roles import Role
        from linli.regions import services as rs

        self.tree = tree
        root = registry.actor
        self.compound = rs.create_compound(actor=root, grid=tree.g_liede1, name="翠苑")
        b1 = rs.create_building(actor=root, compound=self.compound, name="1栋")
        b2 = rs.create_building(actor=root, compound=self.compound, name="2栋")
        self.b1, self.b2 = b1, b2
        room = {}
        for b, number, area, use in ((b1, "101", "80.00", "residential"), (b1, "102", "90.50", "residential"),
                                     (b1, "103", "100.00", "residential"), (b1, "P01", "12.50", "parking"),
                                     (b2, "201", "75.25", "residential"), (b2, "202", "60.00", "residential"),
                                     (b2, "203", "60.00", "residential")):
            room[number] = rs.create_room(actor=root, building=b, unit_name="1单元", number=number, exclusive_area=area, use=use)
        self.rooms = room
        h101 = rs.create_household(actor=root, room=room["101"])
        h102 = rs.create_household(actor=root, room=room["102"])
        h201 = rs.create_household(actor=root, room=room["201"])
        self.wang = registry.resident(household=h101, name="王业主", phone="13900000001")
        self.li = registry.resident(household=h102, name="李业主", phone="13900000002")
        self.chen = registry.resident(household=h201, name="陈共有", phone="13900000003")
        self.zhou = registry.resident(household=h201, name="周共有", phone="13900000004")
        self.tenant = registry.resident(household=h101, name="租客", phone="13900000005")
        for number, who in (("101", self.wang), ("103", self.wang), ("102", self.li), ("P01", self.li)):
            rs.set_ownership(actor=root, room=room[number], kind="person", owner_name=who.name, resident=who)
        rs.set_ownership(actor=root, room=room["201"], kind="person", owner_name="陈共有", resident=self.chen, share="0.5")
        rs.set_ownership(actor=root, room=room["201"], kind="person", owner_name="周共有", resident=self.zhou, share="0.5")
        for number in ("202", "203"):
            rs.set_ownership(actor=root, room=room[number], kind="developer", owner_name="翠苑置业有限公司")
        self.wang_user = make_user(Role.RESIDENT, tree.g_liede1, resident=self.wang, phone="13900000001", username="wang")
        self.li_user = make_user(Role.RESIDENT, tree.g_liede1, resident=self.li, phone="13900000002", username="li")
        self.chen_user = make_user(Role.RESIDENT, tree.g_liede1, resident=self.chen, phone="13900000003", username="chen")
        self.zhou_user = make_user(Role.RESIDENT, tree.g_liede1, resident=self.zhou, phone="13900000004", username="zhou")
        self.tenant_user = make_user(Role.RESIDENT, tree.g_liede1, resident=self.tenant, phone="13900000005", username="tenant")
        self.admin = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq, username="admin")
        self.clerk1 = make_user(Role.CASEWORKER, tree.liede_sq, username="clerk1")
        self.clerk2 = make_user(Role.CASEWORKER, tree.liede_sq, username="clerk2")
        self.street = make_user(Role.STREET_ADMIN, tree.liede, username="street")
        self.other_admin = make_user(Role.COMMUNITY_ADMIN, tree.huabiao, username="otheradmin")
        other_c = rs.create_compound(actor=root, grid=tree.g_huabiao, name="华景")
        ob = rs.create_building(actor=root, compound=other_c, name="9栋")
        oroom = rs.create_room(actor=root, building=ob, unit_name="1单元", number="901", exclusive_area="88")
        oh = rs.create_household(actor=root, room=oroom)
        other = registry.resident(household=oh, name="邻业主", phone="13900000009")
        rs.set_ownership(actor=root, room=oroom, kind="person", owner_name="邻业主", resident=other)
        self.other_owner = make_user(Role.RESIDENT, tree.g_huabiao, resident=other, phone="13900000009", username="otherowner")
        self.other_compound = other_c

    def assembly(self, *, matters: list[dict[str, Any]] | None = None, opens_in: dt.timedelta = dt.timedelta(days=20),
                 **kw: Any) -> Any:
        from linli.assemblies import services

        opens = timezone.now() + opens_in
        return services.create_assembly(
            actor=self.admin, compound_id=self.compound.pk, title="翠苑2026年第一次业主大会", convener="preparatory_group",
            convener_name="翠苑业主大会筹备组", opens_at=opens, closes_at=opens + dt.timedelta(days=10),
            matters=matters or [{"item": 1, "title": "表决通过《业主大会议事规则》"}, {"item": 6, "title": "续筹专项维修资金"}], **kw)

    def voting(self, **kw: Any) -> Any:
        """An assembly whose roll is locked, called 16 days before opening, and now voting
        (the clock moved by passing ``now``)."""
        from linli.assemblies import services

        a = self.assembly(opens_in=dt.timedelta(minutes=-1), **kw)
        past = timezone.now() - dt.timedelta(days=16)
        services.freeze_roll(actor=self.admin, assembly=a, now=past - dt.timedelta(days=10))
        a.refresh_from_db()
        services.lock_roll(actor=self.admin, assembly=a)
        services.call(actor=self.admin, assembly=a, now=past - dt.timedelta(minutes=5))
        services.open_voting(actor=self.admin, assembly=a)
        a.refresh_from_db()
        return a

    def entry(self, assembly: Any, name: str) -> Any:
        from linli.assemblies.models import RollEntry

        return RollEntry.objects.get(roll__assembly=assembly, name__contains=name)


@pytest.fixture
def world(tree: Any, registry: Any, make_user: Any) -> World:
    return World(tree, registry, make_user)


@pytest.fixture
def vote(sms: dict[str, str]) -> Any:
    """Cast a ballot the way a phone does: ask for the code, then cast with it."""
    from linli.assemblies import services

    def cast(user: Any, assembly: Any, choices: dict[int, str], **kw: Any) -> Any:
        services.send_vote_code(actor=user, assembly=assembly)
        return services.cast(actor=user, assembly=assembly, choices=choices, code=sms[user.phone], **kw)

    return cast
