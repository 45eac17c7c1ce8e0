import datetime as dt

import pytest

from linli.accounts.roles import Role
from linli.core import uscc


def make_uscc(body: str) -> str:
    return body + uscc.check_char(body)


class Station:
    def __init__(self, tree, make_user, registry):
        from linli.core.calendar import invalidate
        from linli.core.calendar_seed import seed as seed_calendar
        from linli.core.models import CalendarDay
        from linli.station import services

        seed_calendar(CalendarDay)
        invalidate()
        self.tree = tree
        self.owner = make_user(None)
        self.street_admin = make_user(Role.STREET_ADMIN, tree.liede)
        self.other_admin = make_user(Role.STREET_ADMIN, tree.changhua)
        elder = registry.resident(household=registry.household(tree.g_liede1, number="801"), name="王阿婆")
        elder.tags = ["elder"]
        elder.save()
        self.elder = make_user(Role.RESIDENT, tree.g_liede1, phone="13700000001", resident=elder)
        young = registry.resident(household=registry.household(tree.g_liede1, number="802"), name="小李")
        self.young = make_user(Role.RESIDENT, tree.g_liede1, phone="13700000002", resident=young)
        self.provider = services.apply_provider(
            actor=self.owner, name="颐康长者服务中心", code=make_uscc("52440106MJL00001"  + "2"), kind="social_org",
            contact_name="陈主任", contact_phone="13800001111", address="猎德路8号", region=tree.liede)

    def approve(self):
        from linli.station import services

        return services.vet(actor=self.street_admin, provider=self.provider, decision="approve")

    def offer(self, title="长者助餐(午餐)", category="meals", tags=("elder",), capacity=1, **kw):
        from linli.station import services

        return services.add_offering(actor=self.owner, provider=self.provider, title=title, category=category,
                                     price_type=kw.pop("price_type", "low"), price="8元/餐", description="荤素搭配，少盐少油",
                                     communities=[self.tree.liede_sq], weekdays=list(range(7)), opens=dt.time(11),
                                     closes=dt.time(12), capacity=capacity, tags=list(tags), **kw)


@pytest.fixture
def station(tree, make_user, registry):
    return Station(tree, make_user, registry)
