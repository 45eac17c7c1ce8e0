import pytest

from linli.accounts.roles import Role
from linli.affairs.models import ServiceCentre, ServiceItem


class Desk:
    """Two windows in different districts, caseworkers at each, a resident of 猎德 with an account."""

    def __init__(self, tree, make_user, registry):
        from linli.affairs.catalogue import seed, seed_certificate_kinds
        from linli.affairs.models import CertificateKind, ItemMaterial
        from linli.core.calendar import invalidate
        from linli.core.calendar_seed import seed as seed_calendar
        from linli.core.models import CalendarDay

        seed(ServiceItem, ItemMaterial)  # a transactional test before this one may have flushed them
        seed_certificate_kinds(CertificateKind)
        seed_calendar(CalendarDay)
        invalidate()
        self.tree = tree
        self.liede_centre = ServiceCentre.objects.create(name="猎德社区党群服务中心", region=tree.liede_sq, address="猎德路1号")
        self.pantang_centre = ServiceCentre.objects.create(name="泮塘社区党群服务中心", region=tree.pantang, address="泮塘路2号")
        self.liede_worker = make_user(Role.CASEWORKER, tree.liede_sq)
        self.pantang_worker = make_user(Role.CASEWORKER, tree.pantang)
        self.huabiao_worker = make_user(Role.CASEWORKER, tree.huabiao)
        self.liede_admin = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)
        self.pantang_admin = make_user(Role.COMMUNITY_ADMIN, tree.pantang)
        self.street_admin = make_user(Role.STREET_ADMIN, tree.liede)
        me = registry.resident(household=registry.household(tree.g_liede1), name="申请人甲")
        self.resident = me
        self.user = make_user(Role.RESIDENT, tree.g_liede1, phone="13900003333", resident=me)
        self.elder = ServiceItem.objects.get(code="YL01")  # 高龄津贴, 10 working days
        self.insurance = ServiceItem.objects.get(code="YB01")  # 医保参保, 1 working day

    def online(self, item=None, **kw):
        """An online application with every required material uploaded (as the form asks)."""
        from linli.affairs import services

        item = item or self.elder
        kw.setdefault("files", {m.pk: b"%PDF-1.4 " + m.name.encode() for m in item.materials.all() if m.required})
        return services.apply_online(actor=self.user, item=item, **kw)

    def at_pantang(self, item=None, **kw):
        from linli.affairs import services

        item = item or self.elder
        kw.setdefault("received", self.all_materials(item))  # the caseworker ticks every material off
        return services.accept_at_window(actor=self.pantang_worker, centre=self.pantang_centre, item=item,
                                         resident=self.resident, **kw)

    @staticmethod
    def all_materials(item):
        return [m.pk for m in item.materials.all()]

    def decide(self, app, actor=None, outcome="approved"):
        """A matter the street or a department finishes: forwarded to them and their decision recorded."""
        from linli.affairs import services

        actor = actor or self.pantang_worker
        app = services.forward(actor=actor, app=app, to="")
        return services.return_from_department(actor=actor, app=app, outcome=outcome, note="审核意见")


@pytest.fixture
def desk(tree, make_user, registry):
    return Desk(tree, make_user, registry)
