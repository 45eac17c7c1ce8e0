"""A town for elections: 猎德社区 (two households in 翠苑: adults registered here, a minor who
comes of age on election day, tenants who moved in long and not long ago) and 华标社区 next door
with its own resident and admin."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class Town:
    def __init__(self, tree: Any, registry: Any, make_user: Any) -> None:
        from django.utils import timezone

        from linli.accounts.roles import Role
        from linli.regions import services as rs

        self.tree = tree
        self.day = timezone.localdate() + dt.timedelta(days=40)  # election day
        root = registry.actor
        compound = rs.create_compound(actor=root, grid=tree.g_liede1, name="翠苑")
        b1 = rs.create_building(actor=root, compound=compound, name="1栋")
        self.h = [rs.create_household(actor=root, room=rs.create_room(actor=root, building=b1, unit_name="1单元", number=n,
                                                                        exclusive_area="80")) for n in ("101", "102")]

        def person(name: str, household: Any, birth: dt.date, *, male: bool = True, **kw: Any) -> Any:
            return registry.resident(household=household, name=name, id_number=registry.id_number(birth=birth, male=male), **kw)

        self.father = person("张大山", self.h[0], dt.date(1975, 3, 1))
        self.mother = person("李秀英", self.h[0], dt.date(1978, 6, 2), male=False)
        self.son = person("张小山", self.h[0], years_before(self.day, 18))  # 18 on election day itself
        self.daughter = person("张小妹", self.h[0], years_before(self.day, 18) + dt.timedelta(days=1), male=False)  # one day short
        self.old_tenant = person("王租客", self.h[1], dt.date(1990, 1, 1), tags=["tenant"],
                                 moved_in=years_before(self.day, 2))
        self.new_tenant = person("赵新租", self.h[1], dt.date(1992, 1, 1), tags=["tenant"],
                                 moved_in=self.day - dt.timedelta(days=100))
        self.neighbour = registry.resident(grid=tree.g_huabiao, name="邻社区")
        self.admin = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq, username="admin")
        self.street = make_user(Role.STREET_ADMIN, tree.liede, username="street")
        self.caseworker = make_user(Role.CASEWORKER, tree.liede_sq, username="caseworker")
        self.other_admin = make_user(Role.COMMUNITY_ADMIN, tree.huabiao, username="otheradmin")
        self.father_user = make_user(Role.RESIDENT, tree.g_liede1, resident=self.father, username="father")
        self.daughter_user = make_user(Role.RESIDENT, tree.g_liede1, resident=self.daughter, username="daughter")
        self.neighbour_user = make_user(Role.RESIDENT, tree.g_huabiao, resident=self.neighbour, username="neighbour")
        self.registry = registry

    def adults(self, n: int, *, women: int = 0, representatives: bool = False) -> list[Any]:
        """``n`` adult residents registered here, each in a household of his own in 2栋 (the first
        ``women`` of them women); with ``representatives`` each is his household's 户代表."""
        from linli.regions import services as rs

        root = self.registry.actor
        compound = rs.create_compound(actor=root, grid=self.tree.g_liede1, name="雅苑")
        building = rs.create_building(actor=root, compound=compound, name="2栋")
        out = []
        surnames = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎"
        for i in range(n):
            room = rs.create_room(actor=root, building=building, unit_name="1单元", number=str(201 + i), exclusive_area="70")
            household = rs.create_household(actor=root, room=room)
            person = self.registry.resident(household=household, name=f"{surnames[i % len(surnames)]}{'秀' if i < women else '建'}{i}",
                                            id_number=self.registry.id_number(birth=dt.date(1970 + i % 30, 1 + i % 12, 1 + i % 28),
                                                                              male=i >= women))
            if representatives:
                rs.set_household_representative(actor=root, household=household, resident=person)
            out.append(person)
        return out

    def published(self, *, adults: int = 12, women: int = 2, **kw: Any) -> Any:
        """An election whose voter list is published, with ``adults`` more voters."""
        from linli.elections import services

        self.people = self.adults(adults, women=women, representatives=kw.get("mode") == "household")
        election = self.ready(**kw)
        services.publish_voters(actor=self.admin, election=election)
        election.refresh_from_db()
        return election

    def voter(self, election: Any, resident: Any) -> Any:
        from linli.elections.models import Voter

        return Voter.objects.get(election=election, resident=resident)

    def election(self, **kw: Any) -> Any:
        from linli.elections import services

        kw.setdefault("election_day", self.day)
        return services.create(actor=self.admin, community=self.tree.liede_sq, title="第十二届居委会换届选举", **kw)

    def committee(self, election: Any) -> None:
        from linli.elections import services

        for r, role in ((self.father, "chair"), (self.mother, "vice"), (self.old_tenant, "member")):
            services.add_member(actor=self.admin, election=election, resident_id=r.pk, role=role)

    def ready(self, **kw: Any) -> Any:
        """An election with its committee and its list built."""
        from linli.elections import services

        election = self.election(**kw)
        self.committee(election)
        services.build_voters(actor=self.admin, election=election)
        return election


@pytest.fixture
def town(tree: Any, registry: Any, make_user: Any) -> Town:
    return Town(tree, registry, make_user)
