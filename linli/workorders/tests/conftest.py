import pytest

from linli.accounts.roles import Role
from linli.workorders import services
from linli.workorders.models import Category, HandlingUnit, RoutingRule, WorkOrder


class Loop:
    def __init__(self, tree, make_user, registry):
        # migrations seed these; a transactional test before this one may have flushed them
        from linli.core.calendar import invalidate
        from linli.core.calendar_seed import seed as seed_calendar
        from linli.core.models import CalendarDay
        from linli.workorders.catalogue import seed as seed_categories

        seed_categories(Category)
        seed_calendar(CalendarDay)
        invalidate()
        self.tree = tree
        self.city_unit = self.unit("市12345热线兜底", "department", tree.city)
        self.street_unit = self.unit("猎德街城管科", "street", tree.liede)
        self.property_unit = self.unit("猎德花园物业", "property", tree.liede_sq)
        self.rule(None, tree.city, self.city_unit)
        self.rule(None, tree.liede, self.street_unit)
        self.rule(Category.objects.get(code="03"), tree.liede_sq, self.property_unit)
        self.dispatcher = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)
        self.street_admin = make_user(Role.STREET_ADMIN, tree.liede)
        self.handler = make_user(Role.HANDLER, tree.liede)
        self.street_unit.members.add(self.handler)
        self.property_handler = make_user(Role.HANDLER, tree.liede_sq)
        self.property_unit.members.add(self.property_handler)
        me = registry.resident(household=registry.household(tree.g_liede1), name="报事人")
        self.resident = make_user(Role.RESIDENT, tree.g_liede1, phone="13900001111", resident=me)
        self.lamp = Category.objects.get(code="0201")  # 路灯不亮, 10 working days
        self.lift = Category.objects.get(code="0301")  # 电梯故障, 2 working days

    def unit(self, name, kind, node):
        return HandlingUnit.objects.create(name=name, kind=kind, region=node, region_path=node.path)

    def rule(self, category, node, unit):
        return RoutingRule.objects.create(category=category, region=node, region_path=node.path, unit=unit)

    def submit(self, category=None, *, actor=None, region=None, **kw) -> WorkOrder:
        kw.setdefault("description", "小区门口路灯一直不亮，晚上很危险")
        return services.submit_order(actor=actor or self.resident, channel=kw.pop("channel", "web"),
                                     category=category or self.lamp, region=region or self.tree.g_liede1, **kw)


@pytest.fixture
def loop(tree, make_user, registry):
    return Loop(tree, make_user, registry)


def sweep(now=None):
    """One pass of the supervision clock over work orders: how many were raised to each level."""
    from linli.core import supervision

    return supervision.sweep(now=now, names=["workorders.order"])["workorders.order"]


def escalations(order=None):
    """The kernel's records of the levels work orders were raised to (one order, or all)."""
    from linli.core.models import Escalation
    from linli.workorders.models import WorkOrder

    qs = Escalation.objects.of_model(WorkOrder).filter(kind="escalate")
    return qs.filter(object_id=order.pk) if order is not None else qs
