"""Demo residents' committee election (idempotent): the community of the demo resident
(13800138000) prepares its election for 40 days from now — plan, a committee of five, the voter
list built from the registry, one entry corrected by the committee with its reason, and the list
published (the 选民榜 disclosure open for objections); then nominations: two for 主任 and two
for 副主任 accepted and set as formal candidates, four for 委员 accepted, and the demo resident
nominated for 委员 by ten voters jointly, waiting for his answer on his phone.

Next door, 利雅湾社区 held its household-representative election (户代表选举) three weeks ago: it
is replayed on its own dates (the plan 45 days before, the list and the candidates published in
time, paper ballots checked off at the polling station and the mobile ballot box and entered by
two clerks, the count on election day), so its result, certificates and archive can be opened."""

from __future__ import annotations

import datetime as dt
import random

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from linli.accounts.models import User
from linli.core.crypto import lookup_hash
from linli.core.demo import replayed
from linli.elections import proxies, services, voting
from linli.elections.models import Election, Voter
from linli.regions.models import RegionNode, Resident

LIEDE = "440106001001"


def past_path(user: User) -> str:
    return user.roles.values_list("region_path", flat=True).first() or ""


class Command(BaseCommand):
    help = "加载演示居委会选举(可重复执行)"

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        past = User.objects.filter(username="liyawan_sq_admin").first()
        if past is not None and not Election.objects.filter(community__path=past_path(past)).exists():
            with transaction.atomic():
                self._past(past)
        if Election.objects.filter(community__path=LIEDE).exists():
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
        self._nominations(admin, election, me, {r.pk for r in adults})
        self.stdout.write(f"演示居委会选举：{election.title}，选民 {Voter.objects.filter(election=election, votes=True).count()} 人")

    def _nominations(self, admin: User, election: Election, me: Resident, committee: set[int]) -> None:
        election.refresh_from_db()
        voters = list(Voter.objects.filter(election=election, votes=True).exclude(resident_id__in=committee | {me.pk})
                      .order_by("number"))
        women = [v for v in voters if v.resident.gender == "F" and 30 <= v.age <= 60]
        men = [v for v in voters if v.resident.gender == "M" and 30 <= v.age <= 60]
        if len(women) < 3 or len(men) < 5 or len(voters) < 60:
            return
        chosen = {"director": [men[0], women[0]], "deputy": [men[1], women[1]], "member": [men[2], men[3], women[2], men[4]]}
        signers = [v for v in voters if v not in sum(chosen.values(), [])]
        for i, (post, people) in enumerate(chosen.items()):
            for j, v in enumerate(people):
                joint = (i + j) % 2 == 0
                group = signers[(i * 3 + j) * 2:][:10] if post != "director" else signers[20 + j * 10:][:10]
                n = services.nominate(actor=admin, election=election, post=post, nominee_id=v.pk, by_committee=not joint,
                                      nominator_numbers=[s.number for s in group] if joint else [],
                                      note="热心社区事务，群众基础好")
                services.answer_nomination(actor=admin, election=election, nomination_id=n.pk, accept=True,
                                           note="本人已签署接受提名确认书")
            if post != "member":
                services.set_candidates(actor=admin, election=election, post=post, voter_ids=[v.pk for v in people])
        mine = Voter.objects.filter(election=election, resident=me, eligible=True).first()
        if mine is not None:
            services.nominate(actor=admin, election=election, post="member", nominee_id=mine.pk,
                              nominator_numbers=[s.number for s in signers[40:50]], note="长期参与楼栋志愿服务")

    def _past(self, admin: User) -> None:
        """利雅湾社区's election three weeks ago, whole: 户代表 vote on paper, counted on the day."""
        community = RegionNode.objects.filter(path=past_path(admin)).first()
        if community is None:
            return
        day = timezone.localdate() - dt.timedelta(days=21)
        with replayed(day - dt.timedelta(days=45)):
            election = services.create(actor=admin, community=community, title=f"{community.name}第十二届居民委员会换届选举",
                                       election_day=day, mode="household", seats={"director": 1, "deputy": 1, "member": 3})
            elders = list(Resident.objects.filter(region_path__startswith=community.path, moved_out__isnull=True,
                                                  birth_date__lte=day - dt.timedelta(days=365 * 35)).order_by("pk")[:5])
            for resident, role in zip(elders, ("chair", "vice", "member", "member", "member"), strict=False):
                services.add_member(actor=admin, election=election, resident_id=resident.pk, role=role)
            services.build_voters(actor=admin, election=election)
            services.publish_voters(actor=admin, election=election)
            election.refresh_from_db()
            reps = list(Voter.objects.filter(election=election, votes=True).select_related("resident").order_by("number"))
            taken = {r.pk for r in elders}
            women = [v for v in reps if v.resident.gender == "F" and 30 <= v.age <= 60 and v.resident_id not in taken]
            men = [v for v in reps if v.resident.gender == "M" and 30 <= v.age <= 60 and v.resident_id not in taken]
            if len(women) < 2 or len(men) < 6 or len(reps) < 40:
                return
            chosen = {"director": [men[0], men[1]], "deputy": [women[0], men[2]], "member": [men[3], women[1], men[4], men[5]]}
            for post, people in chosen.items():
                for v in people:
                    n = services.nominate(actor=admin, election=election, post=post, nominee_id=v.pk, by_committee=True,
                                          note="经居民小组会议酝酿")
                    services.answer_nomination(actor=admin, election=election, nomination_id=n.pk, accept=True,
                                               note="本人已签署接受提名确认书")
                services.set_candidates(actor=admin, election=election, post=post, voter_ids=[v.pk for v in people])
        with replayed(day - dt.timedelta(days=10)):
            services.publish_candidates(actor=admin, election=election)
            proxies.publish_proxies(actor=admin, election=election)
            staff = [v for v in reps if v.resident_id not in taken and v not in sum(chosen.values(), [])
                     and v.household_id not in {c.household_id for c in sum(chosen.values(), [])}]
            for role, v in zip(("monitor", "caller", "counter"), staff[-3:], strict=True):
                proxies.add_staff(actor=admin, election=election, role=role, resident_id=v.resident_id, chosen="户代表推选")
        rng = random.Random(2026)
        clerk = User.objects.filter(username="liede_admin").first()
        with replayed(day, 8):
            voting.open_voting(actor=admin, election=election)
            turnout = [v for v in reps if rng.random() < 0.82]
            for i, v in enumerate(turnout):
                voting.check_off(actor=admin, election=election, number=v.number, channel="mobile" if i % 7 == 0 else "station")
        with replayed(day, 17):
            voting.close_voting(actor=admin, election=election)
            d, dep, m = chosen["director"], chosen["deputy"], chosen["member"]
            for i, _v in enumerate(turnout):
                members = [c for c, p in zip(m, (0.9, 0.8, 0.7, 0.35), strict=True) if rng.random() < p][:3]
                marks = {"director": {"marks": {str(d[0].pk): "yes" if rng.random() < 0.85 else "no", str(d[1].pk): "abstain"}},
                         "deputy": {"marks": {str(dep[0].pk): "yes" if rng.random() < 0.8 else "abstain"}},
                         "member": {"marks": {str(c.pk): "yes" for c in members}}}
                channel = "mobile" if i % 7 == 0 else "station"
                sheet = voting.enter_paper(actor=admin, election=election, channel=channel, marks=marks)
                if clerk is not None:
                    voting.enter_paper(actor=clerk, election=election, channel=channel, marks=marks, no=sheet.no)
            if clerk is not None:
                voting.count_round(actor=admin, election=election)
        election.refresh_from_db()
        self.stdout.write(f"演示居委会选举：{election.title}，{election.get_status_display()}")
