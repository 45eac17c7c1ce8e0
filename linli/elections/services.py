"""Every write of an election's first stages: the plan, the election committee, the voter list
built from the registry (``eligibility.voter_list``), corrected with logged reasons, and published
as a disclosure (选民榜) at least ``list_days`` before election day; and the cancellation.
Each is one transaction on the locked election, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from linli.core.reasons import meaningful
from linli.core.services import record_audit
from linli.core.text import clean_text, fill
from linli.disclosures import selectors as disclosure_selectors
from linli.disclosures import services as disclosures
from linli.regions import selectors as regions

from . import eligibility, plan
from .errors import Code
from .models import CommitteeMember, CommitteeRole, Election, Mode, Voter, VoterChange
from .states import LIFECYCLE, Action, Status

COMMITTEE_AT_LEAST = 3  # an election committee: at least three residents, one of them its chair
TITLE_MAX = 120
REFUSAL_LABELS = {
    eligibility.Refusal.UNDER_AGE: gettext_lazy("未满选民年龄"),
    eligibility.Refusal.MOVED_OUT: gettext_lazy("已迁出"),
    eligibility.Refusal.NOT_RESIDENT: gettext_lazy("非户籍且居住未满规定期限"),
    eligibility.Refusal.DEPRIVED: gettext_lazy("被剥夺政治权利"),
    "committee": gettext_lazy("选举委员会决定不列入"),  # a refusal whose reason the reader may not see
}
BASIS_LABELS = {
    eligibility.Basis.REGISTERED: gettext_lazy("户籍在本社区"),
    eligibility.Basis.LIVING: gettext_lazy("居住满规定期限"),
    "committee": gettext_lazy("选举委员会确认"),
}
PROBLEM_MESSAGES = {
    "unknown_post": gettext_lazy("职位只能是主任、副主任、委员"),
    "bad_seats": gettext_lazy("职数须为非负整数"),
    "one_director": gettext_lazy("主任职数须为1名"),
    "committee_size": gettext_lazy("居委会成员总数须为%(low)s至%(high)s名(当前%(total)s名)"),
}


def require(actor: Any, perm: str, obj: Any) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(perm, obj):
        raise PermissionDenied("forbidden", _("您无权处理该选举"))


def _lock(election: Election) -> Election:
    return Election.objects.select_for_update().get(pk=election.pk)


def _preparing(election: Election) -> None:
    if election.status != Status.PREPARING:
        raise Conflict(Code.NOT_DRAFT, _("选民名单公布后不能再修改选举方案、选举委员会或重新生成名单"), current_status=election.status)


def _seats(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        raise DomainError(Code.PLAN_INVALID, _("请填写各职位职数"), field="seats")
    seats: dict[str, Any] = {str(k): v for k, v in value.items()}
    problems = plan.seat_problems(seats)
    if problems:
        messages = [fill(str(PROBLEM_MESSAGES.get(p.code, p.code)), dict(p.facts)) for p in problems]
        raise DomainError(Code.PLAN_INVALID, "；".join(messages), field="seats",
                          problems=[{"code": p.code, "post": p.post, **dict(p.facts)} for p in problems])
    return {k: int(v) for k, v in seats.items() if int(v) > 0}


def _plan_fields(*, title: Any, mode: Any, election_day: Any, seats: Any, min_age: Any, months: Any, registered_only: Any,
                 women_at_least: Any, list_days: Any) -> dict[str, Any]:
    title = clean_text(title, collapse=True)
    if len(title) < 2 or len(title) > TITLE_MAX:
        raise DomainError("invalid", _("请填写选举名称(2至120个字)"), field="title")
    if mode not in Mode.values:
        raise DomainError("invalid", _("选举方式无效"), field="mode")
    if not isinstance(election_day, dt.date):
        raise DomainError("invalid", _("请填写选举日"), field="election_day")
    if election_day <= timezone.localdate():
        raise DomainError("invalid", _("选举日须在今天之后"), field="election_day")
    checks = (("min_age", min_age, 16, 30, _("选民年龄须在16至30岁之间")), ("months", months, 0, 120, _("居住期限须在0至120个月之间")),
              ("women_at_least", women_at_least, 0, 9, _("女性成员人数须在0至9之间")),
              ("list_days", list_days, 1, 90, _("选民榜须提前1至90天公布")))
    out: dict[str, Any] = {}
    for name, value, low, high, message in checks:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise DomainError("invalid", message, field=name)
        out[name] = value
    return {"title": title, "mode": mode, "election_day": election_day, "seats": _seats(seats),
            "registered_only": bool(registered_only), **out}


@transaction.atomic
def create(*, actor: Any, community: Any, title: str, election_day: dt.date, mode: str = Mode.ALL, seats: Any = None,
           min_age: int = 18, months: int = 12, registered_only: bool = False, women_at_least: int = 1,
           list_days: int = 20) -> Election:
    """A new election of a community (筹备), with its plan checked (``plan.seat_problems``)."""
    if community is None or getattr(community, "level", "") != "community":
        raise DomainError(Code.NOT_COMMUNITY, _("居委会选举以社区为单位，请选择社区"), field="community")
    fields = _plan_fields(title=title, mode=mode, election_day=election_day, min_age=min_age, months=months,
                          seats=seats if seats is not None else {plan.DIRECTOR: 1, plan.DEPUTY: 1, plan.MEMBER: 3},
                          registered_only=registered_only, women_at_least=women_at_least, list_days=list_days)
    election = Election(community=community, region_path=community.path, created_by=actor, **fields)
    require(actor, "elections.manage", election)
    if Election.objects.filter(community=community).exclude(status=Status.CANCELLED).exists():
        raise Conflict(Code.ELECTION_OPEN, _("该社区已有一次进行中的选举；如需重新筹备，请先取消"), field="community")
    election.save()
    record_audit(actor=actor, action="election.create", target=election, region_path=election.region_path,
                 changes={"title": election.title, "mode": election.mode, "election_day": str(election.election_day),
                          "seats": election.seats})
    return election


@transaction.atomic
def update_plan(*, actor: Any, election: Election, **fields: Any) -> Election:
    """Change the plan while the election is being prepared; the list is built again afterwards."""
    election = _lock(election)
    require(actor, "elections.manage", election)
    _preparing(election)
    current = {k: getattr(election, k) for k in ("title", "mode", "election_day", "seats", "min_age", "months",
                                                  "registered_only", "women_at_least", "list_days")}
    new = _plan_fields(**{**current, **fields})
    changed = {k: [str(current[k]), str(v)] for k, v in new.items() if current[k] != v}
    if not changed:
        return election
    for k, v in new.items():
        setattr(election, k, v)
    rules_changed = {"mode", "election_day", "min_age", "months", "registered_only"} & set(changed)
    if rules_changed and election.voters_built_at is not None:
        election.voters_built_at = None  # the list was decided on the old rule: build it again before publishing
    if "mode" in changed:  # who votes for a household is chosen again under the new mode
        Voter.objects.filter(election=election, corrected=True).update(votes=False)
    election.save()
    record_audit(actor=actor, action="election.plan", target=election, region_path=election.region_path, changes=changed)
    return election


# ---------------------------------------------------------------- the election committee

@transaction.atomic
def add_member(*, actor: Any, election: Election, resident_id: int, role: str = CommitteeRole.MEMBER) -> CommitteeMember:
    election = _lock(election)
    require(actor, "elections.manage", election)
    _preparing(election)
    if role not in CommitteeRole.values:
        raise DomainError("invalid", _("职务无效"), field="role")
    resident = regions.resident_by_pk(resident_id)
    if resident is None or resident.moved_out is not None or not (resident.region_path or "").startswith(election.region_path):
        raise DomainError("invalid", _("选举委员会成员须为本社区居民"), field="resident_id")
    if CommitteeMember.objects.filter(election=election, resident_id=resident.pk).exists():
        raise Conflict(Code.ALREADY_MEMBER, _("该居民已是选举委员会成员"), field="resident_id")
    if role == CommitteeRole.CHAIR and CommitteeMember.objects.filter(election=election, role=CommitteeRole.CHAIR).exists():
        raise Conflict(Code.ALREADY_MEMBER, _("选举委员会已有主任"), field="role")
    member = CommitteeMember.objects.create(election=election, resident=resident, role=role)
    record_audit(actor=actor, action="election.committee", target=election, region_path=election.region_path,
                 changes={"added": resident.pk, "role": role})
    return member


@transaction.atomic
def remove_member(*, actor: Any, election: Election, member_id: int) -> None:
    election = _lock(election)
    require(actor, "elections.manage", election)
    _preparing(election)
    member = CommitteeMember.objects.filter(election=election, pk=member_id).first()
    if member is None:
        raise NotFound("not_found", _("选举委员会成员不存在"))
    member.delete()
    record_audit(actor=actor, action="election.committee", target=election, region_path=election.region_path,
                 changes={"removed": member.resident_id, "role": member.role})


# ---------------------------------------------------------------- the voter list

def _rule(election: Election) -> eligibility.Rule:
    return eligibility.Rule(min_age=election.min_age, months=election.months, registered_only=election.registered_only)


@transaction.atomic
def build_voters(*, actor: Any, election: Election) -> dict[str, int]:
    """The voter list from the registry, decided for election day: every current resident of the
    community, eligible or not and why; in a household election the household's recorded 户代表
    votes for it. Entries the committee corrected keep the committee's decision. Returns the counts."""
    election = _lock(election)
    require(actor, "elections.manage", election)
    _preparing(election)
    people = regions.people_under(election.region_path)
    decisions = eligibility.voter_list(
        (eligibility.Person(key=str(p["pk"]), birth_date=p["birth_date"], registered_here="tenant" not in (p["tags"] or []),
                            living_since=p["moved_in"], moved_out=p["moved_out"]) for p in people),
        election.election_day, _rule(election))
    household = election.mode == Mode.HOUSEHOLD
    reps = regions.representatives_under(election.region_path) if household else {}
    here = {p["pk"] for p in people}
    kept = {v.resident_id: v for v in Voter.objects.select_for_update().filter(election=election, corrected=True)}
    Voter.objects.filter(election=election, corrected=False).delete()
    for v in kept.values():  # the committee's decisions stand; who votes follows the mode
        if v.resident_id not in here:  # moved away since: refused, its history kept
            v.eligible, v.refusals = False, str(eligibility.Refusal.MOVED_OUT)
        v.votes = v.eligible and (v.votes if household else True)
    picked = {v.household_id for v in kept.values() if v.votes and household}  # the committee chose who votes for these
    Voter.objects.bulk_update(list(kept.values()), ["eligible", "refusals", "votes"], batch_size=2000)
    rows = []
    for p, d in zip(people, decisions, strict=True):
        if p["pk"] in kept:
            continue
        votes = d.eligible and (not household or (reps.get(p["household_id"]) == p["pk"] and p["household_id"] not in picked))
        rows.append(Voter(election=election, resident_id=p["pk"], household_id=p["household_id"], region_path=p["region_path"],
                          eligible=d.eligible, basis=str(d.basis) if d.eligible else "", age=d.age,
                          refusals=",".join(str(r) for r in d.refusals), votes=votes))
    Voter.objects.bulk_create(rows, batch_size=2000)
    election.voters_built_at = timezone.now()
    election.voters_total = Voter.objects.filter(election=election, votes=True).count()
    election.save(update_fields=["voters_built_at", "voters_total", "updated_at"])
    counts = voter_counts(election)
    record_audit(actor=actor, action="election.voters_build", target=election, region_path=election.region_path, changes=counts)
    return counts


def voter_counts(election: Election) -> dict[str, int]:
    agg = Voter.objects.filter(election=election).aggregate(
        people=Count("pk"), eligible=Count("pk", filter=Q(eligible=True)), votes=Count("pk", filter=Q(votes=True)),
        corrected=Count("pk", filter=Q(corrected=True)))
    return {k: int(v or 0) for k, v in agg.items()}


def _entry(v: Voter) -> dict[str, Any]:
    return {"eligible": v.eligible, "votes": v.votes, "refusals": v.refusals}


@transaction.atomic
def correct_voter(*, actor: Any, election: Election, voter_id: int, eligible: bool, reason: str, votes: bool | None = None,
                  deprived: bool = False, objection_id: int | None = None) -> Voter:
    """The committee's decision on one entry, with a reason: put on the list (a registration the
    registry lacks), taken off (someone deprived of political rights, moved away), or in a
    household election which member votes for the household. Allowed after publication too; each
    change is a ``VoterChange`` and an audit row."""
    election = _lock(election)
    require(actor, "elections.manage", election)
    if election.status == Status.CANCELLED:
        raise Conflict(Code.NOT_DRAFT, _("选举已取消"), current_status=election.status)
    reason = clean_text(reason, collapse=True, limit=300)
    if len(meaningful(reason)) < 2:
        raise DomainError("reason_required", _("请填写更正理由"), field="reason")
    voter = Voter.objects.select_for_update().filter(election=election, pk=voter_id).first()
    if voter is None:
        raise NotFound("not_found", _("选民名单中没有该居民"))
    before = _entry(voter)
    eligible = bool(eligible)
    if deprived and eligible:
        raise DomainError("invalid", _("被剥夺政治权利的居民没有选举权"), field="deprived")
    if objection_id is not None and not (election.voter_disclosure_id
                                         and disclosure_selectors.has_objection(election.voter_disclosure_id, objection_id)):
        raise DomainError("invalid", _("该异议不是对本次选民名单提出的"), field="objection_id")
    if election.mode != Mode.HOUSEHOLD:
        votes = eligible
    elif votes is None:  # not said: the household's vote stays where it was
        votes = voter.votes
    votes = bool(votes) and eligible
    if votes and election.mode == Mode.HOUSEHOLD and voter.household_id is not None:
        # one representative per household: the one voting before gives way
        for other in Voter.objects.select_for_update().filter(election=election, household_id=voter.household_id, votes=True).exclude(pk=voter.pk):
            _change(election, other, actor, {**_entry(other), "votes": False},
                    fill(_("本户改由其他成员作为户代表：%(r)s"), {"r": reason})[:300], objection_id)
    refusals = [r for r in voter.refusal_list if r != eligibility.Refusal.DEPRIVED]
    if deprived:
        refusals.append(str(eligibility.Refusal.DEPRIVED))
    after = {"eligible": eligible, "votes": votes, "refusals": "" if eligible else ",".join(refusals)}
    if after == before:
        raise DomainError(Code.UNCHANGED, _("更正前后没有变化"), field="eligible")
    _change(election, voter, actor, after, reason, objection_id)
    election.voters_total = Voter.objects.filter(election=election, votes=True).count()
    election.save(update_fields=["voters_total", "updated_at"])
    return voter


def _change(election: Election, voter: Voter, actor: Any, after: dict[str, Any], reason: str, objection_id: int | None) -> None:
    before = _entry(voter)
    voter.eligible, voter.votes, voter.refusals = after["eligible"], after["votes"], after["refusals"]
    if voter.eligible and not voter.basis:
        voter.basis = "committee"
    voter.corrected, voter.note = True, reason
    if voter.votes and voter.number is None and election.status == Status.VOTERS_PUBLISHED:
        voter.number = (Voter.objects.filter(election=election).exclude(number=None).order_by("-number")
                        .values_list("number", flat=True).first() or 0) + 1
    voter.save()
    VoterChange.objects.create(voter=voter, election=election, actor=actor, before=before, after=after, reason=reason,
                               after_publication=election.status == Status.VOTERS_PUBLISHED, objection_id=objection_id)
    record_audit(actor=actor, action="election.voter_correct", target=election, region_path=voter.region_path,
                 changes={"voter": voter.pk, "before": before, "after": after, "reason": reason})


@transaction.atomic
def publish_voters(*, actor: Any, election: Election, now: dt.datetime | None = None) -> Election:
    """公布选民名单: the list built, a committee of at least three with its chair, and at least
    ``list_days`` before election day; numbers the voters (选民证号) and discloses the list to the
    community (``elections.voters``: objections within its period, answered on the clock)."""
    election = _lock(election)
    require(actor, "elections.manage", election)
    now = now or timezone.now()
    today = timezone.localdate(now)
    latest = election.election_day - dt.timedelta(days=election.list_days)
    if today > latest:
        raise Conflict(Code.TOO_LATE, fill(_("选民名单须在选举日前%(n)s天公布，最迟%(d)s；请调整选举日"),
                                           {"n": election.list_days, "d": latest.isoformat()}), field="election_day",
                       latest=latest.isoformat())
    committee = list(CommitteeMember.objects.filter(election=election).values_list("role", flat=True))
    if len(committee) < COMMITTEE_AT_LEAST or CommitteeRole.CHAIR not in committee:
        raise Conflict(Code.COMMITTEE_INCOMPLETE, fill(_("选举委员会须至少%(n)s人并有主任"), {"n": COMMITTEE_AT_LEAST}),
                       field="committee", members=len(committee))
    if election.voters_built_at is None or not Voter.objects.filter(election=election, votes=True).exists():
        raise Conflict(Code.NO_VOTERS, _("请先按选举日生成选民名单"), field="voters")
    LIFECYCLE.apply(election, Action.PUBLISH_VOTERS, actor=actor, lock=False)
    voting = list(Voter.objects.filter(election=election, votes=True).order_by("region_path", "household_id", "pk"))
    for i, v in enumerate(voting, start=1):
        v.number = i
    Voter.objects.bulk_update(voting, ["number"], batch_size=2000)
    counts = voter_counts(election)
    content = fill(_("%(c)s%(t)s选民名单已依法编制，共有选民%(n)s人(选举日%(day)s，年满%(age)s周岁)。"
                     "本社区居民登录后可查看选民榜(选民证号、姓名部分遮挡、所在楼栋)，并在“居委会选举”页面查看本人是否列入名单及原因；对名单(包括本人或他人是否应当列入)有不同意见的，"
                     "请在公示期内提出异议，选举委员会在3个工作日内答复。"),
                   {"c": election.community.name, "t": election.title, "n": counts["votes"], "day": election.election_day.isoformat(),
                    "age": election.min_age})
    d = disclosures.publish(actor=actor, kind="elections.voters", region=election.community,
                            title=fill(_("%(t)s选民名单公布"), {"t": election.title})[:120], content=content,
                            source=election, source_label=election.title, source_url=reverse("elections:public_list", args=[election.pk]), now=now)
    election.voter_disclosure_id = d.pk
    election.voters_published_at = now
    election.voters_total = counts["votes"]
    election.save()
    text = fill(_("%(t)s选民名单已公布，请查看本人是否列入；如有异议请在公示期内提出。"), {"t": election.title})
    transaction.on_commit(lambda: _tell_residents(election, text), robust=True)
    return election


def _tell_residents(election: Election, text: str) -> int:
    """Every resident of the list (listed or not) who has an account: to check his own entry."""
    from linli.accounts.selectors import users_of_residents
    from linli.messaging import services as messaging

    residents = Voter.objects.filter(election=election).values_list("resident_id", flat=True)
    return messaging.send(list(users_of_residents(residents).values()), "elections.voters", text=text, target=election,
                          link=reverse("elections:mine"))


@transaction.atomic
def cancel(*, actor: Any, election: Election, reason: str) -> Election:
    election = _lock(election)
    require(actor, "elections.manage", election)
    reason = clean_text(reason, collapse=True, limit=300)
    if len(meaningful(reason)) < 2:
        raise DomainError("reason_required", _("请填写取消原因"), field="reason")
    LIFECYCLE.apply(election, Action.CANCEL, actor=actor, lock=False, note=reason)
    election.cancel_reason = reason
    election.save()
    current = disclosure_selectors.open_version(election.voter_disclosure_id) if election.voter_disclosure_id else None
    if current is not None:  # the 选民榜 of a cancelled election takes no more objections
        disclosures.withdraw(actor=actor, disclosure=current, reason=fill(_("选举已取消：%(r)s"), {"r": reason})[:200])
    return election
