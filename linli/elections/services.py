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
from .states import BEFORE_VOTING, LIFECYCLE, LIST_PUBLIC, Action, Status

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
                 women_at_least: Any, list_days: Any, nominators_needed: Any = 10, representatives_needed: Any = 5,
                 min_more: Any = 1, candidates_days: Any = 5, proxy_max: Any = 3, group_min: Any = 2, group_max: Any = 3,
                 recall_one_in: Any = 5, recall_reps_one_in: Any = 3) -> dict[str, Any]:
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
              ("list_days", list_days, 1, 90, _("选民榜须提前1至90天公布")),
              ("nominators_needed", nominators_needed, 1, 50, _("选民联名推荐人数须在1至50之间")),
              ("representatives_needed", representatives_needed, 1, 50, _("户代表联名推荐人数须在1至50之间")),
              ("min_more", min_more, 1, 9, _("差额人数须在1至9之间")),
              ("candidates_days", candidates_days, 1, 30, _("候选人名单须提前1至30天公布")),
              ("proxy_max", proxy_max, 1, 5, _("每人接受委托人数须在1至5之间")),
              ("group_min", group_min, 1, 10, _("每个居民小组代表人数须在1至10之间")),
              ("group_max", group_max, 1, 10, _("每个居民小组代表人数须在1至10之间")),
              ("recall_one_in", recall_one_in, 2, 10, _("罢免联名比例须在十分之一至二分之一之间")),
              ("recall_reps_one_in", recall_reps_one_in, 2, 10, _("罢免联名比例须在十分之一至二分之一之间")))
    out: dict[str, Any] = {}
    for name, value, low, high, message in checks:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise DomainError("invalid", message, field=name)
        out[name] = value
    if out["group_max"] < out["group_min"]:
        raise DomainError("invalid", _("每个居民小组代表的最多人数不能少于最少人数"), field="group_max")
    return {"title": title, "mode": mode, "election_day": election_day, "seats": _seats(seats),
            "registered_only": bool(registered_only), **out}


@transaction.atomic
def create(*, actor: Any, community: Any, title: str, election_day: dt.date, mode: str = Mode.ALL, seats: Any = None,
           min_age: int = 18, months: int = 12, registered_only: bool = False, women_at_least: int = 1,
           list_days: int = 20, nominators_needed: int = 10, representatives_needed: int = 5, min_more: int = 1,
           candidates_days: int = 5, proxy_max: int = 3, group_min: int = 2, group_max: int = 3, recall_one_in: int = 5,
           recall_reps_one_in: int = 3) -> Election:
    """A new election of a community (筹备), with its plan checked (``plan.seat_problems``)."""
    if community is None or getattr(community, "level", "") != "community":
        raise DomainError(Code.NOT_COMMUNITY, _("居委会选举以社区为单位，请选择社区"), field="community")
    fields = _plan_fields(title=title, mode=mode, election_day=election_day, min_age=min_age, months=months,
                          seats=seats if seats is not None else {plan.DIRECTOR: 1, plan.DEPUTY: 1, plan.MEMBER: 3},
                          registered_only=registered_only, women_at_least=women_at_least, list_days=list_days,
                          nominators_needed=nominators_needed, representatives_needed=representatives_needed, min_more=min_more,
                          candidates_days=candidates_days, proxy_max=proxy_max, group_min=group_min, group_max=group_max,
                          recall_one_in=recall_one_in, recall_reps_one_in=recall_reps_one_in)
    election = Election(community=community, region_path=community.path, created_by=actor, **fields)
    require(actor, "elections.manage", election)
    if Election.objects.filter(community=community).exclude(status__in=(Status.CANCELLED, Status.COUNTED)).exists():
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
                                                  "registered_only", "women_at_least", "list_days", "nominators_needed",
                                                  "representatives_needed", "min_more", "candidates_days", "proxy_max", "group_min",
                                                  "group_max", "recall_one_in", "recall_reps_one_in")}
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

def _committee_open(election: Election) -> None:
    """The committee changes until the candidates are published (a member who accepts a
    nomination leaves it and is replaced)."""
    if election.status not in (Status.PREPARING, Status.VOTERS_PUBLISHED):
        raise Conflict(Code.NOT_DRAFT, _("候选人名单公布后不能再调整选举委员会"), current_status=election.status)


def _committee_complete(election: Election) -> None:
    committee = list(CommitteeMember.objects.filter(election=election).values_list("role", flat=True))
    if len(committee) < COMMITTEE_AT_LEAST or CommitteeRole.CHAIR not in committee:
        raise Conflict(Code.COMMITTEE_INCOMPLETE, fill(_("选举委员会须至少%(n)s人并有主任"), {"n": COMMITTEE_AT_LEAST}),
                       field="committee", members=len(committee))


@transaction.atomic
def add_member(*, actor: Any, election: Election, resident_id: int, role: str = CommitteeRole.MEMBER) -> CommitteeMember:
    election = _lock(election)
    require(actor, "elections.manage", election)
    _committee_open(election)
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
    _committee_open(election)
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
    group = election.mode == Mode.GROUP  # the committee records each group's representatives on the list
    reps = regions.representatives_under(election.region_path) if household else {}
    here = {p["pk"] for p in people}
    kept = {v.resident_id: v for v in Voter.objects.select_for_update().filter(election=election, corrected=True)}
    Voter.objects.filter(election=election, corrected=False).delete()
    for v in kept.values():  # the committee's decisions stand; who votes follows the mode
        if v.resident_id not in here:  # moved away since: refused, its history kept
            v.eligible, v.refusals = False, str(eligibility.Refusal.MOVED_OUT)
        v.votes = v.eligible and (v.votes if household or group else True)
    picked = {v.household_id for v in kept.values() if v.votes and household}  # the committee chose who votes for these
    Voter.objects.bulk_update(list(kept.values()), ["eligible", "refusals", "votes"], batch_size=2000)
    rows = []
    for p, d in zip(people, decisions, strict=True):
        if p["pk"] in kept:
            continue
        votes = d.eligible and not group and (not household or (reps.get(p["household_id"]) == p["pk"]
                                                                  and p["household_id"] not in picked))
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


def group_problems(election: Election) -> list[dict[str, Any]]:
    """In a group election: the residents' groups (the grids) whose recorded representatives are
    too few, too many or not their voters, with the group's name."""
    from collections import defaultdict

    members: dict[str, list[str]] = defaultdict(list)
    chosen: dict[str, list[str]] = defaultdict(list)
    for pk, path, votes in Voter.objects.filter(election=election, eligible=True).values_list("pk", "region_path", "votes"):
        members[path].append(str(pk))
        if votes:
            chosen[path].append(str(pk))
    found = eligibility.group_problems(members, chosen, low=election.group_min, high=election.group_max)
    names = regions.names_of(found)
    return [{"group": g, "name": names.get(g, g), "problem": p, "representatives": n} for g, (p, n) in sorted(found.items())]


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
    if election.status not in BEFORE_VOTING:
        raise Conflict(Code.NOT_DRAFT, _("投票开始后不能再更正选民名单"), current_status=election.status)
    reason = clean_text(reason, collapse=True, limit=300)
    if len(meaningful(reason)) < 2:
        raise DomainError("reason_required", _("请填写更正理由"), field="reason")
    voter = Voter.objects.select_for_update().filter(election=election, pk=voter_id).first()
    if voter is None:
        raise NotFound("not_found", _("选民名单中没有该居民"))
    before = _entry(voter)
    eligible = bool(eligible)
    if not eligible and voter.eligible and voter.nominations.filter(status__in=("pending", "accepted")).exists():
        raise Conflict(Code.IS_CANDIDATE, _("该居民已被提名为候选人人选，请先撤回提名再更正名单"), field="eligible")
    if deprived and eligible:
        raise DomainError("invalid", _("被剥夺政治权利的居民没有选举权"), field="deprived")
    if objection_id is not None and not (election.voter_disclosure_id
                                         and disclosure_selectors.has_objection(election.voter_disclosure_id, objection_id)):
        raise DomainError("invalid", _("该异议不是对本次选民名单提出的"), field="objection_id")
    if election.mode == Mode.ALL:
        votes = eligible
    elif votes is None:  # not said: the household's (the group's) vote stays where it was
        votes = voter.votes
    votes = bool(votes) and eligible
    if votes and not voter.votes and election.mode == Mode.GROUP:
        chosen = Voter.objects.filter(election=election, region_path=voter.region_path, votes=True).count()
        if chosen >= election.group_max:
            raise Conflict(Code.GROUP_FULL, fill(_("每个居民小组的代表不超过%(n)s人，请先撤下一名代表"), {"n": election.group_max}),
                           field="votes", limit=election.group_max)
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


@transaction.atomic
def mark_away(*, actor: Any, election: Election, voter_id: int, away: bool, note: str) -> Voter:
    """外出选民: a voter who told the committee he will be away on election day (how and when in
    ``note``) is left out of the registered voters the turnout is measured against — unless he
    votes after all. Before voting begins; each change logged like a correction."""
    election = _lock(election)
    require(actor, "elections.manage", election)
    if election.status not in BEFORE_VOTING or election.status == Status.CANCELLED:
        raise Conflict(Code.NOT_DRAFT, _("投票开始后不能再登记外出选民"), current_status=election.status)
    note = clean_text(note, collapse=True, limit=300)
    if len(meaningful(note)) < 2:
        raise DomainError("reason_required", _("请填写外出情况(何时、以何种方式告知)"), field="note")
    voter = Voter.objects.select_for_update().filter(election=election, pk=voter_id).first()
    if voter is None:
        raise NotFound("not_found", _("选民名单中没有该居民"))
    if not voter.votes:
        raise DomainError("invalid", _("该居民不参加本次投票"), field="away")
    if voter.away == bool(away):
        raise DomainError(Code.UNCHANGED, _("更正前后没有变化"), field="away")
    voter.away, voter.note = bool(away), note
    voter.save(update_fields=["away", "note"])
    VoterChange.objects.create(voter=voter, election=election, actor=actor, before={"away": not voter.away},
                               after={"away": voter.away}, reason=note, after_publication=election.status in LIST_PUBLIC)
    record_audit(actor=actor, action="election.voter_away", target=election, region_path=voter.region_path,
                 changes={"voter": voter.pk, "away": voter.away, "note": note})
    return voter


def _change(election: Election, voter: Voter, actor: Any, after: dict[str, Any], reason: str, objection_id: int | None) -> None:
    before = _entry(voter)
    voter.eligible, voter.votes, voter.refusals = after["eligible"], after["votes"], after["refusals"]
    if voter.eligible and not voter.basis:
        voter.basis = "committee"
    voter.corrected, voter.note = True, reason
    if voter.votes and voter.number is None and election.status in LIST_PUBLIC:
        voter.number = (Voter.objects.filter(election=election).exclude(number=None).order_by("-number")
                        .values_list("number", flat=True).first() or 0) + 1
    voter.save()
    VoterChange.objects.create(voter=voter, election=election, actor=actor, before=before, after=after, reason=reason,
                               after_publication=election.status in LIST_PUBLIC, objection_id=objection_id)
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
    _committee_complete(election)
    if election.voters_built_at is None or not Voter.objects.filter(election=election, votes=True).exists():
        raise Conflict(Code.NO_VOTERS, _("请先按选举日生成选民名单"), field="voters")
    if election.mode == Mode.GROUP:
        problems = group_problems(election)
        if problems:
            raise Conflict(Code.GROUPS_INCOMPLETE, fill(_("%(n)s个居民小组的代表人数不符合每组%(a)s至%(b)s人：%(g)s"), {
                "n": len(problems), "a": election.group_min, "b": election.group_max,
                "g": "、".join(f"{p['name']}({p['representatives']})" for p in problems)}), field="voters",
                problems=[{k: v for k, v in p.items() if k != "name"} for p in problems])
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


# ---------------------------------------------------------------- nominations and the candidate list

NOMINATION_MESSAGES = {
    "nominator_not_voter": gettext_lazy("推荐人须为本次选举的选民"),
    "too_few_nominators": gettext_lazy("联名推荐人须至少%(needed)s名(有效%(valid)s名)"),
    "too_many_signatures": gettext_lazy("每名推荐人联名推荐的%(post)s人选不得多于应选名额(%(seats)s名)：选民证号%(numbers)s"),
}
CANDIDATE_MESSAGES = {
    "too_few_candidates": gettext_lazy("%(post)s候选人须多于应选名额：应选%(seats)s名，至少%(needed)s名候选人(当前%(candidates)s名)"),
    "too_many_candidates": gettext_lazy("%(post)s候选人最多%(most)s名(应选%(seats)s名，当前%(candidates)s名)"),
    "two_posts": gettext_lazy("同一人只能作为一个职位的候选人"),
    "candidate_twice": gettext_lazy("候选人重复"),
    "no_woman_candidate": gettext_lazy("候选人中须至少有%(needed)s名女性(当前%(women)s名)"),
}
HOW = {"nominations": gettext_lazy("按提名直接确定"), "consultation": gettext_lazy("经选民小组酝酿协商确定"),
       "preliminary": gettext_lazy("经预选确定")}


def post_label(post: str) -> str:
    from .models import Post

    return str(dict(Post.choices).get(post, post))


def _nominating(election: Election) -> None:
    if election.status != Status.VOTERS_PUBLISHED:
        raise Conflict(Code.NOT_NOMINATING, _("选民名单公布后、候选人名单公布前才能提名和确定候选人"), current_status=election.status)


def _post(election: Election, post: Any) -> str:
    if post not in (election.seats or {}):
        raise DomainError("invalid", _("本次选举没有该职位"), field="post")
    return str(post)


def _voter_numbers(election: Election, numbers: Any) -> list[Voter]:
    if not isinstance(numbers, list | tuple) or not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers):
        raise DomainError("invalid", _("请填写推荐人的选民证号"), field="nominators")
    if len(numbers) > 200:
        raise DomainError("invalid", _("推荐人最多200名"), field="nominators")
    found = {v.number: v for v in Voter.objects.filter(election=election, votes=True, number__in=set(numbers))}
    unknown = sorted(set(numbers) - set(found))
    if unknown:
        raise DomainError(Code.NOMINATION_INVALID, fill(_("选民榜中没有这些选民证号：%(n)s"), {"n": "、".join(str(n) for n in unknown)}),
                          field="nominators", problems=[{"code": "nominator_not_voter", "numbers": unknown}])
    return [found[n] for n in dict.fromkeys(numbers)]


@transaction.atomic
def nominate(*, actor: Any, election: Election, post: str, nominee_id: int, by_committee: bool = False,
             nominator_numbers: Any = (), note: str = "") -> Any:
    """A nomination recorded by the committee: its own (``by_committee``), or a joint one from the
    paper form (联名推荐表) with the nominators' voter numbers — at least ``nominators_needed``
    voters (``representatives_needed`` household representatives in that mode), each nominating
    no more people for a post than its seats. The nominee is told and accepts or declines."""
    from .models import LIVE_NOMINATIONS, Nomination, Nominator

    election = _lock(election)
    require(actor, "elections.manage", election)
    _nominating(election)
    post = _post(election, post)
    nominee = Voter.objects.filter(election=election, pk=nominee_id).first()
    if nominee is None or not nominee.eligible:
        raise DomainError(Code.NOT_ELIGIBLE, _("被提名人须为本次选举有选举权的居民"), field="nominee")
    if Nomination.objects.filter(election=election, post=post, nominee=nominee, status__in=LIVE_NOMINATIONS).exists():
        raise Conflict(Code.ALREADY_NOMINATED, fill(_("该居民已被提名为%(p)s人选"), {"p": post_label(post)}), field="nominee")
    note = clean_text(note, collapse=True, limit=300)
    nominators = [] if by_committee else _voter_numbers(election, list(nominator_numbers or []))
    problems = plan.nomination_problems(by_committee=bool(by_committee), nominators=[str(v.pk) for v in nominators],
                                        voters=[str(v.pk) for v in nominators], mode=election.mode,
                                        voters_needed=election.nominators_needed,
                                        representatives_needed=election.representatives_needed)
    seats = int(election.seats[post])
    full = sorted(int(n or 0) for n, c in Nominator.objects.filter(nomination__election=election, nomination__post=post,
                                                         nomination__status__in=LIVE_NOMINATIONS, voter__in=nominators)
                  .values("voter__number").annotate(c=Count("pk")).values_list("voter__number", "c") if c >= seats)
    out = [{"code": p.code, **dict(p.facts)} for p in problems]
    messages = [fill(str(NOMINATION_MESSAGES.get(p.code, p.code)), dict(p.facts)) for p in problems]
    if full:
        out.append({"code": "too_many_signatures", "numbers": full, "seats": seats})
        messages.append(fill(str(NOMINATION_MESSAGES["too_many_signatures"]),
                             {"post": post_label(post), "seats": seats, "numbers": "、".join(str(n) for n in full)}))
    if out:
        raise DomainError(Code.NOMINATION_INVALID, "；".join(messages), field="nominators", problems=out)
    nomination = Nomination.objects.create(election=election, post=post, nominee=nominee, by_committee=bool(by_committee),
                                           note=note, entered_by=actor)
    Nominator.objects.bulk_create([Nominator(nomination=nomination, voter=v) for v in nominators])
    record_audit(actor=actor, action="election.nominate", target=election, region_path=election.region_path,
                 changes={"nomination": nomination.pk, "post": post, "nominee": nominee.resident_id, "by_committee": bool(by_committee),
                          "nominators": [v.number for v in nominators]})
    text = fill(_("您被提名为%(t)s%(p)s候选人人选，请在“居委会选举”页面确认是否接受提名。"), {"t": election.title, "p": post_label(post)})
    transaction.on_commit(lambda: _tell(election, [nominee.resident_id], "elections.nomination", text), robust=True)
    return nomination


def _tell(election: Election, resident_ids: list[int], kind: str, text: str) -> int:
    from linli.accounts.selectors import users_of_residents
    from linli.messaging import services as messaging

    return messaging.send(list(users_of_residents(resident_ids).values()), kind, text=text, target=election,
                          link=reverse("elections:mine"))


@transaction.atomic
def answer_nomination(*, actor: Any, election: Election, nomination_id: int, accept: bool, note: str = "") -> Any:
    """The nominee's answer: himself (signed in as the resident), or recorded by the committee on
    his behalf with a note (his written confirmation). A committee member who accepts leaves the
    election committee (a candidate may not run the election)."""
    from .models import Nomination, NominationStatus

    election = _lock(election)
    nomination = Nomination.objects.select_for_update().filter(election=election, pk=nomination_id).select_related("nominee").first()
    resident = getattr(actor, "resident", None) if getattr(actor, "is_authenticated", False) else None
    himself = nomination is not None and resident is not None and resident.pk == nomination.nominee.resident_id
    if nomination is None or not (himself or actor.has_perm("elections.manage", election)):
        raise NotFound("not_found", _("提名不存在"))
    _nominating(election)
    if nomination.status != NominationStatus.PENDING:
        raise Conflict(Code.ALREADY_ANSWERED, _("该提名已确认或已撤回"), current_status=nomination.status)
    note = clean_text(note, collapse=True, limit=300)
    if not himself and len(meaningful(note)) < 2:
        raise DomainError("reason_required", _("代为登记本人意见时，请说明依据(如本人书面确认)"), field="note")
    nomination.status = NominationStatus.ACCEPTED if accept else NominationStatus.DECLINED
    nomination.answered_at, nomination.answered_by, nomination.on_behalf, nomination.answer_note = timezone.now(), actor, not himself, note
    nomination.save()
    left = None
    if accept:
        member = CommitteeMember.objects.filter(election=election, resident_id=nomination.nominee.resident_id).first()
        if member is not None:
            left = member.role
            member.delete()
    record_audit(actor=actor, action="election.nomination_answer", target=election, region_path=election.region_path,
                 changes={"nomination": nomination.pk, "status": nomination.status, "on_behalf": not himself,
                          **({"left_committee": left} if left else {})})
    return nomination


@transaction.atomic
def withdraw_nomination(*, actor: Any, election: Election, nomination_id: int, reason: str) -> Any:
    """The committee withdraws a nomination (the nominators withdrew it, or it was made in error),
    with the reason; a formal candidate from it leaves the list."""
    from .models import LIVE_NOMINATIONS, Candidate, Nomination, NominationStatus

    election = _lock(election)
    require(actor, "elections.manage", election)
    _nominating(election)
    nomination = Nomination.objects.select_for_update().filter(election=election, pk=nomination_id).first()
    if nomination is None:
        raise NotFound("not_found", _("提名不存在"))
    if nomination.status not in LIVE_NOMINATIONS:
        raise Conflict(Code.ALREADY_ANSWERED, _("该提名已不接受或已撤回"), current_status=nomination.status)
    reason = clean_text(reason, collapse=True, limit=300)
    if len(meaningful(reason)) < 2:
        raise DomainError("reason_required", _("请填写撤回理由"), field="reason")
    nomination.status, nomination.answer_note = NominationStatus.WITHDRAWN, reason
    nomination.save()
    Candidate.objects.filter(nomination=nomination).delete()
    record_audit(actor=actor, action="election.nomination_withdraw", target=election, region_path=election.region_path,
                 changes={"nomination": nomination.pk, "reason": reason})
    return nomination


@transaction.atomic
def set_candidates(*, actor: Any, election: Election, post: str, voter_ids: Any, how: str = "nominations", note: str = "") -> list[Any]:
    """The formal candidates (正式候选人) of one post, in ballot order, from the accepted
    nominations. Leaving out an accepted nominee needs the basis (选民小组酝酿协商 or 预选) and a
    note. Replaces the post's list; the 差额 is checked when the list is published."""
    from .models import Candidate, Nomination, NominationStatus

    election = _lock(election)
    require(actor, "elections.manage", election)
    _nominating(election)
    post = _post(election, post)
    if not isinstance(voter_ids, list | tuple) or not all(isinstance(v, int) and not isinstance(v, bool) for v in voter_ids) \
            or len(voter_ids) > 30:
        raise DomainError("invalid", _("请选择候选人(最多30名)"), field="voter_ids")
    if len(set(voter_ids)) != len(voter_ids):
        raise DomainError(Code.CANDIDATES_INVALID, str(CANDIDATE_MESSAGES["candidate_twice"]), field="voter_ids")
    if how not in HOW:
        raise DomainError("invalid", _("确定方式无效"), field="how")
    accepted = {n.nominee_id: n for n in Nomination.objects.filter(election=election, post=post, status=NominationStatus.ACCEPTED)}
    missing = [v for v in voter_ids if v not in accepted]
    if missing:
        raise DomainError(Code.CANDIDATES_INVALID, fill(_("正式候选人须为接受%(p)s提名的人选"), {"p": post_label(post)}),
                          field="voter_ids", voters=missing)
    elsewhere = list(Candidate.objects.filter(election=election, voter_id__in=voter_ids).exclude(post=post).values_list("voter_id", flat=True))
    if elsewhere:
        raise DomainError(Code.CANDIDATES_INVALID, str(CANDIDATE_MESSAGES["two_posts"]), field="voter_ids", voters=elsewhere)
    note = clean_text(note, collapse=True, limit=300)
    left_out = set(accepted) - set(voter_ids)
    if left_out and (how == "nominations" or len(meaningful(note)) < 2):
        raise DomainError("reason_required", _("未列入全部接受提名的人选时，请选择酝酿协商或预选并说明结果"), field="how",
                          left_out=len(left_out))
    Candidate.objects.filter(election=election, post=post).delete()
    rows = [Candidate(election=election, post=post, voter_id=v, nomination=accepted[v], position=i) for i, v in enumerate(voter_ids, start=1)]
    Candidate.objects.bulk_create(rows)
    election.candidate_basis = {**(election.candidate_basis or {}), post: {"how": how, "note": note}}
    election.save(update_fields=["candidate_basis", "updated_at"])
    record_audit(actor=actor, action="election.candidates", target=election, region_path=election.region_path,
                 changes={"post": post, "voters": list(voter_ids), "how": how, "note": note})
    return rows


def candidate_check(election: Election) -> list[dict[str, Any]]:
    """What keeps the candidate list from being published, each with its message: the 差额 per
    post (``plan.candidate_problems``) and the women among the candidates."""
    from .models import Candidate

    rows = list(Candidate.objects.filter(election=election).values_list("post", "voter__resident_id"))
    by_post: dict[str, list[str]] = {}
    for post, rid in rows:
        by_post.setdefault(post, []).append(str(rid))
    seats = {k: int(v) for k, v in (election.seats or {}).items()}
    problems = plan.candidate_problems(seats, by_post, min_more=election.min_more)
    out = [{"code": p.code, "post": p.post, **dict(p.facts),
            "message": fill(str(CANDIDATE_MESSAGES.get(p.code, p.code)), {"post": post_label(p.post), **dict(p.facts)})} for p in problems]
    if election.women_at_least:
        genders = regions.resident_genders(int(r) for _p, r in rows)
        women = sum(1 for _p, r in rows if genders.get(r) == "F")
        if women < election.women_at_least:
            facts = {"women": women, "needed": election.women_at_least}
            out.append({"code": "no_woman_candidate", "post": "", **facts,
                        "message": fill(str(CANDIDATE_MESSAGES["no_woman_candidate"]), facts)})
    return out


@transaction.atomic
def publish_candidates(*, actor: Any, election: Election, now: dt.datetime | None = None) -> Election:
    """公布候选人名单: the 差额 on every post, enough women among the candidates, at least
    ``candidates_days`` before election day; disclosed to the community (``elections.candidates``:
    names, sex and age of each candidate by post, in ballot order) and told to the voters."""
    from .models import Candidate

    election = _lock(election)
    require(actor, "elections.manage", election)
    _nominating(election)
    now = now or timezone.now()
    latest = election.election_day - dt.timedelta(days=election.candidates_days)
    if timezone.localdate(now) > latest:
        raise Conflict(Code.TOO_LATE, fill(_("候选人名单须在选举日前%(n)s天公布，最迟%(d)s"),
                                           {"n": election.candidates_days, "d": latest.isoformat()}), field="election_day",
                       latest=latest.isoformat())
    _committee_complete(election)
    problems = candidate_check(election)
    if problems:
        raise DomainError(Code.CANDIDATES_INVALID, "；".join(p["message"] for p in problems), field="candidates",
                          problems=[{k: v for k, v in p.items() if k != "message"} for p in problems])
    LIFECYCLE.apply(election, Action.PUBLISH_CANDIDATES, actor=actor, lock=False)
    rows = list(Candidate.objects.filter(election=election).select_related("voter"))
    cards = regions.resident_genders(c.voter.resident_id for c in rows)
    names = regions.resident_labels(c.voter.resident_id for c in rows)
    lines = []
    for post in (p for p in plan.POSTS if p in election.seats):
        people = sorted((c for c in rows if c.post == post), key=lambda c: c.position)
        listed = "、".join(fill(_("%(n)s(%(g)s，%(a)s岁)"), {"n": names.get(c.voter.resident_id, ("",))[0],
                                                            "g": _("女") if cards.get(c.voter.resident_id) == "F" else _("男"),
                                                            "a": c.voter.age}) for c in people)
        lines.append(fill(_("%(p)s(应选%(s)s名，候选人%(c)s名)：%(l)s"),
                          {"p": post_label(post), "s": election.seats[post], "c": len(people), "l": listed}))
    content = fill(_("%(t)s正式候选人名单如下(按姓氏笔画排序)。选举日%(day)s。对候选人资格有异议的，请在公示期内提出，选举委员会依法答复。"),
                   {"t": election.title, "day": election.election_day.isoformat()}) + "\n" + "\n".join(lines)
    d = disclosures.publish(actor=actor, kind="elections.candidates", region=election.community,
                            title=fill(_("%(t)s候选人名单公布"), {"t": election.title})[:120], content=content, source=election,
                            source_label=election.title, source_url=reverse("elections:candidates", args=[election.pk]), now=now)
    election.candidate_disclosure_id = d.pk
    election.candidates_published_at = now
    election.save()
    voters = list(Voter.objects.filter(election=election, votes=True).values_list("resident_id", flat=True))
    text = fill(_("%(t)s候选人名单已公布，请查看候选人情况。"), {"t": election.title})
    transaction.on_commit(lambda: _tell(election, voters, "elections.candidates", text), robust=True)
    return election
