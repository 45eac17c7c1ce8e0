"""Demo residents' committee election (idempotent): the community of the demo resident
(13800138000) prepares its election for 40 days from now — plan, a committee of five, the voter
list built from the registry, one entry corrected by the committee with its reason, and the list
published (the 选民榜 disclosure open for objections)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from linli.accounts.models import User
from linli.core.crypto import lookup_hash
from linli.elections import services
from linli.elections.models import Election, Voter
from linli.regions.models import RegionNode, Resident


class Command(BaseCommand):
    help = "加载演示居委会选举(可重复执行)"

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        if Election.objects.exists():
            self.stdout.write("演示居委会选举已存在")
            return
        me = User.objects.filter(phone_hash=lookup_hash("13800138000")).select_related("resident").first()
        admin = User.objects.filter(username="liede_sq_admin").first()
        if me is None or me.resident is None or admin is None:
            self.stdout.write("没有演示居民，跳过居委会选举")
            return
        with transaction.atomic():
            self._build(admin, me.resident)

    def _build(self, admin: User, me: Resident) -> None:
        community = RegionNode.objects.get(path=me.region_path[:12])
        day = timezone.localdate() + dt.timedelta(days=40)
        election = services.create(actor=admin, community=community, title=f"{community.name}第十二届居民委员会换届选举", election_day=day,
                                   seats={"director": 1, "deputy": 1, "member": 3})
        adults = list(Resident.objects.filter(region_path__startswith=community.path, moved_out__isnull=True,
                                              birth_date__lte=day - dt.timedelta(days=365 * 30))
                      .exclude(pk=me.pk).order_by("pk")[:5])
        for resident, role in zip(adults, ("chair", "vice", "member", "member", "member"), strict=False):
            services.add_member(actor=admin, election=election, resident_id=resident.pk, role=role)
        services.build_voters(actor=admin, election=election)
        refused = Voter.objects.filter(election=election, eligible=False, refusals="not_resident").order_by("pk").first()
        if refused is not None:
            services.correct_voter(actor=admin, election=election, voter_id=refused.pk, eligible=True,
                                   reason="已提供居住证明(租赁合同与物业缴费记录)，在本社区居住满一年")
        services.publish_voters(actor=admin, election=election)
        self.stdout.write(f"演示居委会选举：{election.title}，选民 {Voter.objects.filter(election=election, votes=True).count()} 人")
