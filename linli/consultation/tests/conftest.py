"""猎德社区 with four households of residents (each with an account), a 议事会 of three members
(one of them a resident with an account), the community's admin and caseworker, the street and
the district above; next door 华标社区 has its own admin and resident. Work orders route to the
street's 城管科 (the work-order fixture ``Loop``), whose handler closes them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.accounts.roles import Role
from linli.consultation import services
from linli.workorders.tests.conftest import Loop


class World:
    def __init__(self, tree: Any, make_user: Any, registry: Any) -> None:
        self.tree = tree
        self.loop = Loop(tree, make_user, registry)
        self.community = tree.liede_sq
        self.residents = []
        for n in range(4):
            h = registry.household(tree.g_liede1, compound=f"苑{n}", number=f"{n + 1}01")
            person = registry.resident(household=h, name=f"居民{'甲乙丙丁'[n]}", phone=f"1390000{n:04d}")
            self.residents.append(make_user(Role.RESIDENT, tree.g_liede1, resident=person, phone=f"1390000{n:04d}",
                                            username=f"res{n}"))
        self.proposer, self.r1, self.r2, self.r3 = self.residents
        # a second account of the proposer's household (his spouse): the household supports once
        spouse = registry.resident(household=self.proposer.resident.household, name="居民配偶", phone="13900009999")
        self.spouse = make_user(Role.RESIDENT, tree.g_liede1, resident=spouse, phone="13900009999", username="spouse")
        self.admin = self.loop.dispatcher
        self.clerk = make_user(Role.CASEWORKER, tree.liede_sq, username="clerk")
        self.street = self.loop.street_admin
        self.district = make_user(Role.DISTRICT_ADMIN, tree.tianhe, username="district")
        self.other_admin = make_user(Role.COMMUNITY_ADMIN, tree.huabiao, username="other_admin")
        other = registry.resident(household=registry.household(tree.g_huabiao, compound="华苑"), name="华标居民", phone="13911110000")
        self.outsider = make_user(Role.RESIDENT, tree.g_huabiao, resident=other, phone="13911110000", username="outsider")
        services.seed_matters(tree.city)
        services.save_settings(actor=self.admin, community=self.community, support_threshold=3, answer_days=5, notice_days=3,
                               disclosure_days=15)
        self.body = services.create_body(actor=self.admin, community=self.community, kind="council", name="猎德社区议事会")
        self.m1 = services.add_member(actor=self.admin, body=self.body, name="居民乙", sector="representative", username="res1")
        self.m2 = services.add_member(actor=self.admin, body=self.body, name="物业代表", sector="property", organisation="猎德物业")
        self.m3 = services.add_member(actor=self.admin, body=self.body, name="社区民警", sector="unit", organisation="猎德派出所")
        self.matter = services.matters_for(self.community.path)[0]

    def propose(self, **kw: Any) -> Any:
        kw.setdefault("title", "3号楼前空地改建休闲区")
        kw.setdefault("content", "空地长期堆放杂物，建议清理后安装座椅和健身器材。")
        kw.setdefault("matter_id", self.matter.pk)
        return services.propose(actor=kw.pop("actor", self.proposer), community=self.community, **kw)

    def submitted(self) -> Any:
        t = self.propose()
        services.support(actor=self.r1, topic=t)
        services.support(actor=self.r2, topic=t)
        t.refresh_from_db()
        return t

    def taken_up(self) -> Any:
        return services.take_up(actor=self.admin, topic=self.submitted(), body_id=self.body.pk, form="meeting")

    def meeting(self, topic: Any, *, days: int = 4) -> Any:
        start = timezone.now() + dt.timedelta(days=days)
        return services.schedule_meeting(actor=self.admin, topic=topic, starts_at=start, ends_at=start + dt.timedelta(hours=2),
                                         place="社区党群服务中心二楼", agenda="一、介绍现状；二、讨论改建方案；三、形成意见。")

    def held(self, topic: Any) -> Any:
        m = self.meeting(topic)
        at = m.starts_at + dt.timedelta(minutes=10)
        services.record_attendance(actor=self.clerk, meeting=m, member_id=self.m2.pk, now=at)
        services.check_in(actor=self.r1, meeting=m, token=m.checkin_token, now=at)
        return services.close_meeting(actor=self.admin, meeting=m, minutes="同意清理空地，安装座椅和健身器材，物业负责日常维护。",
                                      dissent="一户认为应改建为停车位。", scan=("纪要.pdf", PDF))

    def decided(self, kinds: tuple[str, ...] = ("work_order",)) -> Any:
        t = self.taken_up()
        self.held(t)
        due = timezone.localdate() + dt.timedelta(days=30)
        return services.decide(actor=self.admin, topic=t, outcome="清理空地，安装座椅和健身器材，由物业日常维护。",
                               resolutions=[{"title": f"事项{i}", "kind": k, "owner": "猎德街城管科", "due_on": due}
                                            for i, k in enumerate(kinds, 1)])


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def world(tree: Any, make_user: Any, registry: Any) -> World:
    return World(tree, make_user, registry)
