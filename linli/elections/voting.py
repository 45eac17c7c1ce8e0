"""Voting and the count of a residents' committee election, on the kernel's voting mechanics
(``core.voting``: the poll's share lock, the voter's row lock, the fresh SMS code, receipts):

- ``open_voting`` on election day opens the first round with the formal candidates (or, after a
  count that left seats empty, the further round or runoff it prepared);
- ``cast``: a voter on the list votes once per round, online with a fresh SMS code; per post each
  candidate yes / no / abstain (unmarked: abstain) and write-ins (另选他人, by voter number); more
  yes marks and write-ins than the post's seats is refused online (on paper it makes the ballot
  invalid for that post, which ``count`` decides). Who voted (``Participation``) and how
  (``Ballot``, random key, no time) are kept apart: a secret ballot;
- ``close_voting`` waits for the ballots under way; ``count_round`` counts with ``count.count``
  (pure) and either ends the election or prepares the next round with the right seats and
  candidates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts import services as accounts
from linli.core import voting
from linli.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from linli.core.services import record_audit
from linli.core.text import fill
from linli.messaging import services as messaging
from linli.regions import selectors as regions

from . import count, plan, proxies
from .errors import Code
from .models import (
    Ballot,
    Candidate,
    Channel,
    Election,
    Mark,
    MarkValue,
    PaperSheet,
    Participation,
    Proxy,
    Round,
    RoundKind,
    RoundStatus,
    SheetStatus,
    Voter,
)
from .services import _lock, post_label, require
from .states import LIFECYCLE, Action, Status

KIND_OF = {count.Round.FIRST: RoundKind.FIRST, count.Round.FURTHER: RoundKind.FURTHER, count.Round.RUNOFF: RoundKind.RUNOFF}
COUNT_ROUND = {v: k for k, v in KIND_OF.items()}


def vote_url(election: Election) -> str:
    return reverse("elections:vote", args=[election.pk])


def current_round(election: Election) -> Round | None:
    """The round being prepared, voted or waiting for its count; else the last one counted."""
    return Round.objects.filter(election=election).order_by("-no").first()


def registered(election: Election) -> int:
    """The registered voters a round is measured against: those on the list, less those who told
    the committee they are away (外出选民)."""
    return Voter.objects.filter(election=election, votes=True, away=False).count()


def _tell_voters(election: Election, text: str) -> int:
    from linli.accounts.selectors import users_of_residents

    users = list(users_of_residents(Voter.objects.filter(election=election, votes=True).values_list("resident_id", flat=True)).values())
    link = vote_url(election)
    transaction.on_commit(lambda: messaging.send(users, "elections.voting", text=text, target=election, link=link))
    return len(users)


# ---------------------------------------------------------------- opening and closing

@transaction.atomic
def open_voting(*, actor: Any, election: Election, now: dt.datetime | None = None) -> Round:
    """开始投票: the first round on election day, with the formal candidates of each post in ballot
    order; or the next round a count prepared (on election day or after)."""
    election = _lock(election)
    require(actor, "elections.manage", election)
    now = now or timezone.now()
    today = timezone.localdate(now)
    if election.status in (Status.CANDIDATES_PUBLISHED, Status.FURTHER) and proxies.proxies_out_of_date(election):
        raise Conflict(Code.PROXIES_UNPUBLISHED, _("委托投票名单有变动尚未公布，请先公布委托投票名单"))
    if election.status == Status.CANDIDATES_PUBLISHED:
        if today != election.election_day:
            raise Conflict(Code.NOT_ELECTION_DAY, fill(_("投票只能在选举日(%(d)s)进行"), {"d": election.election_day.isoformat()}),
                           election_day=election.election_day.isoformat())
        rows = Candidate.objects.filter(election=election).order_by("post", "position")
        candidates: dict[str, list[int]] = {}
        for c in rows:
            candidates.setdefault(c.post, []).append(c.voter_id)
        seats = {p: int(n) for p, n in election.seats.items() if int(n) > 0}
        rnd = Round.objects.create(election=election, no=1, kind=RoundKind.FIRST, seats=seats,
                                   candidates={p: candidates.get(p, []) for p in seats})
    elif election.status == Status.FURTHER:
        if today < election.election_day:
            raise Conflict(Code.NOT_ELECTION_DAY, _("另行选举不能早于选举日"), election_day=election.election_day.isoformat())
        rnd = Round.objects.select_for_update().get(election=election, status=RoundStatus.PENDING)
    else:
        raise Conflict("illegal_transition", _("当前阶段不能开始投票"), current_status=election.status)
    LIFECYCLE.apply(election, Action.OPEN_VOTING, actor=actor, lock=False, changes={"round": rnd.no})
    election.save()
    rnd.status, rnd.opened_at, rnd.registered = RoundStatus.VOTING, now, registered(election)
    rnd.save()
    what = _("投票") if rnd.no == 1 else str(RoundKind(rnd.kind).label)
    _tell_voters(election, fill(_("%(t)s%(w)s已开始，请在投票结束前投票(每人一票)。"), {"t": election.title, "w": what}))
    return rnd


@transaction.atomic
def close_voting(*, actor: Any, election: Election, now: dt.datetime | None = None) -> Round:
    """结束投票: the election's row is locked ``FOR UPDATE``, so the close waits for the ballots
    under way (they hold it ``FOR SHARE``) and every ballot after it sees voting closed."""
    election = _lock(election)
    require(actor, "elections.manage", election)
    if election.status != Status.VOTING:
        raise Conflict("illegal_transition", _("当前不在投票中"), current_status=election.status)
    rnd = Round.objects.select_for_update().get(election=election, status=RoundStatus.VOTING)
    LIFECYCLE.apply(election, Action.CLOSE_VOTING, actor=actor, lock=False, changes={"round": rnd.no})
    election.save()
    rnd.status, rnd.closed_at = RoundStatus.CLOSED, now or timezone.now()
    rnd.save()
    return rnd


# ---------------------------------------------------------------- the ballot

def my_voter(actor: Any, election: Election) -> Voter | None:
    rid = getattr(actor, "resident_id", None) if getattr(actor, "is_authenticated", False) else None
    if not rid:
        return None
    return Voter.objects.filter(election=election, resident_id=rid).first()


def _voting_voter(actor: Any, election: Election) -> Voter:
    require(actor, "elections.view", election)
    voter = my_voter(actor, election)
    if voter is None or not voter.votes:
        raise PermissionDenied(Code.NOT_ON_LIST, _("您不在本次选举的选民名单上，或本户由户代表投票"))
    return voter


def clean_marks(election: Election, rnd: Round, marks: Any, *, paper: bool = False) -> list[tuple[str, int, str, bool]]:
    """``{post: {"marks": {candidate voter id: yes|no|abstain}, "write_ins": [voter numbers]}}`` →
    ``[(post, person voter id, mark, written)]``. A post left out is blank; a candidate left
    unmarked abstains. Refused: a post or candidate not on this round's ballot, a write-in who is
    not a voter of the election, written twice or already a candidate, and more yes marks and
    write-ins than the post's seats (``overvote``, with the post and its seats)."""
    if not isinstance(marks, Mapping):
        raise DomainError("invalid", _("选票格式不正确"), field="marks")
    out: list[tuple[str, int, str, bool]] = []
    for post, given in marks.items():
        post = str(post)
        if post not in rnd.seats:
            raise DomainError("invalid", _("本轮选票上没有该职位"), field="marks", post=post)
        if not isinstance(given, Mapping):
            raise DomainError("invalid", _("选票格式不正确"), field="marks", post=post)
        on_ballot = {int(v) for v in rnd.candidates.get(post, [])}
        picks = given.get("marks") or {}
        if not isinstance(picks, Mapping):
            raise DomainError("invalid", _("选票格式不正确"), field="marks", post=post)
        yes = 0
        for key, value in picks.items():
            try:
                person = int(key)
            except (TypeError, ValueError):
                raise DomainError("invalid", _("选票上没有该候选人"), field="marks", post=post) from None
            if person not in on_ballot:
                raise DomainError("invalid", _("选票上没有该候选人"), field="marks", post=post)
            if value not in MarkValue.values:
                raise DomainError("invalid", _("每名候选人只能选择赞成、反对或弃权"), field="marks", post=post)
            out.append((post, person, str(value), False))
            yes += value == MarkValue.YES
        numbers = given.get("write_ins") or []
        if numbers and rnd.kind == RoundKind.RECALL:
            raise DomainError("invalid", _("罢免表决不能另选他人"), field="write_ins", post=post)
        if not isinstance(numbers, list | tuple) or len(numbers) > 20:
            raise DomainError("invalid", _("另选他人格式不正确"), field="write_ins", post=post)
        wanted: list[int] = []
        for n in numbers:
            if str(n).strip() == "":
                continue
            try:
                wanted.append(int(str(n).strip()))
            except ValueError:
                raise DomainError("invalid", _("另选他人请填写其选民证号"), field="write_ins", post=post) from None
        if len(set(wanted)) != len(wanted):
            raise DomainError("invalid", _("同一人不能另选两次"), field="write_ins", post=post)
        people = {v.number: v for v in Voter.objects.filter(election=election, number__in=wanted, eligible=True)}
        for n in wanted:
            v = people.get(n)
            if v is None:
                raise DomainError("invalid", fill(_("选民证号%(n)s不在选民名单上"), {"n": n}), field="write_ins", post=post, number=n)
            if v.pk in on_ballot:
                raise DomainError("invalid", _("该人已是本职位候选人，请直接在候选人处投赞成票"), field="write_ins", post=post, number=n)
            out.append((post, v.pk, MarkValue.YES, True))
        seats = int(rnd.seats[post])
        if yes + len(wanted) > seats and not paper:  # on paper the count makes it invalid for the post
            raise DomainError(Code.OVERVOTE, fill(_("%(p)s应选%(s)s名，赞成票和另选他人合计不能多于%(s)s名，否则该职位选票无效"),
                                                  {"p": post_label(post), "s": seats}), field="marks", post=post, seats=seats)
    return out


def send_vote_code(*, actor: Any, election: Election, client_ip: str | None = None) -> None:
    _voting_voter(actor, election)
    if not Round.objects.filter(election=election, status=RoundStatus.VOTING).exists():
        raise Conflict(Code.NOT_VOTING, _("当前不在投票时间内"))
    accounts.send_vote_code(actor, client_ip=client_ip, no_phone=_("您的账号没有登记手机号，请到投票站用纸质选票投票"))


def _delegation(actor: Any, election: Election, own: Voter, for_voter: Any) -> tuple[Voter, Proxy | None]:
    """Whose ballot this is: the actor's own (refused while his proxy stands), or, with
    ``for_voter``, a principal's whose standing proxy the actor holds (委托投票)."""
    if for_voter in (None, "", own.pk):
        if proxies.standing(election).filter(principal=own).exists():
            raise Conflict(Code.DELEGATED, _("您已委托他人投票，委托有效期间不能自行投票"))
        return own, None
    try:
        pk = int(for_voter)
    except (TypeError, ValueError):
        raise DomainError("invalid", _("请选择为谁投票"), field="for_voter") from None
    proxy = proxies.standing(election).filter(holder=own, principal_id=pk).select_related("principal").first()
    if proxy is None:
        raise PermissionDenied(Code.DELEGATED, _("您没有受该选民委托投票"))
    return proxy.principal, proxy


def cast(*, actor: Any, election: Election, marks: Any, code: str, for_voter: Any = None) -> tuple[Participation, str]:
    """网上投票: a voter of the list casts his ballot for the round under way, confirmed by a fresh
    SMS code (used up even if the ballot is then refused); returns his participation and the
    receipt code (shown once; only its hash is kept, on the ballot). With ``for_voter`` a proxy
    holder casts the ballot of a principal he holds, one ballot and one code each; the ballot
    itself says online, like any other (nothing tells it apart)."""
    own = _voting_voter(actor, election)
    voter, proxy = _delegation(actor, election, own, for_voter)
    rnd = Round.objects.filter(election=election, status=RoundStatus.VOTING).first()
    if rnd is None:
        raise Conflict(Code.NOT_VOTING, _("当前不在投票时间内"))
    clean = clean_marks(election, rnd, marks)
    accounts.check_vote_code(actor, code)
    voted = _("您已投票，每人每轮只能投一票") if proxy is None else _("该委托人本轮已投票")
    with transaction.atomic():
        row = voting.share_lock(Election, election.pk, ("status",))
        if row is None or row[0] != Status.VOTING or not Round.objects.filter(pk=rnd.pk, status=RoundStatus.VOTING).exists():
            raise Conflict(Code.NOT_VOTING, _("投票已结束"))
        voting.lock_voter(Voter, voter.pk)
        if Participation.objects.filter(round=rnd, voter=voter).exists():
            raise Conflict(Code.ALREADY_VOTED, voted)
        now = timezone.now()
        try:
            with transaction.atomic():
                taken = Participation.objects.create(round=rnd, voter=voter, channel=Channel.PROXY if proxy else Channel.ONLINE,
                                                     by=actor, at=now, proxy=proxy)
        except IntegrityError:
            raise Conflict(Code.ALREADY_VOTED, voted) from None
        receipt = voting.new_receipt()
        ballot = Ballot.objects.create(round=rnd, channel=Channel.ONLINE, receipt_hash=voting.receipt_hash(receipt))
        Mark.objects.bulk_create([Mark(ballot=ballot, post=p, person_id=v, mark=m, written=w) for p, v, m, w in clean])
        record_audit(actor=actor, action="election.ballot", target=election, region_path=election.region_path,
                     changes={"round": rnd.no, "channel": taken.channel, **({"for": voter.number} if proxy else {})})  # who voted, never how
        if proxy is None:
            text = fill(_("您已在%(t)s中投票，回执码 %(r)s，计票后可核对您的选票已计入"), {"t": election.title, "r": receipt})
        else:
            text = fill(_("您已在%(t)s中受托为选民证号%(n)s投票，回执码 %(r)s"), {"t": election.title, "n": voter.number, "r": receipt})
        transaction.on_commit(lambda: messaging.send([actor], "elections.voting", text=text, target=election,
                                                     link=vote_url(election)))
    return taken, receipt


# ---------------------------------------------------------------- paper: the polling station and the mobile ballot box

PAPER = (Channel.STATION, Channel.MOBILE)


def _channel(channel: str) -> str:
    if channel not in PAPER:
        raise DomainError("invalid", _("请选择投票站或流动票箱"), field="channel")
    return channel


def check_off(*, actor: Any, election: Election, number: Any, channel: str, by_proxy: bool = False) -> Participation:
    """领票登记: at the polling station or the mobile ballot box a clerk checks a voter off the list
    by his voter number before handing him a paper ballot; refused if he already voted in this
    round by any channel (the same voter lock and unique row as an online ballot). ``by_proxy``:
    the holder of the voter's standing proxy takes the ballot for him (the clerk has seen the
    written authorisation); a voter whose proxy stands does not take one himself."""
    require(actor, "elections.clerk", election)
    channel = _channel(channel)
    try:
        no = int(str(number).strip())
    except (TypeError, ValueError):
        raise DomainError("invalid", _("请填写选民证号"), field="number") from None
    rnd = Round.objects.filter(election=election, status=RoundStatus.VOTING).first()
    if rnd is None:
        raise Conflict(Code.NOT_VOTING, _("当前不在投票时间内"))
    voter = Voter.objects.filter(election=election, number=no, votes=True).first()
    if voter is not None and rnd.kind == RoundKind.RECALL and not regions.lives(voter.resident_id):
        voter = None  # a recall is voted by those who still live here
    if voter is None:
        raise DomainError(Code.NOT_ON_LIST, fill(_("选民证号%(n)s不在选民名单上"), {"n": no}), field="number")
    proxy = proxies.standing(election).filter(principal=voter).first()
    if by_proxy and proxy is None:
        raise DomainError(Code.DELEGATED, fill(_("选民证号%(n)s没有登记委托投票"), {"n": no}), field="number")
    if not by_proxy and proxy is not None:
        raise Conflict(Code.DELEGATED, fill(_("选民证号%(n)s已委托他人投票，请由受委托人凭委托书领票"), {"n": no}), number=no)
    with transaction.atomic():
        row = voting.share_lock(Election, election.pk, ("status",))
        if row is None or row[0] != Status.VOTING or not Round.objects.filter(pk=rnd.pk, status=RoundStatus.VOTING).exists():
            raise Conflict(Code.NOT_VOTING, _("投票已结束"))
        voting.lock_voter(Voter, voter.pk)
        if Participation.objects.filter(round=rnd, voter=voter).exists():
            raise Conflict(Code.ALREADY_VOTED, _("该选民本轮已投票"), number=no)
        try:
            with transaction.atomic():
                taken = Participation.objects.create(round=rnd, voter=voter, channel=channel, by=actor, at=timezone.now(),
                                                     proxy=proxy if by_proxy else None)
        except IntegrityError:
            raise Conflict(Code.ALREADY_VOTED, _("该选民本轮已投票"), number=no) from None
        record_audit(actor=actor, action="election.check_off", target=election, region_path=election.region_path,
                     changes={"round": rnd.no, "channel": channel, "voter": voter.pk, "by_proxy": by_proxy})
    return taken


def _closed_round(election: Election) -> Round:
    rnd = Round.objects.select_for_update().filter(election=election, status=RoundStatus.CLOSED).first()
    if rnd is None:
        raise Conflict(Code.NOT_CLOSED, _("纸质选票在投票结束后、计票前录入"))
    return rnd


def _not_a_candidate(actor: Any, rnd: Round) -> None:
    """Candidates and their near relatives may not count: a clerk whose account is a candidate of
    the round, or a member of a candidate's household in the registry, enters no ballot."""
    rid = getattr(actor, "resident_id", None)
    if not rid:
        return
    ids = [int(v) for people in rnd.candidates.values() for v in people]
    rows = list(Voter.objects.filter(pk__in=ids).values_list("resident_id", "household_id"))
    mine = getattr(getattr(actor, "resident", None), "household_id", None)
    if rid in {r for r, _h in rows} or (mine is not None and mine in {h for _r, h in rows if h is not None}):
        raise PermissionDenied(Code.CANDIDATE_COUNTS, _("候选人及其近亲属不得担任计票工作人员"))


def _rows(clean: list[tuple[str, int, str, bool]]) -> list[list[Any]]:
    return sorted([list(x) for x in clean])


def _make_ballot(sheet: PaperSheet, rows: list[list[Any]]) -> None:
    ballot = Ballot.objects.create(round=sheet.round, channel=sheet.channel, receipt_hash=None)
    Mark.objects.bulk_create([Mark(ballot=ballot, post=p, person_id=v, mark=m, written=w) for p, v, m, w in rows])
    sheet.ballot, sheet.status = ballot, SheetStatus.COUNTED


@transaction.atomic
def enter_paper(*, actor: Any, election: Election, channel: str, marks: Any, no: int | None = None) -> PaperSheet:
    """录入纸质选票: the first entry numbers a new sheet; the second (by another clerk, with the
    sheet's number) is compared with it — the same marks make the ballot, different ones wait for
    a third person. A box gives no more ballots than the voters checked off at it (``paper_excess``)."""
    election = _lock(election)
    require(actor, "elections.clerk", election)
    rnd = _closed_round(election)
    _not_a_candidate(actor, rnd)
    clean = _rows(clean_marks(election, rnd, marks, paper=True))
    if no is None:
        channel = _channel(channel)
        voters = Participation.objects.filter(round=rnd, channel=channel).count()
        if PaperSheet.objects.filter(round=rnd, channel=channel).count() >= voters:
            raise Conflict(Code.PAPER_EXCESS, fill(_("该票箱收回的选票已达领票人数(%(n)s)，多出的选票须由选举委员会处理"), {"n": voters}),
                           voters=voters)
        last = PaperSheet.objects.filter(round=rnd).order_by("-no").values_list("no", flat=True).first() or 0
        sheet = PaperSheet.objects.create(round=rnd, channel=channel, no=last + 1, first=clean, first_by=actor)
        action = "first"
    else:
        found = PaperSheet.objects.select_for_update().filter(round=rnd, no=no).first()
        if found is None:
            raise NotFound("not_found", _("没有该票号的选票"), field="no")
        sheet = found
        step = voting.paper_step(clerk=actor.pk, clerks=[sheet.first_by_id], first=sheet.first, entered=clean,
                                 mismatch=sheet.status == SheetStatus.MISMATCH, done=sheet.status == SheetStatus.COUNTED)
        sheet.second, sheet.second_by = clean, actor
        if step == voting.PaperStep.COUNT:
            _make_ballot(sheet, clean)
        else:
            sheet.status = SheetStatus.MISMATCH
        sheet.save()
        action = str(step)
    record_audit(actor=actor, action="election.paper_entry", target=election, region_path=election.region_path,
                 changes={"round": rnd.no, "sheet": sheet.no, "step": action})  # never the marks
    return sheet


@transaction.atomic
def decide_paper(*, actor: Any, election: Election, no: int, marks: Any) -> PaperSheet:
    """裁定: a third person who entered neither reads the paper ballot and enters what it says."""
    election = _lock(election)
    require(actor, "elections.clerk", election)
    rnd = _closed_round(election)
    _not_a_candidate(actor, rnd)
    sheet = PaperSheet.objects.select_for_update().filter(round=rnd, no=no).first()
    if sheet is None:
        raise NotFound("not_found", _("没有该票号的选票"), field="no")
    voting.check_decider(decider=actor.pk, clerks=[sheet.first_by_id, sheet.second_by_id], mismatch=sheet.status == SheetStatus.MISMATCH)
    _make_ballot(sheet, _rows(clean_marks(election, rnd, marks, paper=True)))
    sheet.decided_by = actor
    sheet.save()
    record_audit(actor=actor, action="election.paper_decide", target=election, region_path=election.region_path,
                 changes={"round": rnd.no, "sheet": sheet.no})
    return sheet


def paper_state(election: Election) -> dict[str, Any]:
    """Per paper channel the voters checked off and the ballots entered; the sheets waiting for a
    second entry or a decision."""
    from django.db.models import Count

    rnd = current_round(election)
    if rnd is None:
        return {"round": None, "channels": [], "waiting": [], "mismatched": []}
    off = dict(Participation.objects.filter(round=rnd, channel__in=PAPER).values("channel").annotate(n=Count("pk"))
               .values_list("channel", "n"))
    sheets = dict(PaperSheet.objects.filter(round=rnd).values("channel").annotate(n=Count("pk")).values_list("channel", "n"))
    return {"round": rnd, "channels": [{"channel": c, "label": Channel(c).label, "checked_off": off.get(c, 0), "sheets": sheets.get(c, 0)}
                                       for c in PAPER],
            "waiting": list(PaperSheet.objects.filter(round=rnd, status=SheetStatus.ENTERED).order_by("no")),
            "mismatched": list(PaperSheet.objects.filter(round=rnd, status=SheetStatus.MISMATCH).order_by("no"))}


# ---------------------------------------------------------------- the count

def _round_ballots(rnd: Round) -> list[dict[str, count.PostMarks]]:
    """Every ballot of the round as ``count`` reads it (a blank ballot is an empty mapping)."""
    marks: dict[Any, dict[str, tuple[dict[str, str], list[str]]]] = {pk: {} for pk in Ballot.objects.filter(round=rnd)
                                                                         .values_list("pk", flat=True)}
    for ballot_id, post, person, mark, written in Mark.objects.filter(ballot__round=rnd).values_list(
            "ballot_id", "post", "person_id", "mark", "written"):
        per = marks[ballot_id].setdefault(post, ({}, []))
        if written:
            per[1].append(str(person))
        else:
            per[0][str(person)] = mark
    return [{post: count.PostMarks(m, tuple(w)) for post, (m, w) in b.items()} for b in marks.values()]


def _elected_before(election: Election, rnd: Round) -> list[str]:
    out: list[str] = []
    for r in Round.objects.filter(election=election, no__lt=rnd.no, status=RoundStatus.COUNTED):
        for p in r.result.get("posts", []):
            out += p["elected"]
    return out


def _as_json(result: count.Result, problems: list[dict[str, Any]]) -> dict[str, Any]:
    return {"registered": result.registered, "cast": result.cast, "valid": result.valid, "round": str(result.round),
            "complete": result.complete, "problems": problems,
            "posts": [{"post": p.post, "seats": p.seats, "votes": p.votes, "invalid": p.invalid, "elected": list(p.elected),
                       "outcome": str(p.outcome), "runoff": list(p.runoff), "further": list(p.further),
                       "seats_left": p.seats_left, "set_aside": list(p.set_aside)} for p in result.posts]}


@transaction.atomic
def count_round(*, actor: Any, election: Election, now: dt.datetime | None = None) -> Round:
    """计票: count the closed round. More than half of the registered voters must have voted; then
    the count either fills every seat (选举结束, the composition checked: women among those elected)
    or prepares the next round — a runoff among those tied at the last seat, or a further round
    (另行选举) among the next candidates for the seats left — which the organisers open."""
    election = _lock(election)
    require(actor, "elections.manage", election)
    if election.status != Status.CLOSED:
        raise Conflict("illegal_transition", _("请先结束投票再计票"), current_status=election.status)
    rnd = Round.objects.select_for_update().get(election=election, status=RoundStatus.CLOSED)
    proxies.check_staff(election)
    if PaperSheet.objects.filter(round=rnd).exclude(status=SheetStatus.COUNTED).exists():
        raise Conflict(Code.PAPER_PENDING, _("还有纸质选票待第二次录入或裁定，完成后再计票"))
    if rnd.kind == RoundKind.RECALL:  # every voter still living here counts, away or not
        from .recall import count_recall

        return count_recall(actor=actor, election=election, rnd=rnd, now=now or timezone.now())
    rnd.registered += Participation.objects.filter(round=rnd, voter__away=True).count()  # away, but voted after all
    posts = [count.Post(p, int(rnd.seats[p]), tuple(str(v) for v in rnd.candidates.get(p, [])))
             for p in plan.POSTS if p in rnd.seats]
    before = _elected_before(election, rnd)
    result = count.count(registered=rnd.registered, posts=posts, ballots=_round_ballots(rnd),
                         round_=COUNT_ROUND[RoundKind(rnd.kind)], elected_before=before)
    elected = before + [k for p in result.posts for k in p.elected]
    problems: list[dict[str, Any]] = []
    if result.complete:
        genders = regions.resident_genders(Voter.objects.filter(pk__in=[int(k) for k in elected]).values_list("resident_id", flat=True))
        gender_of = {str(v.pk): genders.get(v.resident_id, "") for v in Voter.objects.filter(pk__in=[int(k) for k in elected])}
        problems = [{"code": p.code, **dict(p.facts)} for p in plan.composition_problems(elected, gender_of,
                                                                                          women_at_least=election.women_at_least)]
    rnd.result = _as_json(result, problems)
    rnd.status, rnd.counted_at = RoundStatus.COUNTED, now or timezone.now()
    rnd.save()
    nxt = _next_round(election, rnd, result) if result.valid and not result.complete else None
    _announce(actor, election, rnd, now=rnd.counted_at)
    LIFECYCLE.apply(election, Action.COUNT_FURTHER if nxt else Action.COUNT, actor=actor, lock=False,
                    changes={"round": rnd.no, "cast": result.cast, "valid": result.valid, "complete": result.complete})
    election.save()
    record_audit(actor=actor, action="election.count", target=election, region_path=election.region_path,
                 changes={"round": rnd.no, "registered": result.registered, "cast": result.cast,
                          "elected": {p.post: list(p.elected) for p in result.posts}})
    return rnd


def _announce(actor: Any, election: Election, rnd: Round, *, now: dt.datetime | None) -> None:
    """当场公布: the round's result disclosed to the community (``elections.result``: per post the
    votes of each candidate and write-in, who is elected, the seats left for a further round) and
    told to the voters."""
    from linli.disclosures import services as disclosures

    from .selectors import rounds

    res = rnd.result
    head = fill(_("%(t)s第%(n)s轮(%(k)s)计票结果：登记选民%(r)s人，参加投票%(c)s人。"),
                {"t": election.title, "n": rnd.no, "k": RoundKind(rnd.kind).label, "r": res["registered"], "c": res["cast"]})
    lines: list[str] = []
    if not res["valid"]:
        lines.append(_("参加投票的选民未超过登记选民的半数，选举无效"))
    else:
        shown = next(r for r in rounds(election) if r["round"].pk == rnd.pk)
        for p in shown["posts"]:
            votes = "、".join(fill(_("%(n)s %(v)s票%(e)s"), {"n": line["name"], "v": line["votes"], "e": _("(当选)") if line["elected"] else ""})
                             for line in p["lines"] if line["votes"] or not line["written"])
            more = fill(_("，尚缺%(n)s名，另行选举"), {"n": p["seats_left"]}) if p["outcome"] == "further" else (
                _("，得票相等，须再次投票") if p["outcome"] == "runoff" else "")
            lines.append(fill(_("%(p)s(应选%(s)s名)：%(l)s%(m)s"), {"p": p["label"], "s": p["seats"], "l": votes or "—", "m": more}))
    d = disclosures.publish(actor=actor, kind="elections.result", region=election.community,
                            title=fill(_("%(t)s第%(n)s轮选举结果公告"), {"t": election.title, "n": rnd.no})[:120],
                            content=head + "\n" + "\n".join(lines), source=election, source_label=election.title,
                            source_url=reverse("elections:results", args=[election.pk]), now=now)
    rnd.result_disclosure_id = d.pk
    rnd.save(update_fields=["result_disclosure_id"])
    _tell_voters(election, fill(_("%(t)s第%(n)s轮计票结果已公布。"), {"t": election.title, "n": rnd.no}))


def _next_round(election: Election, rnd: Round, result: count.Result) -> Round | None:
    """The round the count leaves: per post with seats left, a runoff among the tied or a further
    round among the next candidates; ``None`` when no post has anyone left to vote for."""
    seats: dict[str, int] = {}
    candidates: dict[str, list[int]] = {}
    runoff = False
    for p in result.posts:
        if p.outcome == count.Outcome.RUNOFF:
            seats[p.post], candidates[p.post], runoff = p.seats_left, [int(k) for k in p.runoff], True
        elif p.outcome == count.Outcome.FURTHER and p.further:
            seats[p.post], candidates[p.post] = p.seats_left, [int(k) for k in p.further]
    if not seats:
        return None
    runoffs = {p.post for p in result.posts if p.outcome == count.Outcome.RUNOFF}
    kind = RoundKind.RUNOFF if runoff and set(seats) <= runoffs else RoundKind.FURTHER
    return Round.objects.create(election=election, no=rnd.no + 1, kind=kind, seats=seats, candidates=candidates)


def turnout(election: Election) -> dict[str, Any]:
    """The round under way: registered voters, ballots cast (by channel) and the share."""
    rnd = current_round(election)
    if rnd is None:
        return {"round": None, "registered": registered(election), "cast": 0, "channels": {}}
    from django.db.models import Count

    channels = dict(Participation.objects.filter(round=rnd).values("channel").annotate(n=Count("pk")).values_list("channel", "n"))
    cast_total = sum(channels.values())
    reg = rnd.registered or registered(election)
    return {"round": rnd.no, "kind": rnd.kind, "status": rnd.status, "registered": reg, "cast": cast_total, "channels": channels,
            "percent": round(cast_total * 100 / reg, 1) if reg else 0.0, "more_than_half": cast_total * 2 > reg}


def find_receipt(election: Election, receipt: str) -> bool:
    """Whether a receipt's ballot is among those counted (the voter checks his own)."""
    code = voting.normalise_receipt(receipt)
    if not code:
        return False
    return Ballot.objects.filter(round__election=election, receipt_hash=voting.receipt_hash(code)).exists()

