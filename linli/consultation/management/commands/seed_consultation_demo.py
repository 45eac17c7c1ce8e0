"""Demo consultation (idempotent) in 猎德社区, the demo resident's community: the city's list of
matters; a 议事会 of seven members (the demo resident among them); five topics at every stage —

- 楼道声控灯改为感应常亮灯: entered by the caseworker for 王阿婆, gathering supports (the demo
  resident can support it);
- 垃圾分类投放点调整: proposed by the community, waiting for an answer;
- 小区停车秩序整治: taken up, its meeting in five days (the demo resident is invited);
- 社区长者饭堂增设助餐点: decided twelve days ago, one resolution carried out by a work order
  (dispatched to the street), one at 60 %, the result disclosed;
- 3号楼前空地改建休闲区: proposed by the demo resident seven weeks ago, consulted, done and
  disclosed, waiting for his rating.

Past steps are replayed on their own dates (``core.demo.replayed``)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from linli.accounts.models import User
from linli.consultation import services
from linli.consultation.models import Topic
from linli.core.crypto import lookup_hash
from linli.core.demo import replayed
from linli.regions.models import Household, RegionNode

LIEDE = "440106001001"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
MEMBERS = (("居民代表", "representative", ""), ("业委会主任", "owners", "猎德花园业主委员会"),
           ("物业项目经理", "property", "猎德花园物业服务中心"), ("社区民警", "unit", "猎德派出所"),
           ("社工站站长", "social", "猎德街社工服务站"), ("社区党委委员", "community", ""))


class Command(BaseCommand):
    help = "加载演示议事协商(可重复执行)"

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        for city in RegionNode.objects.filter(level="city"):
            services.seed_matters(city)
        community = RegionNode.objects.filter(path=LIEDE).first()
        admin = User.objects.filter(username="liede_sq_admin").first()
        clerk = User.objects.filter(username="liede_caseworker").first()
        me = User.objects.filter(phone_hash=lookup_hash("13800138000")).select_related("resident").first()
        if community is None or admin is None or clerk is None or me is None or me.resident is None:
            self.stdout.write("没有演示社区或账号，跳过议事协商")
            return
        if Topic.objects.filter(region_path=community.path).exists():
            self.stdout.write("演示议事协商已存在")
            return
        with transaction.atomic():
            self._build(community, admin, clerk, me)

    def _build(self, community: RegionNode, admin: User, clerk: User, me: User) -> None:
        today = timezone.localdate()
        resident = me.resident
        assert resident is not None
        matters = {m.name: m for m in services.matters_for(community.path)}
        with replayed(today - dt.timedelta(days=60)):
            services.save_settings(actor=admin, community=community, support_threshold=5, answer_days=5, notice_days=3,
                                   disclosure_days=15)
            body = services.create_body(actor=admin, community=community, kind="council", name="猎德社区议事会",
                                        term_starts=today - dt.timedelta(days=400), term_ends=today + dt.timedelta(days=1400))
            services.add_member(actor=admin, body=body, name=resident.name, sector="resident", username=me.username)
            members = [services.add_member(actor=admin, body=body, name=name, sector=sector, organisation=org)
                       for name, sector, org in MEMBERS]
        self._completed(community, admin, clerk, me, body, members, matters, today)
        self._implementing(community, admin, clerk, body, members, matters, today)
        # taken up, the meeting in five days
        with replayed(today - dt.timedelta(days=3)):
            t = services.propose(actor=admin, community=community, title="小区停车秩序整治", source="staff",
                                 content="晚间车辆占用消防通道和人行道，居民出行和消防安全受影响，需商定停车规则和管理办法。",
                                 matter_id=matters["停车管理与交通秩序"].pk)
            services.take_up(actor=admin, topic=t, body_id=body.pk, form="meeting", answer="社区已受理，将召开议事会协商停车规则")
        start = timezone.localtime().replace(hour=19, minute=30, second=0, microsecond=0) + dt.timedelta(days=5)
        services.schedule_meeting(actor=admin, topic=t, starts_at=start, ends_at=start + dt.timedelta(hours=2), place="猎德社区党群服务中心二楼会议室",
                                  agenda="一、物业通报停车现状与投诉情况；二、讨论划线停车、错峰停车和违停处理办法；三、形成协商意见。\n材料：停车位分布图、近三个月投诉统计。")
        # waiting for an answer
        with replayed(today - dt.timedelta(days=2)):
            services.propose(actor=admin, community=community, title="垃圾分类投放点调整", source="staff",
                             content="2栋旁投放点离住户窗户太近，夏天异味明显；拟迁至北门绿化带旁，需听取居民意见。",
                             matter_id=matters["环境卫生与垃圾分类"].pk)
        # gathering supports, entered for 王阿婆
        lamp = services.propose(actor=clerk, community=community, title="楼道声控灯改为感应常亮灯", on_behalf_of="王阿婆",
                                content="老人晚上上下楼，声控灯常常不亮，容易摔倒；建议改为人体感应灯并在夜间保持低亮度常亮。",
                                matter_id=matters["社区公共设施建设和管理"].pk)
        for number in Household.objects.filter(region_path__startswith=community.path).exclude(pk=resident.household_id or 0).order_by(
                "-pk").values_list("number", flat=True)[:2]:
            services.record_support(actor=clerk, topic=lamp, household_number=number)
        self.stdout.write(f"演示议事协商：{community.name}，议题 {Topic.objects.filter(region_path=community.path).count()} 个")

    def _meeting(self, admin: User, clerk: User, t: Topic, body, members, day: dt.date, minutes: str, dissent: str = "") -> None:  # type: ignore[no-untyped-def]
        with replayed(day - dt.timedelta(days=4)):
            start = timezone.now() + dt.timedelta(days=4, hours=10)
            m = services.schedule_meeting(actor=admin, topic=t, starts_at=start, ends_at=start + dt.timedelta(hours=2),
                                          place="猎德社区党群服务中心二楼会议室", agenda="一、介绍议题和现状；二、讨论方案；三、形成协商意见。")
        with replayed(day, hour=19):
            for member in members[:5]:
                services.record_attendance(actor=clerk, meeting=m, member_id=member.pk, now=m.starts_at + dt.timedelta(minutes=5))
            services.record_attendance(actor=clerk, meeting=m, name="李伯", now=m.starts_at + dt.timedelta(minutes=8))
            services.close_meeting(actor=admin, meeting=m, minutes=minutes, dissent=dissent, scan=("协商纪要.pdf", PDF))

    def _completed(self, community, admin, clerk, me, body, members, matters, today) -> None:  # type: ignore[no-untyped-def]
        neighbours = list(Household.objects.filter(region_path__startswith=community.path).exclude(pk=me.resident.household_id)
                          .order_by("pk").values_list("number", flat=True)[:6])
        with replayed(today - dt.timedelta(days=50)):
            t = services.propose(actor=me, community=community, title="3号楼前空地改建休闲区",
                                 content="3号楼前空地长期堆放杂物、蚊虫多。建议清理后铺设透水砖，安装座椅、遮阳棚和几件健身器材，方便老人和孩子活动。",
                                 matter_id=matters["绿化美化与公共空间微改造"].pk)
            for number in neighbours[:4]:  # signed on the paper form, entered by the caseworker
                services.record_support(actor=clerk, topic=t, household_number=number)
        with replayed(today - dt.timedelta(days=47)):
            services.take_up(actor=admin, topic=t, body_id=body.pk, form="meeting", answer="社区已受理，将召开议事会协商改建方案")
        self._meeting(admin, clerk, t, body, members, today - dt.timedelta(days=40),
                      minutes="与会成员一致同意清理空地改建休闲区：铺设透水砖，安装座椅4张、遮阳棚1个、健身器材3件；物业负责日常保洁和维护。",
                      dissent="一户居民建议改为临时停车位，会议记录在案，考虑到消防通道要求未采纳。")
        with replayed(today - dt.timedelta(days=39)):
            services.decide(actor=admin, topic=t, outcome="清理3号楼前空地，改建为居民休闲区；设施由社区微实事资金支付，物业负责日常维护。",
                            resolutions=[{"title": "清理空地并铺设透水砖", "kind": "community", "owner": "猎德社区居委会", "due_on": today - dt.timedelta(days=20)},
                                         {"title": "安装座椅、遮阳棚和健身器材", "kind": "community", "owner": "猎德花园物业服务中心", "due_on": today - dt.timedelta(days=10)}])
            services.disclose(actor=admin, topic=t)
        a, b = t.resolutions.order_by("position")
        with replayed(today - dt.timedelta(days=30)):
            services.progress(actor=clerk, resolution=a, percent=50, note="杂物已清理完毕，正在铺砖")
        with replayed(today - dt.timedelta(days=22)):
            services.finish(actor=clerk, resolution=a, note="透水砖铺设完成")
        with replayed(today - dt.timedelta(days=15)):
            services.progress(actor=clerk, resolution=b, percent=70, note="座椅和遮阳棚已安装，健身器材到货")
        with replayed(today - dt.timedelta(days=12)):
            services.finish(actor=clerk, resolution=b, note="健身器材安装并通过验收")

    def _implementing(self, community, admin, clerk, body, members, matters, today) -> None:  # type: ignore[no-untyped-def]
        with replayed(today - dt.timedelta(days=25)):
            t = services.propose(actor=admin, community=community, title="社区长者饭堂增设助餐点", source="staff",
                                 content="社区60岁以上老人约1800人，现有长者饭堂距离东片小区较远，拟在东片增设助餐点并开通送餐。",
                                 matter_id=matters["养老托育等为民服务项目"].pk)
            services.take_up(actor=admin, topic=t, body_id=body.pk, form="meeting")
        self._meeting(admin, clerk, t, body, members, today - dt.timedelta(days=13),
                      minutes="同意在东片活动中心一楼增设助餐点，由街道长者饭堂统一配餐；开通行动不便老人送餐服务；场地改造由街道城管科协调。")
        with replayed(today - dt.timedelta(days=12)):
            services.decide(actor=admin, topic=t, outcome="在东片活动中心一楼增设长者助餐点，开通送餐服务。",
                            resolutions=[{"title": "助餐点场地改造(水电、无障碍坡道)", "kind": "work_order", "owner": "猎德街城管科", "due_on": today + dt.timedelta(days=20)},
                                         {"title": "招募送餐志愿者并开通送餐服务", "kind": "community", "owner": "猎德街社工服务站", "due_on": today + dt.timedelta(days=30)}])
            services.disclose(actor=admin, topic=t)
        a, b = t.resolutions.order_by("position")
        with replayed(today - dt.timedelta(days=10)):
            services.create_work_order(actor=admin, resolution=a, category_code="0202",
                                       description="东片活动中心一楼助餐点改造：增设水电点位和无障碍坡道", address="猎德东片活动中心")
        with replayed(today - dt.timedelta(days=5)):
            services.progress(actor=clerk, resolution=b, percent=60, note="已招募送餐志愿者12名，正在排班")
