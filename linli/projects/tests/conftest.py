"""The consultation world (猎德社区 with four resident households and a 议事会; 华标社区 next door in
the same street, 猎德街; 石牌社区 in another street) with the district's registry of community
designers: one with a login serving 猎德街, one serving only 石牌街."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from linli.accounts.roles import Role
from linli.consultation.tests.conftest import PDF, World
from linli.projects import services

PNG = None


def png(color: str = "red") -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buf, format="PNG")
    return buf.getvalue()


class Projects(World):
    def __init__(self, tree: Any, make_user: Any, registry: Any) -> None:
        super().__init__(tree, make_user, registry)
        self.designer_user = make_user(Role.RESIDENT, tree.g_shipai, username="designer")
        self.designer = services.add_designer(actor=self.district, region=tree.tianhe, name="林设计", profession="建筑学",
                                              organisation="华南理工大学建筑设计研究院", streets=[tree.liede.code],
                                              phone="13700001111", username="designer")
        self.far_designer = services.add_designer(actor=self.district, region=tree.tianhe, name="石设计", profession="景观设计",
                                                  organisation="石牌景观工作室", streets=[tree.shipai.code])
        self.shipai_resident = make_user(Role.RESIDENT, tree.g_shipai, resident=registry.resident(
            household=registry.household(tree.g_shipai, compound="石苑"), name="石牌居民", phone="13922220000"),
            phone="13922220000", username="shipai_res")

    def call(self, **kw: Any) -> Any:
        kw.setdefault("region", self.tree.liede)
        kw.setdefault("title", "2027年猎德街微实事")
        kw.setdefault("description", "征集社区公共空间微改造、为老服务等小项目创意。")
        kw.setdefault("budget", Decimal("300000"))
        kw.setdefault("ideas_until", timezone.localdate() + dt.timedelta(days=20))
        kw.setdefault("body_id", self.body.pk if kw["region"] == self.tree.liede_sq else None)
        return services.open_call(actor=kw.pop("actor", self.street), **kw)

    def idea(self, call: Any, *, actor: Any = None, title: str = "3号楼前加装休闲座椅", kind: str = "works") -> Any:
        return services.propose(actor=actor or self.proposer, call=call, title=title, kind=kind,
                                description="3号楼前空地没有座椅，老人晒太阳无处可坐，建议加装。", location="猎德社区3号楼前")

    def designed(self, call: Any, p: Any, cost: str = "80000", days: int = 30) -> Any:
        services.assign_designer(actor=self.street, project=p, designer_id=self.designer.pk)
        p.refresh_from_db()
        return services.submit_design(actor=self.designer_user, project=p, cost=Decimal(cost), schedule_days=days,
                                      design="木质座椅六组，透水砖铺装二十平方米，配遮阳棚一座，便于老人休息。",
                                      drawings=("图纸.pdf", PDF))

    def review(self, p: Any, decision: str = "shortlist", votes: tuple[int, int, int] = (5, 1, 0)) -> Any:
        return services.record_review(actor=self.street, project=p, decision=decision, opinion="方案可行，造价合理。",
                                      meeting_on=timezone.localdate(), votes_for=votes[0], votes_against=votes[1],
                                      votes_abstain=votes[2])

    def shortlisted(self, call: Any, costs: tuple[str, ...] = ("80000", "150000", "120000")) -> list[Any]:
        authors = [self.proposer, self.r1, self.r2, self.r3]
        found = []
        for i, cost in enumerate(costs):
            p = self.idea(call, actor=authors[i % 4], title=f"微改造项目{i + 1}号")
            found.append(self.designed(call, p, cost=cost))
        services.close_ideas(actor=self.street, call=call)
        call.refresh_from_db()
        services.start_review(actor=self.street, call=call)
        for p in found:
            self.review(p)
        return found

    def voting(self, call: Any, costs: tuple[str, ...] = ("80000", "150000", "120000")) -> list[Any]:
        found = self.shortlisted(call, costs)
        now = timezone.now()
        call.refresh_from_db()
        services.start_vote(actor=self.street, call=call, opens=now - dt.timedelta(minutes=1), closes=now + dt.timedelta(days=7))
        return found


@pytest.fixture
def world(tree: Any, make_user: Any, registry: Any) -> Projects:
    return Projects(tree, make_user, registry)
