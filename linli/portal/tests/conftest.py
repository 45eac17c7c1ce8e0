import datetime as dt

import pytest

from linli.core import registry
from linli.core.registry import PortalItem


@pytest.fixture
def sections():
    """The registered portal sections and searches, restored after the test; ``add`` registers one."""
    saved_sections = dict(registry._portal_sections)
    saved_searches = dict(registry._portal_searches)

    class Sections:
        def clear(self):
            registry._portal_sections.clear()
            registry._portal_searches.clear()

        def add(self, key, label, order, items, more=None):
            registry.register_portal_section(key, label, order=order, items=items, more_url=more)

        def search(self, key, label, fn):
            registry.register_portal_search(key, label, fn)

    yield Sections()
    registry._portal_sections.clear()
    registry._portal_sections.update(saved_sections)
    registry._portal_searches.clear()
    registry._portal_searches.update(saved_searches)


@pytest.fixture
def fake(sections):
    """Two fake sections (notices, then disclosures) whose items name the node they were asked for."""
    sections.clear()
    seen = []

    def notices(path, limit):
        seen.append(("notices", path, limit))
        return [PortalItem(f"停水通知 {path}", f"/n/{path}/1/", when=dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC),
                           summary="11月5日上午停水", badge="紧急"),
                PortalItem("垃圾分类宣传", "/n/2/", when=dt.date(2026, 10, 1))]

    def disclosures(path, limit):
        return [PortalItem(f"维修资金使用公示 {path}", "/d/1/", when=dt.date(2026, 11, 20), badge="公示中")]

    sections.add("disclosures", "公示公开", 20, disclosures, more=lambda path: f"/d/?area={path}")
    sections.add("notices", "通知公告", 10, notices, more=lambda path: f"/n/?area={path}")
    sections.seen = seen
    return sections


@pytest.fixture
def area(tree, make_user, registry):
    """A service centre with 错时 hours, a public venue, an offering and a work order with a
    reporter's name and phone — what the real sections show of the 猎德 area."""
    from linli.affairs.models import OpeningHours, ServiceCentre
    from linli.booking.models import Resource
    from linli.spaces.models import Venue

    centre = ServiceCentre.objects.create(name="猎德街党群服务中心", region=tree.liede, address="猎德路100号", phone="020-38880000")
    OpeningHours.objects.create(centre=centre, weekday=0, opens=dt.time(9), closes=dt.time(18))
    OpeningHours.objects.create(centre=centre, weekday=5, opens=dt.time(9), closes=dt.time(12), extended=True)
    ServiceCentre.objects.create(name="泮塘社区服务站", region=tree.pantang, address="泮塘路1号")
    res = Resource.objects.create(name="猎德活动室", kind=Resource.Kind.SPACE, region=tree.liede_sq,
                                  region_path=tree.liede_sq.path, audience=Resource.Audience.RESIDENTS)
    Venue.objects.create(name="猎德活动室", kind=Venue.Kind.ROOM, owner="猎德社区居委会", address="猎德路1号", resource=res)
    from linli.workorders.tests.conftest import Loop

    loop = Loop(tree, make_user, registry)
    order = loop.submit(contact_name="王小明", contact_phone="13912345678", address="5栋1201", anonymous=False)
    return {"centre": centre, "order": order}
