import pytest

from linli.accounts.roles import Role


class World:
    """猎德社区 with its caseworker and admin, the street admin above, the admin of the sibling
    华标社区, residents of 猎德 and of 华标 with registry records and accounts."""

    def __init__(self, tree, make_user, registry):
        from linli.core.calendar import invalidate

        invalidate()
        self.tree = tree
        self.worker = make_user(Role.CASEWORKER, tree.liede_sq, username="liede_worker")
        self.admin = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq, username="liede_admin")
        self.street = make_user(Role.STREET_ADMIN, tree.liede, username="liede_street")
        self.sibling = make_user(Role.COMMUNITY_ADMIN, tree.huabiao, username="huabiao_admin")
        self.sibling_worker = make_user(Role.CASEWORKER, tree.huabiao, username="huabiao_worker")
        self.other_street = make_user(Role.STREET_ADMIN, tree.shipai, username="shipai_street")
        me = registry.resident(household=registry.household(tree.g_liede1), name="欧阳明华", phone="13912345678")
        self.resident = make_user(Role.RESIDENT, tree.g_liede1, phone="13912345678", resident=me, username="liede_res")
        other = registry.resident(household=registry.household(tree.g_huabiao), name="司马青", phone="13787654321")
        self.outsider = make_user(Role.RESIDENT, tree.g_huabiao, phone="13787654321", resident=other, username="huabiao_res")
        self.id_number = registry.id_number()

    def publish(self, kind="disclosures.resolution", actor=None, region=None, **kw):
        from linli.disclosures import services

        kw.setdefault("title", "关于加装电梯的业主决议")
        kw.setdefault("content", "经业主大会表决，同意在1栋加装电梯，费用按楼层分摊。")
        return services.publish(actor=actor or self.worker, kind=kind, region=region or self.tree.liede_sq, **kw)

    def object(self, d, actor=None, **kw):
        from linli.disclosures import services

        kw.setdefault("text", "分摊比例没有经过一楼住户同意")
        return services.lodge_objection(actor=actor or self.resident, disclosure=d, **kw)


@pytest.fixture
def world(tree, make_user, registry):
    return World(tree, make_user, registry)
