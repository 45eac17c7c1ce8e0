"""Demo 微实事 (idempotent) in 猎德街, the demo resident's street: three community designers of the
天河区 registry (one with the login ``designer_lin``); three calls at every stage —

- 2026年猎德街微实事 (five months ago): ideas, designs, the 议事会's review, residents' vote with
  paper ballots, the chosen list disclosed; 3号楼前休闲座椅 done with photos before and after
  (waiting for the demo resident's rating), 长者助餐点 at 60 %, one not chosen;
- 2027年猎德街微实事: residents vote now on four shortlisted designs (the demo resident can vote);
- 猎德社区楼道微改造: collecting ideas (one from the demo resident, one entered for 王阿婆).

Past steps are replayed on their own dates (``core.demo.replayed``)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from linli.accounts.models import User
from linli.core.crypto import lookup_hash
from linli.core.demo import replayed
from linli.projects import services
from linli.projects.models import Call, Project
from linli.regions.models import RegionNode, Resident

STREET, COMMUNITY, DISTRICT = "440106001", "440106001001", "440106"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
DESIGNERS = (("林晓岚", "建筑学", "华南理工大学建筑设计研究院", "13760001001", "designer_lin"),
             ("陈志远", "风景园林", "广州市城市规划勘测设计研究院", "13760001002", ""),
             ("黄敏仪", "社会工作与空间营造", "天河区社区营造中心", "13760001003", ""))


def photo(color: tuple[int, int, int], stripe: tuple[int, int, int]) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (640, 420), color)
    draw = ImageDraw.Draw(img)
    for x in range(0, 640, 80):
        draw.rectangle([x, 300, x + 50, 360], fill=stripe)
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=80)
    return buf.getvalue()


class Command(BaseCommand):
    help = "加载演示微实事(可重复执行)"

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        street = RegionNode.objects.filter(path=STREET).first()
        community = RegionNode.objects.filter(path=COMMUNITY).first()
        district = RegionNode.objects.filter(path=DISTRICT).first()
        users = {u.username: u for u in User.objects.filter(username__in=["liede_admin", "liede_sq_admin", "liede_caseworker",
                                                                           "tianhe_admin"])}
        me = User.objects.filter(phone_hash=lookup_hash("13800138000")).select_related("resident").first()
        if None in (street, community, district) or len(users) < 4 or me is None or me.resident is None:
            self.stdout.write("没有演示街道或账号，跳过微实事")
            return
        if Call.objects.filter(region_path__startswith=STREET).exists():
            self.stdout.write("演示微实事已存在")
            return
        with transaction.atomic():
            self._build(street, community, district, users, me)
        self.stdout.write("演示微实事就绪(社区设计师账号 designer_lin)")

    def _build(self, street: Any, community: Any, district: Any, users: dict[str, User], me: User) -> None:
        today = timezone.localdate()
        street_admin, admin, clerk = users["liede_admin"], users["liede_sq_admin"], users["liede_caseworker"]
        from linli.consultation import selectors as consultation

        body = next((b for b in consultation.bodies_of(community.pk)), None)
        voters = list(Resident.objects.filter(region_path__startswith=STREET, moved_out__isnull=True)
                      .exclude(pk=me.resident_id or 0).order_by("id")[:60])
        with replayed(today - dt.timedelta(days=160)):
            designer_user = User.objects.filter(username="designer_lin").first()
            if designer_user is None:
                designer_user = User(username="designer_lin", display_name="林晓岚(社区设计师)")
                designer_user.set_password("Linli@2026")
                designer_user.save()
            designers = [services.add_designer(actor=users["tianhe_admin"], region=district, name=n, profession=p, organisation=o,
                                               phone=ph, streets=[street.code], username=u) for n, p, o, ph, u in DESIGNERS]
        last = self._last_year(street, community, street_admin, admin, clerk, designers, designer_user, body, voters, me, today)
        self._voting(street, community, street_admin, clerk, designers, designer_user, body, voters, today)
        self._ideas(community, admin, clerk, me, today)
        assert last

    def _design(self, p: Project, who: User, designer: Any, cost: str, days: int, text: str, actor: User) -> Project:
        services.assign_designer(actor=actor, project=p, designer_id=designer.pk)
        p.refresh_from_db()
        who = who if designer.user_id == who.pk else actor  # a designer without a login: the street's desk uploads it
        return services.submit_design(actor=who, project=p, design=text, cost=Decimal(cost), schedule_days=days,
                                      drawings=("设计图纸.pdf", PDF) if p.kind == "works" else None)

    def _review(self, p: Project, actor: User, on: dt.date, votes: tuple[int, int, int] = (6, 1, 0), decision: str = "shortlist",
                opinion: str = "方案可行，造价合理，同意入围居民投票。") -> None:
        services.record_review(actor=actor, project=p, decision=decision, opinion=opinion, meeting_on=on, votes_for=votes[0],
                               votes_against=votes[1], votes_abstain=votes[2])

    def _paper(self, call: Call, clerk: User, voters: list[Resident], choices: list[list[Project]], prefix: str) -> None:
        for n, (resident, chosen) in enumerate(zip(voters, choices, strict=False), 1):
            services.record_paper(actor=clerk, call=call, id_number=resident.id_number, project_ids=[p.pk for p in chosen],
                                  slip=f"{prefix}{n:04d}")

    def _last_year(self, street: Any, community: Any, street_admin: User, admin: User, clerk: User, designers: list[Any],
                   designer_user: User, body: Any, voters: list[Resident], me: User, today: dt.date) -> Call:
        start = today - dt.timedelta(days=150)
        with replayed(start):
            call = services.open_call(actor=street_admin, region=street, title="2026年猎德街微实事",
                                      description="街道安排60万元，征集社区公共空间微改造、为老助餐等民生小项目，居民投票决定实施项目。",
                                      budget=Decimal("600000"), ideas_until=start + dt.timedelta(days=20), vote_mode="approval",
                                      max_choices=2, body_id=body.pk if body else None)
            seats = services.propose(actor=me, call=call, title="3号楼前加装休闲座椅和遮阳棚", kind="works", location="猎德社区3号楼前空地",
                                     description="3号楼前空地没有座椅，老人晒太阳、带孙子时无处可坐，夏天也没有遮阴，建议加装座椅和遮阳棚。")
            meals = services.propose(actor=clerk, call=call, title="猎德社区长者助餐点", kind="services", community=community,
                                     on_behalf_of="王秀英",
                                     description="社区独居和高龄老人多，做饭不便，建议在党群服务中心设长者助餐点，每日午餐。")
            lights = services.propose(actor=clerk, call=call, title="猎德村巷道路灯补装", kind="works", community=community,
                                      description="猎德村北巷夜间照明不足，居民晚归不安全，建议补装路灯十二盏。")
        with replayed(start + dt.timedelta(days=25)):
            services.close_ideas(actor=street_admin, call=call)
            self._design(seats, designer_user, designers[0], "86000", 45, "防腐木座椅六组、透水砖铺装36平方米、钢结构遮阳棚一座，"
                         "保留原有两棵榕树，座椅高度按长者习惯设计为42厘米。", street_admin)
            self._design(meals, designer_user, designers[0], "180000", 365, "在党群服务中心一楼设助餐点，引入持证餐饮服务机构，"
                         "每日供应午餐，80岁以上长者补贴5元，配送上门服务覆盖行动不便长者。", street_admin)
            self._design(lights, designer_user, designers[1], "420000", 60, "北巷及支巷补装LED路灯十二盏，线路入地，"
                         "采用光控加时控，预计年电费约4800元。", street_admin)
        with replayed(start + dt.timedelta(days=35)):
            services.start_review(actor=street_admin, call=Call.objects.get(pk=call.pk))
            for p in (seats, meals, lights):
                self._review(Project.objects.get(pk=p.pk), street_admin, start + dt.timedelta(days=35))
            now = timezone.now()
            call = services.start_vote(actor=street_admin, call=Call.objects.get(pk=call.pk), opens=now,
                                       closes=now + dt.timedelta(days=10))
        with replayed(start + dt.timedelta(days=38)):
            s, m, lt = (Project.objects.get(pk=p.pk) for p in (seats, meals, lights))
            pattern = [[s, m], [m], [s], [m, lt], [s, m], [lt], [m], [s, lt], [m], [s, m]] * 4
            self._paper(call, clerk, voters, pattern, "ZP26")
        with replayed(start + dt.timedelta(days=46)):
            services.choose(actor=street_admin, call=Call.objects.get(pk=call.pk))
        with replayed(start + dt.timedelta(days=60)):
            services.add_photo(actor=clerk, project=Project.objects.get(pk=seats.pk), phase="before",
                               data=photo((150, 140, 120), (120, 110, 90)), caption="改造前：空地无座椅，地面破损")
            services.progress(actor=clerk, project=Project.objects.get(pk=seats.pk), percent=30, note="原地面已清理，透水砖铺装开始",
                              owner="猎德街城建办")
            services.progress(actor=clerk, project=Project.objects.get(pk=meals.pk), percent=20, note="已确定餐饮服务机构，场地装修中",
                              owner="猎德社区居委会")
        with replayed(start + dt.timedelta(days=95)):
            services.progress(actor=clerk, project=Project.objects.get(pk=meals.pk), percent=60,
                              note="助餐点已开餐，日均就餐长者42人，配送上门服务下月开通")
        with replayed(start + dt.timedelta(days=110)):
            services.add_photo(actor=clerk, project=Project.objects.get(pk=seats.pk), phase="during",
                               data=photo((170, 160, 140), (90, 120, 80)), caption="座椅基础施工")
        with replayed(today - dt.timedelta(days=10)):
            p = Project.objects.get(pk=seats.pk)
            services.add_photo(actor=clerk, project=p, phase="after", data=photo((120, 170, 120), (160, 110, 60)),
                               caption="完成后：六组座椅和遮阳棚投入使用")
            services.finish(actor=clerk, project=p, note="已完工，经街道、社区和居民代表验收合格")
        return call

    def _voting(self, street: Any, community: Any, street_admin: User, clerk: User, designers: list[Any], designer_user: User,
                body: Any, voters: list[Resident], today: dt.date) -> Call:
        start = today - dt.timedelta(days=40)
        ideas = (("小区健身路径更新", "works", "120000", 40, "更换老旧健身器材十件，铺设塑胶地垫120平方米，增设使用说明牌。"),
                 ("儿童游乐角改造", "works", "160000", 50, "拆除生锈滑梯，新建适合3至10岁儿童的组合游乐设施，地面软质铺装。"),
                 ("长者智能手机课堂", "services", "30000", 180, "每周两次课，教长者用手机挂号、缴费、视频通话和防范电信诈骗。"),
                 ("垃圾分类亭加装洗手池和雨棚", "works", "75000", 30, "四个分类投放亭加装洗手池、照明和雨棚，改善投放环境。"))
        with replayed(start):
            call = services.open_call(actor=street_admin, region=street, title="2027年猎德街微实事",
                                      description="街道安排40万元，资助居民提出、社区设计师设计、议事会评审的小项目，请居民投票选出实施项目。",
                                      budget=Decimal("400000"), ideas_until=start + dt.timedelta(days=14), vote_mode="knapsack",
                                      body_id=body.pk if body else None)
            projects = [services.propose(actor=clerk, call=call, title=t, kind=k, community=community,
                                         description=f"居民在议事会上提出：{d}") for t, k, _c, _d, d in ideas]
        with replayed(start + dt.timedelta(days=16)):
            services.close_ideas(actor=street_admin, call=Call.objects.get(pk=call.pk))
            for p, (_t, _k, cost, days, text) in zip(projects, ideas, strict=True):
                self._design(Project.objects.get(pk=p.pk), designer_user, designers[2 if _k == "services" else 0], cost, days,
                             "设计说明：" + text + "施工期间设置围挡，不影响居民通行。", street_admin)
        with replayed(start + dt.timedelta(days=30)):
            services.start_review(actor=street_admin, call=Call.objects.get(pk=call.pk))
            for p in projects:
                self._review(Project.objects.get(pk=p.pk), street_admin, start + dt.timedelta(days=30), votes=(5, 1, 1))
        now = timezone.now()
        with replayed(today - dt.timedelta(days=2)):
            call = services.start_vote(actor=street_admin, call=Call.objects.get(pk=call.pk), opens=timezone.now(),
                                       closes=now + dt.timedelta(days=10))
            a, b, c, d = (Project.objects.get(pk=p.pk) for p in projects)
            self._paper(call, clerk, voters[40:], [[a, c], [b, c], [a, d], [c, d], [a, b], [b], [a, c, d]] * 3, "ZP27")
        return call

    def _ideas(self, community: Any, admin: User, clerk: User, me: User, today: dt.date) -> Call:
        with replayed(today - dt.timedelta(days=5)):
            call = services.open_call(actor=admin, region=community, title="猎德社区楼道微改造",
                                      description="社区安排8万元，征集楼道、单元门口的小改造创意，社区设计师上门设计。",
                                      budget=Decimal("80000"), ideas_until=today + dt.timedelta(days=15), vote_mode="approval")
            services.propose(actor=me, call=call, title="5栋单元门口加装无障碍扶手", kind="works", location="猎德社区5栋单元门口",
                             description="单元门口三级台阶没有扶手，老人和推婴儿车的居民进出不便，建议加装扶手和坡道。")
            services.propose(actor=clerk, call=call, title="楼道墙面翻新和信报箱更换", kind="works", community=community,
                             on_behalf_of="王秀英", description="7栋楼道墙面脱落，信报箱锈坏，建议翻新墙面并更换信报箱。")
        return call
