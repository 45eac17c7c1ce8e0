"""Demo handling units, routing rules and work orders in every state (idempotent). Called by seed_demo."""

from __future__ import annotations

import datetime as dt
import random

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from linli.accounts.models import User
from linli.regions.models import Level, RegionNode
from linli.workorders import services
from linli.workorders.models import Category, HandlingUnit, RoutingRule, WorkOrder

REPORTS = [
    ("0201", "小区门口路灯不亮好几天了，晚上出行不安全", "北门岗亭旁"),
    ("0301", "3栋2单元电梯经常停在半层，老人被困过一次", "3栋2单元"),
    ("0101", "垃圾桶满了没人清，味道很大", "东侧垃圾房"),
    ("0402", "楼上每晚11点后还在拖动家具，噪音很大", "5栋1201"),
    ("0202", "人行道地砖松动，下雨踩上去溅水", "猎德大道辅道"),
    ("0502", "楼上漏水到我家卫生间天花板", "2栋803"),
    ("0701", "想咨询高龄津贴怎么申请", ""),
    ("0302", "地下车库积水没有及时清理", "地下车库B区"),
]


class Command(BaseCommand):
    help = "加载诉求工单演示数据(承办单位、派单规则、各状态工单)"

    @transaction.atomic
    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        city = RegionNode.objects.get(level=Level.CITY)
        fallback, _ = HandlingUnit.objects.get_or_create(name="市12345热线办", defaults={"kind": "department", "region": city, "region_path": city.path})
        RoutingRule.objects.get_or_create(category=None, region=city, defaults={"region_path": city.path, "unit": fallback})
        for street in RegionNode.objects.filter(level=Level.STREET):
            unit, _ = HandlingUnit.objects.get_or_create(name=f"{street.name}办事处", defaults={"kind": "street", "region": street, "region_path": street.path})
            RoutingRule.objects.get_or_create(category=None, region=street, defaults={"region_path": street.path, "unit": unit})
        liede_sq = RegionNode.objects.get(code="440106001001")
        prop, _ = HandlingUnit.objects.get_or_create(name="猎德花园物业服务中心", defaults={"kind": "property", "region": liede_sq, "region_path": liede_sq.path})
        RoutingRule.objects.get_or_create(category=Category.objects.get(code="03"), region=liede_sq, defaults={"region_path": liede_sq.path, "unit": prop})
        handler = User.objects.filter(username="handler_tianhe").first()
        if handler:
            HandlingUnit.objects.get(name="猎德街办事处").members.add(handler)
            prop.members.add(handler)
        if WorkOrder.objects.exists():
            return
        rng = random.Random(11)
        dispatcher = User.objects.get(username="liede_sq_admin")
        residents = list(User.objects.filter(username__startswith="r138001380").order_by("username"))
        grid = RegionNode.objects.get(code="440106001001001")
        for i, (code, text, where) in enumerate(REPORTS * 2):
            reporter = residents[i % len(residents)] if residents else dispatcher
            order = services.submit_order(actor=reporter, channel="web", category=Category.objects.get(code=code),
                                          description=text, region=grid, address=where, reporter=reporter)
            stage = i % 6
            if stage == 0:
                continue  # waiting to be registered
            services.register(actor=dispatcher, order=order)
            if stage == 1 or handler is None:
                continue
            services.accept(actor=handler, order=order)
            if stage == 2:
                if i % 4 == 0:  # an overdue one, for the supervision list
                    WorkOrder.objects.filter(pk=order.pk).update(due_at=timezone.now() - dt.timedelta(days=rng.randrange(1, 6)))
                continue
            services.report_done(actor=handler, order=order, result="已现场处置完毕")
            if stage == 3:
                continue
            services.verify(actor=dispatcher, order=order, passed=True, note="现场核实")
            if stage == 5:
                services.rate(actor=reporter, order=order, rating=rng.choice([5, 4, 4, 2]), comment="")
        from linli.core import supervision

        supervision.sweep()
        self.stdout.write(f"工单演示数据：{WorkOrder.objects.count()} 件")
