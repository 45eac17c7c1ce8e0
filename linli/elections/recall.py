"""罢免: recalling members a residents' committee election elected.

- ``lodge_recall``: the committee records a petition (联名提出罢免要求) naming one or more members
  elected and still in office, with the reason, signed by at least one in ``recall_one_in`` (5) of
  the voters on the list who still live in the community — in a household or group
  representatives' election one in ``recall_reps_one_in`` (3) of the representatives. The members
  are told and may answer.
- ``record_defence``: the member's answer (申辩意见), by himself on his phone or recorded by the
  committee on his behalf (also that he chose to make none); the vote opens only after it.
- ``open_recall``: a round of the election (``RoundKind.RECALL``) with the members on the ballot,
  each marked 同意罢免 (yes) / 不同意 (no) / 弃权; the reason and the defence disclosed
  (``elections.recall``); voted online with a fresh SMS code and on paper like any round, closed
  and counted by the same services. The election's proxies ended with it and do not carry over.
- ``count_recall`` (from ``voting.count_round``): ``count.recall`` decides — valid only with more
  than half of the registered voters voting, a member recalled with more than half of the
  ballots cast approving — and the result is disclosed. A recalled member leaves the list of
  those elected (his certificate is no longer issued).
- ``withdraw_recall``: before the vote, with a reason.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from linli.core.reasons import meaningful
from linli.core.services import record_audit
from linli.core.text import clean_text, fill
from linli.disclosures import services as disclosures
from linli.regions import selectors as regions

from . import count
from .errors import Code
from .models import (
    Election,
    Mode,
    Proxy,
    Recall,
    RecallSigner,
    RecallStatus,
    Round,
    RoundKind,
    RoundStatus,
    Voter,
)
from .services import _lock, _tell, post_label, require
from .states import LIFECYCLE, RECALL_LIFECYCLE, Action, RecallAction, Status

OPEN = (RecallStatus.LODGED, RecallStatus.VOTING)


def in_office(election: Election) -> list[dict[str, Any]]:
    """Those elected and not recalled (the ``selectors.elected`` lines)."""
    from .selectors import elected

    return elected(election)


def electorate(election: Election) -> Any:
    """The voters of the list who still live in the community: those who sign a petition and vote."""
    return Voter.objects.filter(election=election, votes=True, resident__moved_out__isnull=True)


def signatures_needed(election: Election) -> int:
    """一定比例以上: at least one in ``recall_one_in`` of the voters (one in ``recall_reps_one_in`` of
    the representatives in a household or group election), rounded up."""
    one_in = election.recall_one_in if election.mode == Mode.ALL else election.recall_reps_one_in
    return max(1, math.ceil(electorate(election).count() / one_in))


def _recall(election: Election, recall_id: Any, *, lock: bool = True) -> Recall:
    try:
        pk = int(recall_id)
    except (TypeError, ValueError):
        raise NotFound("not_found", _("没有该罢免要求")) from None
    qs = Recall.objects.select_for_update() if lock else Recall.objects
    found = qs.filter(election=election, pk=pk).first()
    if found is None:
        raise NotFound("not_found", _("没有该罢免要求"))
    return found


def _numbers(value: Any) -> list[int]:
    if isinstance(value, str):
        value = [x for x in value.replace("，", ",").replace("、", ",").replace("\n", ",").replace(" ", ",").split(",") if x.strip()]
    if not isinstance(value, list | tuple) or len(value) > 50000:
        raise DomainError("invalid", _("请填写联名人的选民证号"), field="signers")
    out = []
    for n in value:
        text = str(n).strip()
        if not text.isdigit() or len(text) > 9:
            raise DomainError("invalid", fill(_("选民证号“%(n)s”不正确"), {"n": text[:12]}), field="signers")
        out.append(int(text))
    return out


@transaction.atomic
def lodge_recall(*, actor: Any, election: Election, member_ids: Any, reason: str, signer_numbers: Any,
                 now: dt.datetime | None = None) -> Recall:
    election = _lock(election)
    require(actor, "elections.manage", election)
    if election.status != Status.COUNTED or not in_office(election):
        raise Conflict(Code.NOT_IN_OFFICE, _("选举结束、成员当选后才能提出罢免"), current_status=election.status)
    _still_the_term(election)
    if Recall.objects.filter(election=election, status__in=OPEN).exists():
        raise Conflict(Code.RECALL_OPEN, _("已有罢免要求尚未表决，表决后再提出新的罢免要求"))
    office = {x["voter"].pk: x for x in in_office(election)}
    if not isinstance(member_ids, list | tuple) or not member_ids:
        raise DomainError("invalid", _("请选择被提出罢免的成员"), field="members")
    try:
        ids = list(dict.fromkeys(int(m) for m in member_ids))
    except (TypeError, ValueError):
        raise DomainError("invalid", _("请选择被提出罢免的成员"), field="members") from None
    if any(m not in office for m in ids):
        raise DomainError(Code.NOT_IN_OFFICE, _("只能罢免本次选举产生、仍在任的成员"), field="members")
    reason = clean_text(reason, limit=2000)
    if not meaningful(reason):
        raise DomainError("reason_required", _("请写明罢免理由"), field="reason")
    numbers = _numbers(signer_numbers)
    if len(set(numbers)) != len(numbers):
        raise DomainError("invalid", _("同一联名人不能签名两次"), field="signers")
    found = {v.number: v for v in electorate(election).filter(number__in=numbers)}
    unknown = sorted(set(numbers) - set(found))
    if unknown:
        raise DomainError(Code.RECALL_TOO_FEW, fill(_("这些选民证号不在选民名单上或已迁出：%(n)s"), {"n": "、".join(str(n) for n in unknown[:30])}),
                          field="signers", numbers=unknown)
    needed = signatures_needed(election)
    if len(found) < needed:
        who = _("选民") if election.mode == Mode.ALL else _("户代表或居民小组代表")
        raise DomainError(Code.RECALL_TOO_FEW, fill(_("联名的%(w)s有%(g)s名，须至少%(n)s名"), {"w": who, "g": len(found), "n": needed}),
                          field="signers", needed=needed, got=len(found))
    recall = Recall.objects.create(election=election, members=[{"voter": m, "post": office[m]["post"]} for m in ids], reason=reason,
                                   lodged_by=actor, lodged_at=now or timezone.now(), needed=needed)
    RecallSigner.objects.bulk_create([RecallSigner(recall=recall, voter=v) for v in found.values()])
    record_audit(actor=actor, action="election.recall_lodge", target=election, region_path=election.region_path,
                 changes={"recall": recall.pk, "members": ids, "signers": len(found), "needed": needed})
    text = fill(_("有居民联名提出罢免您在%(t)s中当选的职务，您可以在“居委会选举”页面提出申辩意见。"), {"t": election.title})
    residents = list(Voter.objects.filter(pk__in=ids).values_list("resident_id", flat=True))
    transaction.on_commit(lambda: _tell(election, residents, "elections.recall", text), robust=True)
    return recall


def next_term_begun(election: Election) -> bool:
    return Election.objects.filter(community_id=election.community_id, pk__gt=election.pk).exclude(status=Status.CANCELLED).exists()


def _still_the_term(election: Election) -> None:
    """The committee this election elected is in office until the next term's election begins."""
    if next_term_begun(election):
        raise Conflict(Code.NOT_IN_OFFICE, _("本社区已开始新一届选举，不能再罢免本届成员"))


def _not_named(actor: Any, recall: Recall) -> None:
    """A member named does not open or withdraw the vote on himself."""
    if Voter.objects.filter(pk__in=recall.member_ids, resident_id=getattr(actor, "resident_id", None) or -1).exists():
        raise PermissionDenied("forbidden", _("被提出罢免的成员不能处理本人的罢免要求"))


def _lodged(recall: Recall) -> None:
    if recall.status != RecallStatus.LODGED:
        raise Conflict("illegal_transition", _("该罢免要求已表决或已撤回"), current_status=recall.status)


@transaction.atomic
def record_defence(*, actor: Any, election: Election, recall_id: Any, text: str, member_id: Any = None) -> Recall:
    """申辩意见, one per member named: by the member himself, or by the committee on his behalf
    (``member_id``; with one member named it may be left out). What a member wrote himself the
    committee does not rewrite; he may revise it until the vote opens."""
    election = _lock(election)
    recall = _recall(election, recall_id)
    mine = list(Voter.objects.filter(pk__in=recall.member_ids, resident_id=getattr(actor, "resident_id", None) or -1)
                .values_list("pk", flat=True))
    if mine:
        target = mine[0]
    else:
        require(actor, "elections.manage", election)
        if member_id in (None, "") and len(recall.member_ids) == 1:
            target = recall.member_ids[0]
        else:
            try:
                target = int(member_id)
            except (TypeError, ValueError):
                raise DomainError("invalid", _("请选择为哪名成员登记申辩意见"), field="member") from None
            if target not in recall.member_ids:
                raise DomainError("invalid", _("请选择为哪名成员登记申辩意见"), field="member")
    _lodged(recall)
    entry = next(m for m in recall.members if int(m["voter"]) == target)
    if not mine and entry.get("defence_at") and not entry.get("on_behalf"):
        raise Conflict(Code.ALREADY_ANSWERED, _("被罢免成员本人已提出申辩意见，不能代为更改"))
    text = clean_text(text, limit=4000)
    if not text:
        raise DomainError("invalid", _("请填写申辩意见(本人不申辩的，请写明)"), field="defence")
    entry.update({"defence": text, "defence_at": timezone.now().isoformat(), "by": actor.pk, "on_behalf": not mine})
    recall.save(update_fields=["members"])
    record_audit(actor=actor, action="election.recall_defence", target=election, region_path=election.region_path,
                 changes={"recall": recall.pk, "member": target, "on_behalf": not mine})
    return recall


@transaction.atomic
def withdraw_recall(*, actor: Any, election: Election, recall_id: Any, reason: str) -> Recall:
    election = _lock(election)
    require(actor, "elections.manage", election)
    recall = _recall(election, recall_id)
    _lodged(recall)
    _not_named(actor, recall)
    reason = clean_text(reason, collapse=True, limit=300)
    if not meaningful(reason):
        raise DomainError("reason_required", _("请填写撤回原因"), field="reason")
    RECALL_LIFECYCLE.apply(recall, RecallAction.WITHDRAW, actor=actor, lock=False, audit=False)
    recall.withdraw_reason = reason
    recall.save()
    record_audit(actor=actor, action="election.recall_withdraw", target=election, region_path=election.region_path,
                 changes={"recall": recall.pk, "reason": reason})
    return recall


def _names(voter_ids: list[int]) -> dict[int, str]:
    voters = dict(Voter.objects.filter(pk__in=voter_ids).values_list("pk", "resident_id"))
    labels = regions.resident_labels(voters.values())
    return {pk: labels.get(rid, ("",))[0] for pk, rid in voters.items()}


@transaction.atomic
def open_recall(*, actor: Any, election: Election, recall_id: Any, now: dt.datetime | None = None) -> Round:
    """The vote: a round with the members on the ballot (per post), the list's registered voters who
    still live here, the reason and the defence disclosed and the voters told."""
    election = _lock(election)
    require(actor, "elections.manage", election)
    recall = _recall(election, recall_id)
    _lodged(recall)
    _not_named(actor, recall)
    missing = [int(m["voter"]) for m in recall.members if not m.get("defence_at")]
    if missing:
        raise Conflict(Code.NO_DEFENCE, _("请先登记每名被罢免成员的申辩意见(或本人不申辩)"), members=missing)
    if election.status != Status.COUNTED:
        raise Conflict("illegal_transition", _("当前阶段不能开始罢免表决"), current_status=election.status)
    _still_the_term(election)
    now = now or timezone.now()
    seats: dict[str, int] = {}
    candidates: dict[str, list[int]] = {}
    for m in recall.members:
        candidates.setdefault(m["post"], []).append(int(m["voter"]))
        seats[m["post"]] = len(candidates[m["post"]])
    no = (Round.objects.filter(election=election).order_by("-no").values_list("no", flat=True).first() or 0) + 1
    rnd = Round.objects.create(election=election, no=no, kind=RoundKind.RECALL, seats=seats, candidates=candidates,
                               status=RoundStatus.VOTING, opened_at=now, registered=electorate(election).count())
    ended = list(Proxy.objects.filter(election=election, revoked_at__isnull=True).values_list("pk", flat=True))
    Proxy.objects.filter(pk__in=ended).update(revoked_at=now, revoke_reason=_("选举已结束，委托不适用于罢免表决"))
    LIFECYCLE.apply(election, Action.OPEN_RECALL, actor=actor, lock=False,
                    changes={"round": rnd.no, "recall": recall.pk, "proxies_ended": ended})
    election.save()
    RECALL_LIFECYCLE.apply(recall, RecallAction.OPEN, actor=actor, lock=False, audit=False)
    recall.round = rnd
    names = _names(recall.member_ids)
    who = "、".join(fill(_("%(p)s%(n)s"), {"p": post_label(m["post"]), "n": names.get(int(m["voter"]), "")}) for m in recall.members)
    content = "\n".join([fill(_("%(s)s名选民联名提出罢免%(w)s，现进行罢免表决。"), {"s": recall.signers.count(), "w": who}),
                         _("罢免理由：") + recall.reason,
                         *(fill(_("%(n)s的申辩意见：%(d)s"), {"n": names.get(int(m["voter"]), ""), "d": m["defence"]}) for m in recall.members),
                         _("须有登记选民过半数投票，并经投票的选民过半数同意，方可罢免。")])
    d = disclosures.publish(actor=actor, kind="elections.recall", region=election.community,
                            title=fill(_("%(t)s罢免表决公告"), {"t": election.title})[:120], content=content, source=election,
                            source_label=election.title, source_url=reverse("elections:recalls", args=[election.pk]), now=now)
    recall.notice_disclosure_id = d.pk
    recall.save()
    from .voting import _tell_voters

    _tell_voters(election, fill(_("%(t)s罢免表决已开始，请在表决结束前投票(每人一票)。"), {"t": election.title}))
    return rnd


def ballots_of(rnd: Round) -> list[dict[str, str]]:
    """Each ballot of a recall round as ``count.recall`` reads it: member key → mark."""
    from .models import Ballot, Mark

    out: dict[Any, dict[str, str]] = {pk: {} for pk in Ballot.objects.filter(round=rnd).values_list("pk", flat=True)}
    for ballot_id, person, mark in Mark.objects.filter(ballot__round=rnd).values_list("ballot_id", "person_id", "mark"):
        out[ballot_id][str(person)] = mark
    return list(out.values())


def count_recall(*, actor: Any, election: Election, rnd: Round, now: dt.datetime) -> Round:
    """Called by ``voting.count_round`` under the election's lock for a recall round."""
    recall = Recall.objects.select_for_update().get(round=rnd)
    members = [str(m) for m in recall.member_ids]
    try:
        result = count.recall(registered=rnd.registered, members=members, ballots=ballots_of(rnd))
    except ValueError:  # more ballots than registered voters: someone moved away during the vote
        raise Conflict(Code.PAPER_EXCESS, _("投票人数多于登记选民人数，请选举委员会核实后处理")) from None
    rnd.result = {"registered": result.registered, "cast": result.cast, "valid": result.valid, "round": "recall",
                  "complete": True, "problems": [],
                  "recall": [{"member": int(x.member), "post": next(m["post"] for m in recall.members if str(m["voter"]) == x.member),
                              "yes": x.yes, "no": x.no, "abstain": x.abstain, "recalled": x.recalled} for x in result.lines]}
    rnd.status, rnd.counted_at = RoundStatus.COUNTED, now
    rnd.save()
    RECALL_LIFECYCLE.apply(recall, RecallAction.DECIDE, actor=actor, lock=False, audit=False)
    recall.recalled = [int(m) for m in result.recalled]
    recall.save()
    names = _names(recall.member_ids)
    head = fill(_("%(t)s罢免表决结果：登记选民%(r)s人，参加投票%(c)s人。"), {"t": election.title, "r": result.registered, "c": result.cast})
    if not result.valid:
        lines = [_("参加投票的选民未超过登记选民的半数，罢免表决无效")]
    else:
        lines = [fill(_("%(n)s：同意罢免%(y)s票，不同意%(o)s票，弃权%(a)s票，%(r)s"),
                      {"n": names.get(int(x.member), ""), "y": x.yes, "o": x.no, "a": x.abstain,
                       "r": _("罢免") if x.recalled else _("未获通过，继续任职")}) for x in result.lines]
    d = disclosures.publish(actor=actor, kind="elections.result", region=election.community,
                            title=fill(_("%(t)s罢免表决结果公告"), {"t": election.title})[:120], content=head + "\n" + "\n".join(lines),
                            source=election, source_label=election.title, source_url=reverse("elections:recalls", args=[election.pk]),
                            now=now)
    rnd.result_disclosure_id = d.pk
    rnd.save(update_fields=["result_disclosure_id"])
    LIFECYCLE.apply(election, Action.COUNT_RECALL, actor=actor, lock=False,
                    changes={"round": rnd.no, "cast": result.cast, "valid": result.valid, "recalled": recall.recalled})
    election.save()
    record_audit(actor=actor, action="election.recall_count", target=election, region_path=election.region_path,
                 changes={"recall": recall.pk, "round": rnd.no, "registered": result.registered, "cast": result.cast,
                          "recalled": recall.recalled})
    from .voting import _tell_voters

    _tell_voters(election, fill(_("%(t)s罢免表决结果已公布。"), {"t": election.title}))
    return rnd


def recall_lines(actor: Any, election: Election) -> list[dict[str, Any]]:
    """The recalls as people read them: members named, reason, signers (count), defence, result.
    A member named may answer his own while it is lodged."""
    rows = list(Recall.objects.filter(election=election).select_related("round").order_by("-lodged_at", "-pk"))
    names = _names([m for r in rows for m in r.member_ids])
    mine = set(Voter.objects.filter(election=election, resident_id=getattr(actor, "resident_id", None) or -1).values_list("pk", flat=True))
    staff = actor.has_perm("elections.follow", election)
    out = []
    for r in rows:
        if r.status == RecallStatus.WITHDRAWN and not staff and not mine & set(r.member_ids):
            continue  # a withdrawn petition: the staff and the members named see it, not the community
        result = {x["member"]: x for x in (r.round.result.get("recall", []) if r.round and r.round.status == RoundStatus.COUNTED else [])}
        out.append({"recall": r, "signers": r.signers.count(), "mine": bool(mine & set(r.member_ids)),
                    "valid": r.round.result.get("valid") if r.round and r.round.result else None,
                    "cast": r.round.result.get("cast") if r.round and r.round.result else None,
                    "registered": r.round.result.get("registered") if r.round and r.round.result else None,
                    "members": [{"voter_id": m["voter"], "name": names.get(int(m["voter"]), ""), "post": m["post"],
                                 "defence": m.get("defence", ""), "defence_at": m.get("defence_at"), "on_behalf": m.get("on_behalf", False),
                                 "mine": int(m["voter"]) in mine,
                                 "label": post_label(m["post"]), **{k: result.get(int(m["voter"]), {}).get(k) for k in
                                                                    ("yes", "no", "abstain", "recalled")}} for m in r.members]})
    return out


def may_lodge(actor: Any, election: Election) -> bool:
    """Whether the petition form is offered: an organiser, the election counted with members in
    office, the next term not begun, no recall open."""
    return (actor.has_perm("elections.manage", election) and election.status == Status.COUNTED and bool(in_office(election))
            and not next_term_begun(election) and not Recall.objects.filter(election=election, status__in=OPEN).exists())
