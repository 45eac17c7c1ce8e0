"""Demo notices (idempotent): a community notice of 猎德社区, a must-reach notice to the compound of
the demo building leader (some households already confirmed), and a corrected one from the street."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from linli.accounts.models import User
from linli.notices import services
from linli.notices.models import Notice
from linli.regions.models import MobilisationDuty, RegionNode


class Command(BaseCommand):
    help = "加载演示通知公告(可重复执行)"

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        if Notice.objects.exists():
            self.stdout.write("演示通知已存在")
            return
        admin = User.objects.get(username="liede_sq_admin")
        street = User.objects.get(username="liede_admin")
        community = RegionNode.objects.get(code="440106001001")
        n = services.create_draft(actor=admin, title="关于开展社区环境卫生大扫除的通知", node=community,
                                  body="本周六上午9时起开展社区环境卫生大扫除，欢迎居民参与。\n集合地点：社区党群服务中心门前。")
        services.publish(actor=admin, notice=n)
        duty = MobilisationDuty.objects.filter(kind="building_leader", active=True, region_path__startswith=community.path).select_related(
            "building").first()
        if duty is not None:
            n = services.create_draft(actor=admin, title="小区二次供水设施清洗停水通知", must_reach=True, urgency="urgent",
                                      compound_id=duty.building.compound_id, reminder_after=24,
                                      body="因二次供水设施清洗，下周二8时至18时小区停水，请各户提前储水。\n如有困难请联系楼长或社区。")
            n = services.publish(actor=admin, notice=n)
            for user in User.objects.filter(resident__household__room__building__compound_id=duty.building.compound_id,
                                            is_active=True)[:2]:
                if user.has_perm("notices.confirm", n):
                    services.confirm(actor=user, notice=n)
        n = services.create_draft(actor=street, title="猎德街防汛防台风提示", node=community.parent,
                                  body="近期有强降雨，请居民减少外出，注意用电安全。")
        n = services.publish(actor=street, notice=n)
        services.correct(actor=street, notice=n, title="猎德街防汛防台风提示", note="补充避险场所",
                         body="近期有强降雨，请居民减少外出，注意用电安全。\n临时避险场所：猎德小学体育馆。")
        self.stdout.write(f"已生成 {Notice.objects.count()} 条演示通知")
