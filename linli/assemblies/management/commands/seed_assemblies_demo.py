"""Demo owners' assembly (idempotent): the compound of the demo resident (13800138000) holds its
first electronic owners' assembly — roll frozen from the registry, disclosed and locked, the call
published more than 15 days ago, voting open now with about a third of the owners voted (online,
on paper entered by two clerks, one by proxy). Units the registry lists without an owner are
recorded as the developer's (unsold), as a roll needs an owner for every unit."""

from __future__ import annotations

import datetime as dt
import random

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from linli.accounts.models import User
from linli.assemblies import services
from linli.assemblies.models import Assembly, PaperSlip, RollEntry
from linli.core.crypto import lookup_hash
from linli.regions import services as regions
from linli.regions.models import Ownership, Room

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Command(BaseCommand):
    help = "加载演示业主大会(可重复执行)"

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        if Assembly.objects.exists():
            self.stdout.write("演示业主大会已存在")
            return
        resident_user = User.objects.filter(phone_hash=lookup_hash("13800138000")).select_related("resident__household__room__building").first()
        if resident_user is None or resident_user.resident is None or resident_user.resident.household is None:
            self.stdout.write("没有演示居民，跳过业主大会")
            return
        with transaction.atomic():
            self._build(resident_user)

    def _build(self, resident_user: User) -> None:
        admin = User.objects.get(username="liede_sq_admin")
        root = User.objects.filter(is_superuser=True).first()
        me = resident_user.resident
        assert me is not None and me.household is not None
        room = me.household.room
        compound = room.building.compound
        if not Ownership.objects.filter(room=room, until__isnull=True).exists():
            regions.set_ownership(actor=root, room=room, kind="person", owner_name=me.name, resident=me)
        developer = f"{compound.name}置业有限公司"
        owned = set(Ownership.objects.filter(room__building__compound=compound, until__isnull=True).values_list("room_id", flat=True))
        Ownership.objects.bulk_create([Ownership(room=r, kind="developer", owner_name=developer, owner_key=f"d:{developer}")
                                       for r in Room.objects.filter(building__compound=compound).exclude(pk__in=owned)])
        now = timezone.now()
        opens = now - dt.timedelta(days=2)
        a = services.create_assembly(
            actor=admin, compound_id=compound.pk, title=f"{compound.name}2026年第一次业主大会", convener="preparatory_group",
            convener_name=f"{compound.name}业主大会筹备组", opens_at=opens, closes_at=opens + dt.timedelta(days=14),
            matters=[{"item": 1, "title": "表决通过《业主大会议事规则》", "body": "议事规则全文见附件，共六章三十二条。"},
                     {"item": 2, "title": "表决通过《管理规约》", "body": "管理规约全文见附件。"},
                     {"item": 3, "title": "选举第一届业主委员会委员(5名)", "body": "候选人名单已于小区公告栏公示。"},
                     {"item": 6, "title": "续筹专项维修资金", "body": "按每平方米建筑面积30元的标准续筹。"}])
        services.freeze_roll(actor=admin, assembly=a, now=now - dt.timedelta(days=30))
        a.refresh_from_db()
        for entry in RollEntry.objects.filter(roll=a.roll, kind="co_owners", voter__isnull=True):
            resident = next((o["resident_id"] for o in entry.owners if o.get("resident_id")), None)
            if resident:
                services.designate_voter(actor=admin, entry=entry, resident_id=resident, reason="共有人书面指定")
        services.lock_roll(actor=admin, assembly=a)
        services.call(actor=admin, assembly=a, now=opens - dt.timedelta(days=16))
        services.open_voting(actor=admin, assembly=a)
        a.refresh_from_db()
        # a third of the other owners voted: online (their ballots written as the service writes them)
        rng = random.Random(14)
        entries = list(RollEntry.objects.filter(roll=a.roll).exclude(voter=me).order_by("seq"))
        voters = [e for e in entries if e.voter_id and rng.random() < 0.3]
        choices = ("agree", "agree", "agree", "oppose", "abstain")
        for e in voters:
            services._write_ballot(assembly=a, entry=e, channel="online", cast_by=None,
                                   choices={no: rng.choice(choices) for no in (1, 2, 3, 4)}, now=opens + dt.timedelta(hours=rng.randrange(1, 40)))
        # the developer on paper, entered by two clerks
        services.issue_slips(actor=admin, assembly=a)
        dev = RollEntry.objects.filter(roll=a.roll, kind="developer").first()
        if dev is not None:
            slip = PaperSlip.objects.get(assembly=a, entry=dev)
            clerk = User.objects.filter(username="liede_caseworker").first() or admin
            for who in {clerk.pk: clerk, admin.pk: admin}.values():
                services.enter_paper(actor=who, assembly=a, code=slip.code, choices={"1": "agree", "2": "agree", "3": "abstain", "4": "oppose"})
        roll = a.roll
        assert roll is not None
        self.stdout.write(f"已生成演示业主大会：{a.title}(名册 {roll.total_units} 个专有部分，{roll.total_heads} 人，投票中)")
