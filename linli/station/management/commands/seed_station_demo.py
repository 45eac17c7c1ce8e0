"""Demo provider, offerings and shared spaces (idempotent). Called by seed_demo."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from linli.accounts.models import User
from linli.core.errors import DomainError
from linli.regions.models import RegionNode
from linli.station import services
from linli.station.models import Offering, Provider

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
        self._station()
        self._spaces()

    def _station(self) -> None:
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
        reviewed = self._bad_review(provider)
        self.stdout.write(f"驿站：1 家服务商，{len(OFFERINGS)} 项服务" + ("，1 条待回复的差评" if reviewed else ""))

    def _bad_review(self, provider: Provider) -> bool:
        """A resident who used a service last week and rated it 2 of 5: the provider's follow-up
        list and the community's follow-up figures have something to show."""
        from linli.booking import services as booking
        from linli.core.crypto import lookup_hash

        resident = User.objects.filter(phone_hash=lookup_hash("13800138000")).first()
        offering = Offering.objects.filter(provider=provider, title="上门理发").select_related("resource").first()
        if resident is None or offering is None:
            return False
        owner = User.objects.get(username="provider_demo")
        day = timezone.localdate() - dt.timedelta(days=6)
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
        try:
            res = booking.book(actor=resident, resource=offering.resource, starts_at=start, now=start - dt.timedelta(days=1))
            booking.check_in(actor=owner, code=res.code, now=start)
            services.review(actor=resident, reservation=res, rating=2, text="师傅来晚了四十分钟，也没提前打电话说一声。")
        except DomainError as exc:  # the demo city's calendar left no slot that day: no review, nothing else lost
            self.stdout.write(f"驿站：演示差评未生成（{exc.message}）")
            return False
        return True

    def _spaces(self) -> None:
        """A community room in every community of the demo city, a school ground in every street
        (the first community's school), and the two of 猎德 the pages show first."""
        from linli.regions.models import Level
        from linli.spaces import services as spaces
        from linli.spaces.models import Venue

        if Venue.objects.exists():
            self.stdout.write("共享场地：演示数据已存在")
            return
        admin = User.objects.filter(username="city_admin").first()
        community = RegionNode.objects.filter(code="440106001001").first()
        if not (admin and community):
            return
        terms = [("2026秋季学期", dt.date(2026, 9, 1), dt.date(2027, 1, 22)), ("2027春季学期", dt.date(2027, 2, 22), dt.date(2027, 7, 2))]
        spaces.open_venue(actor=admin, region=community, name="猎德小学运动场", kind="school_ground", owner="猎德小学",
                          address="猎德路1号", capacity=40, terms=terms, audience="everyone",
                          rules_text="请穿运动鞋；场内禁止吸烟和遛狗；离场时带走垃圾。", facilities="足球场、篮球场2块、跑道")
        spaces.open_venue(actor=admin, region=community, name="猎德社区多功能活动室", kind="room", owner="猎德社区居委会",
                          address="猎德社区党群服务中心二楼", capacity=1, slot_minutes=120, approval_required=True,
                          hours=[(d, dt.time(9), dt.time(21)) for d in range(7)], facilities="投影、音响、40把椅子",
                          rules_text="活动结束请恢复桌椅、关好门窗；室内禁止吸烟。")
        n = 2
        streets = RegionNode.objects.filter(level=Level.STREET).order_by("path")
        for s_i, street in enumerate(streets):
            communities = list(RegionNode.objects.filter(parent=street, level=Level.COMMUNITY).order_by("path"))
            for c_i, c in enumerate(communities):
                if c.pk == community.pk:
                    continue
                short = c.name.removesuffix("社区")
                evenings = [(d, dt.time(14), dt.time(21)) for d in range(5)] + [(d, dt.time(9), dt.time(21)) for d in (5, 6)]
                spaces.open_venue(actor=admin, region=c, name=f"{c.name}党群服务中心活动室", kind="room", owner=f"{c.name}居委会",
                                  address=f"{street.name}{short}路{c_i * 6 + 3}号二楼", capacity=1 + (c_i % 2) * 29,
                                  slot_minutes=120 if c_i % 2 == 0 else 60, approval_required=c_i % 2 == 0, hours=evenings,
                                  facilities="桌椅30套、投影" if c_i % 2 == 0 else "乒乓球台2张、棋牌桌", served=communities,
                                  rules_text="请按预约时段使用；室内禁止吸烟；活动结束请恢复原样。")
                n += 1
            if communities and street.code != "440106001000":
                school = communities[0].name.removesuffix("社区")
                spaces.open_venue(actor=admin, region=communities[0], name=f"{school}小学运动场", kind="school_ground",
                                  owner=f"{school}小学", address=f"{street.name}{school}路{s_i + 1}号", capacity=30 + s_i % 3 * 10,
                                  terms=terms, audience="everyone" if s_i % 2 else "residents", served=communities,
                                  facilities="篮球场、羽毛球场、200米跑道" if s_i % 2 else "足球场、跑道",
                                  rules_text="校园开放时段凭预约码入校；请穿运动鞋；禁止吸烟、饮酒和携带宠物。")
                n += 1
        self.stdout.write(f"共享场地：{n} 处")
