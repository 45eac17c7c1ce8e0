"""Demo provider, offerings and shared spaces (idempotent). Called by seed_demo."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.db import transaction

from linli.accounts.models import User
from linli.regions.models import RegionNode
from linli.station import services
from linli.station.models import Provider

OFFERINGS = [
    ("长者助餐(午餐)", "meals", "low", "8元/餐，80岁以上免费", "两荤一素一汤，少盐少油，可代订送餐。", ["elder"], 11, 13, 60, 20),
    ("上门理发", "housekeeping", "low", "10元/次", "为行动不便的老人上门理发、修面。", ["elder"], 9, 17, 60, 2),
    ("家政保洁(2小时)", "housekeeping", "market", "120元/次", "日常保洁、厨房卫生间深度清洁。", [], 8, 18, 120, 3),
    ("社区法律咨询", "legal", "free", "", "律师驻点，婚姻家庭、劳动争议、物业纠纷咨询。", [], 14, 17, 30, 1),
    ("长者健康监测", "health", "free", "", "量血压、测血糖，家庭医生团队随访。", ["elder"], 9, 11, 30, 6),
    ("四点半课堂", "education", "free", "", "放学后作业辅导与阅读，志愿者老师带班。", ["child"], 16, 18, 120, 25),
]


class Command(BaseCommand):
    help = "加载驿站与共享空间演示数据"

    @transaction.atomic
    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        if Provider.objects.exists():
            self.stdout.write("驿站：演示数据已存在")
            return
        owner = User.objects.filter(username="provider_demo").first()
        admin = User.objects.filter(username="liede_admin").first()
        street = RegionNode.objects.filter(code="440106001000").first()
        community = RegionNode.objects.filter(code="440106001001").first()
        if not (owner and admin and street and community):
            return
        from linli.core.uscc import check_char

        body = "52440106MJL00008"
        provider = services.apply_provider(actor=owner, name="颐康长者综合服务中心", code=body + "1" + check_char(body + "1"),
                                           kind="social_org", contact_name="陈主任", contact_phone="13800009999",
                                           address="天河区猎德路8号", region=street)
        services.vet(actor=admin, provider=provider, decision="approve")
        for title, cat, price_type, price, desc, tags, opens, closes, minutes, seats in OFFERINGS:
            services.add_offering(actor=owner, provider=provider, title=title, category=cat, price_type=price_type, price=price,
                                  description=desc, communities=[community], weekdays=list(range(7)), opens=dt.time(opens),
                                  closes=dt.time(closes), slot_minutes=minutes, capacity=seats, tags=tags)
        from linli.spaces import services as spaces

        spaces.open_venue(actor=admin, region=community, name="猎德小学运动场", kind="school_ground", owner="猎德小学",
                          address="猎德路1号", capacity=40, terms=[("2026秋季学期", dt.date(2026, 9, 1), dt.date(2027, 1, 22)),
                                                                   ("2027春季学期", dt.date(2027, 2, 22), dt.date(2027, 7, 2))],
                          rules_text="请穿运动鞋；场内禁止吸烟和遛狗；离场时带走垃圾。", facilities="足球场、篮球场2块、跑道")
        spaces.open_venue(actor=admin, region=community, name="猎德社区多功能活动室", kind="room", owner="猎德社区居委会",
                          address="猎德社区党群服务中心二楼", capacity=1, slot_minutes=120, approval_required=True,
                          hours=[(d, dt.time(9), dt.time(21)) for d in range(7)], facilities="投影、音响、40把椅子")
        self.stdout.write(f"驿站：1 家服务商，{len(OFFERINGS)} 项服务，2 处共享场地")
