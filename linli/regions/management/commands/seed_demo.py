"""Load the demo city (idempotent): Guangzhou's 11 real districts, streets from the source
documents and a few more, ~20,000 synthetic residents, and a demo login for every role."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from linli.accounts.models import RoleAssignment, User
from linli.accounts.roles import Role
from linli.core.crypto import lookup_hash
from linli.regions.demo import build_city, note_seed
from linli.regions.models import Level, MobilisationDuty, RegionNode, Resident

DEMO_PASSWORD = "Linli@2026"

# (username, display name, role, region code, note)
STAFF = [
    ("city_admin", "市级管理员", Role.CITY_ADMIN, "440100000000", "全市"),
    ("tianhe_admin", "天河区管理员", Role.DISTRICT_ADMIN, "440106000000", "天河区"),
    ("liede_admin", "猎德街管理员", Role.STREET_ADMIN, "440106001000", "天河区猎德街"),
    ("liede_sq_admin", "猎德社区书记", Role.COMMUNITY_ADMIN, "440106001001", "猎德社区"),
    ("liede_caseworker", "猎德社区全科社工", Role.CASEWORKER, "440106001001", "猎德社区"),
    ("liyawan_sq_admin", "利雅湾社区书记", Role.COMMUNITY_ADMIN, "440106001002", "利雅湾社区"),
    ("liede_grid1", "猎德社区第1网格员", Role.GRID_WORKER, "440106001001001", "猎德社区第1网格"),
    ("liede_grid2", "猎德社区第2网格员", Role.GRID_WORKER, "440106001001002", "猎德社区第2网格"),
    ("pantang_caseworker", "泮塘社区全科社工", Role.CASEWORKER, "440103001001", "荔湾区昌华街泮塘社区"),
    ("pantang_grid1", "泮塘社区第1网格员", Role.GRID_WORKER, "440103001001001", "泮塘社区第1网格"),
    ("dayuan_admin", "大源街管理员", Role.STREET_ADMIN, "440111001000", "白云区大源街"),
    ("handler_tianhe", "天河区城管承办人", Role.HANDLER, "440106000000", "天河区"),
    ("housing_tianhe", "天河区住建局物业科", Role.HOUSING, "440106000000", "天河区"),
    ("provider_demo", "颐康中心服务商", Role.PROVIDER_STAFF, "440106001000", "猎德街"),
]


class Command(BaseCommand):
    help = "加载演示城市数据与各角色演示账号(可重复执行)"

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--residents", type=int, default=20000)
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        t0 = time.monotonic()
        out = self.stdout.write
        if not RegionNode.objects.filter(level=Level.GRID).exists() or not Resident.objects.exists():
            out("生成演示城市……")
            with transaction.atomic():
                built = build_city(residents=opts["residents"], log=None if opts["quiet"] else out)
                note_seed(None, "seed_demo", built)
            out(f"已生成 {built.residents} 位居民、{built.households} 户、{built.rooms} 套房屋")
        accounts = self._accounts()
        self._visits()
        from django.apps import apps
        from django.core.management import call_command

        if apps.is_installed("linli.workorders"):
            call_command("seed_workorders_demo", stdout=self.stdout)
        if apps.is_installed("linli.affairs"):
            call_command("seed_affairs_demo", stdout=self.stdout)
        if apps.is_installed("linli.station"):
            call_command("seed_station_demo", stdout=self.stdout)
        if apps.is_installed("linli.disclosures"):
            call_command("seed_disclosures_demo", stdout=self.stdout)
        if apps.is_installed("linli.notices"):
            call_command("seed_notices_demo", stdout=self.stdout)
        if apps.is_installed("linli.assemblies"):
            call_command("seed_assemblies_demo", stdout=self.stdout)
        if apps.is_installed("linli.elections"):
            call_command("seed_elections_demo", stdout=self.stdout)
        if apps.is_installed("linli.consultation"):
            call_command("seed_consultation_demo", stdout=self.stdout)
        if apps.is_installed("linli.projects"):
            call_command("seed_projects_demo", stdout=self.stdout)
        if User.objects.filter(username="designer_lin").exists():  # the demo 微实事's community designer
            accounts.append(("designer_lin", "社区设计师", "天河区名册，服务猎德街"))
        if not opts["quiet"]:
            out(self._banner(accounts))
        out(f"演示数据就绪，用时 {time.monotonic() - t0:.1f} 秒")

    @transaction.atomic
    def _accounts(self) -> list[tuple[str, str, str]]:
        rows: list[tuple[str, str, str]] = []
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", DEMO_PASSWORD, display_name="系统管理员")
        rows.append(("admin", "超级管理员(后台 /admin/)", "全部"))
        for username, display, role, code, where in STAFF:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, display_name=display, is_staff=role in (Role.CITY_ADMIN,))
                user.set_password(DEMO_PASSWORD)
                user.save()
            region = RegionNode.objects.get(code=code)
            RoleAssignment.objects.get_or_create(user=user, role=role, region=region, defaults={"region_path": region.path})
            rows.append((username, str(role.label), where))
        # resident logins (by phone), one of them also building leader and representative
        grid = RegionNode.objects.get(code="440106001001001")
        residents = list(
            Resident.objects.filter(region_path=grid.path, household__isnull=False, relation="head").exclude(phone_hash="").order_by("id")[:4]
        )
        specs = [("13800138000", Role.RESIDENT, "居民"), ("13800138001", Role.BUILDING_LEADER, "楼长"),
                 ("13800138002", Role.REPRESENTATIVE, "居民代表"), ("13800138003", Role.VOLUNTEER, "志愿者")]
        for (phone, role, label), resident in zip(specs, residents, strict=False):
            user = User.objects.filter(phone_hash=lookup_hash(phone)).first()
            if user is None:
                resident.phone = phone
                resident.phone_hash = lookup_hash(phone)
                resident.phone_tail = phone[-4:]
                resident.save(update_fields=["phone", "phone_hash", "phone_tail"])
                user = User(username=f"r{phone}", display_name=resident.name, phone=phone, phone_hash=lookup_hash(phone),
                            resident=resident)
                user.set_password(DEMO_PASSWORD)
                user.save()
            RoleAssignment.objects.get_or_create(user=user, role=Role.RESIDENT, region=grid, defaults={"region_path": grid.path})
            if role != Role.RESIDENT:
                RoleAssignment.objects.get_or_create(user=user, role=role, region=grid, defaults={"region_path": grid.path})
            if role in (Role.BUILDING_LEADER, Role.REPRESENTATIVE) and user.resident and user.resident.household:
                MobilisationDuty.objects.get_or_create(
                    kind=role, resident=user.resident, building=user.resident.household.room.building,
                    defaults={"region_path": grid.path})
            rows.append((phone, str(Role(role).label) if role != Role.RESIDENT else label, user.display_name))
        return rows

    def _visits(self) -> None:
        """Recent home visits recorded through the service (so they are audited like real ones)."""
        import datetime as dt
        import random

        from django.utils import timezone

        from linli.regions import services
        from linli.regions.models import HomeVisit, Household

        if HomeVisit.objects.exists():
            return
        rng = random.Random(7)
        today = timezone.localdate()
        notes = ["家中一切正常", "独居老人，身体尚可，已提醒防诈骗", "反映楼道灯不亮", "租户信息已核实", "宣传高龄津贴政策",
                 "孩子入学咨询", "邻里噪音矛盾，已调解", "家中无人，留联系卡"]
        for username, code in (("liede_grid1", "440106001001001"), ("liede_grid2", "440106001001002"),
                               ("pantang_grid1", "440103001001001")):
            worker = User.objects.get(username=username)
            grid = RegionNode.objects.get(code=code)
            households = list(Household.objects.filter(region_path=grid.path).order_by("id"))
            for hh in rng.sample(households, min(len(households), rng.randrange(25, 45))):
                note = rng.choice(notes)
                services.record_visit(actor=worker, household=hh, visited_on=today - dt.timedelta(days=rng.randrange(0, 40)),
                                      purpose=rng.choice(list(HomeVisit.Purpose.values)), met="无人" not in note, notes=note,
                                      needs_follow_up="反映" in note or "矛盾" in note)

    def _banner(self, rows: list[tuple[str, str, str]]) -> str:
        lines = ["", "=" * 64, f"演示账号(密码均为 {DEMO_PASSWORD})", "-" * 64]
        for login, role, where in rows:
            lines.append(f"  {login:<20} {role:<14} {where}")
        lines += ["-" * 64, "  居民用手机号登录，工作人员用用户名登录。", "=" * 64, ""]
        return "\n".join(lines)
