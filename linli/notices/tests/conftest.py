"""A compound in 猎德社区 第1网格 with two buildings: 1栋 (楼长 老李, households 101–103) and 2栋
(nobody responsible, household 201); a household in 华标社区 next door with its own 楼长."""

from __future__ import annotations

from typing import Any

import pytest


class Place:
    def __init__(self, tree: Any, registry: Any, make_user: Any) -> None:
        from linli.accounts.roles import Role
        from linli.regions import services as rs

        self.tree = tree
        root = registry.actor
        self.compound = rs.create_compound(actor=root, grid=tree.g_liede1, name="翠苑")
        self.b1 = rs.create_building(actor=root, compound=self.compound, name="1栋")
        self.b2 = rs.create_building(actor=root, compound=self.compound, name="2栋")
        self.households = []
        for b, number in ((self.b1, "101"), (self.b1, "102"), (self.b1, "103"), (self.b2, "201")):
            room = rs.create_room(actor=root, building=b, unit_name="1单元", number=number, exclusive_area="80")
            self.households.append(rs.create_household(actor=root, room=room))
        h = self.households
        self.reader = registry.resident(household=h[0], name="王读者", phone="13800000001")
        self.reader_user = make_user(Role.RESIDENT, tree.g_liede1, resident=self.reader, username="reader")
        self.leader_res = registry.resident(household=h[1], name="李楼长", phone="13800000002")
        self.leader = make_user(Role.BUILDING_LEADER, tree.g_liede1, resident=self.leader_res, username="leader")
        rs.assign_duty(actor=root, kind="building_leader", resident=self.leader_res, building=self.b1)
        self.no_account = registry.resident(household=h[2], name="赵无号", phone="13800000003")
        self.admin = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq, username="admin")
        self.grid_worker = make_user(Role.GRID_WORKER, tree.g_liede1, username="gridworker")
        # next door: 华标社区, its own compound, household, 楼长 and admin
        other_c = rs.create_compound(actor=root, grid=tree.g_huabiao, name="华景")
        self.other_b = rs.create_building(actor=root, compound=other_c, name="9栋")
        room = rs.create_room(actor=root, building=self.other_b, unit_name="1单元", number="901", exclusive_area="80")
        self.other_h = rs.create_household(actor=root, room=room)
        other_leader = registry.resident(household=self.other_h, name="邻楼长", phone="13800000009")
        self.other_leader = make_user(Role.BUILDING_LEADER, tree.g_huabiao, resident=other_leader, username="otherleader")
        rs.assign_duty(actor=root, kind="building_leader", resident=other_leader, building=self.other_b)
        self.other_admin = make_user(Role.COMMUNITY_ADMIN, tree.huabiao, username="otheradmin")
        self.other_street = make_user(Role.STREET_ADMIN, tree.shipai, username="otherstreet")
        self.street = make_user(Role.STREET_ADMIN, tree.liede, username="street")


@pytest.fixture
def place(tree: Any, registry: Any, make_user: Any) -> Place:
    return Place(tree, registry, make_user)


@pytest.fixture
def notice_of(place: Place) -> Any:
    from linli.notices import services

    def make(*, must_reach: bool = True, urgency: str = "normal", publish: bool = True, **where: Any) -> Any:
        where = where or {"compound_id": place.compound.pk}
        n = services.create_draft(actor=place.admin, title="停水通知", body="周六8时至12时停水，请提前储水。",
                                  must_reach=must_reach, urgency=urgency, **where)
        return services.publish(actor=place.admin, notice=n) if publish else n

    return make
