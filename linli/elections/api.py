"""Election endpoints. Thin: parse, call a selector or service, return a schema."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from linli.core.errors import DomainError, NotFound, PermissionDenied
from linli.core.pagination import PageNumberPagination
from linli.core.schemas import ApiRequest, ErrorOut
from linli.regions.selectors import node_by_code

from . import proxies, selectors, services, voting
from .models import Election
from .schemas import (
    BallotOut,
    BallotPostOut,
    CandidateListOut,
    CandidatePostOut,
    CandidateProblemOut,
    CandidatesIn,
    CheckOffIn,
    CheckOffOut,
    CommitteeMemberIn,
    CommitteeMemberOut,
    CountingStaffIn,
    CountingStaffOut,
    ElectionCancelIn,
    ElectionIn,
    ElectionOut,
    ElectionPlanIn,
    ElectionVoterOut,
    MyNominationOut,
    MyVoterEntryOut,
    NominationAnswerIn,
    NominationIn,
    NominationOut,
    NominationWithdrawIn,
    PaperChannelOut,
    PaperDecideIn,
    PaperSheetIn,
    PaperSheetOut,
    PaperStateOut,
    PrincipalOut,
    ProxyListOut,
    ProxyOut,
    ProxyRevokeIn,
    RecallDefenceIn,
    RecallIn,
    RecallMemberOut,
    RecallOut,
    RecallWithdrawIn,
    ReceiptCheckOut,
    ResultPostOut,
    RoundOut,
    TurnoutOut,
    VoteIn,
    VoteOut,
    VoterAwayIn,
    VoterCorrectIn,
    VoterListBuildOut,
    VotingOut,
)
from .states import CANDIDATES_PUBLIC
from .states import Status as ElectionStatus

router = Router(tags=["elections 居委会选举"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WHICH = ("votes", "refused", "corrected", "household", "all")


def disclosure_url(e: Election) -> str:
    return reverse("disclosures:detail", args=[e.voter_disclosure_id]) if e.voter_disclosure_id else ""


def out(request: ApiRequest, e: Election) -> ElectionOut:
    return ElectionOut(id=e.pk, community=e.community.code, title=e.title, mode=e.mode, election_day=e.election_day, seats=e.seats,
                       min_age=e.min_age, months=e.months, registered_only=e.registered_only, women_at_least=e.women_at_least,
                       list_days=e.list_days, nominators_needed=e.nominators_needed, representatives_needed=e.representatives_needed,
                       min_more=e.min_more, candidates_days=e.candidates_days, proxy_max=e.proxy_max, group_min=e.group_min,
                       group_max=e.group_max, recall_one_in=e.recall_one_in, recall_reps_one_in=e.recall_reps_one_in, status=e.status,
                       voters_total=e.voters_total, voters_built_at=e.voters_built_at,
                       voters_published_at=e.voters_published_at, disclosure_url=disclosure_url(e),
                       candidates_published_at=e.candidates_published_at,
                       candidates_disclosure_url=reverse("disclosures:detail", args=[e.candidate_disclosure_id]) if e.candidate_disclosure_id else "",
                       actions=selectors.available_actions(request.auth, e))


def _managed(request: ApiRequest, election_id: int) -> Election:
    election = selectors.staff_election(request.auth, election_id)
    if not request.auth.has_perm("elections.manage", election):
        raise PermissionDenied("forbidden", _("您无权处理该选举"))
    return election


@router.get("", response={200: list[ElectionOut], **READ_ERRORS}, summary="选举列表(工作人员按管辖范围)")
@paginate(PageNumberPagination, page_size=20)
def list_elections(request: ApiRequest, status: str = ""):  # type: ignore[no-untyped-def]
    if status and status not in ElectionStatus.values:
        raise DomainError("invalid", _("状态无效"), field="status")
    return [out(request, e) for e in selectors.elections_for(request.auth, status=status)[:500]]


@router.post("", response={201: ElectionOut, **ERRORS}, summary="新建选举(筹备：选举方案)")
def create(request: ApiRequest, payload: ElectionIn):  # type: ignore[no-untyped-def]
    community = node_by_code(payload.community)
    if community is None:
        raise DomainError("invalid", _("区划代码不存在"), field="community")
    e = services.create(actor=request.auth, community=community, title=payload.title, election_day=payload.election_day,
                        mode=payload.mode, seats=payload.seats, min_age=payload.min_age, months=payload.months,
                        registered_only=payload.registered_only, women_at_least=payload.women_at_least, list_days=payload.list_days,
                        nominators_needed=payload.nominators_needed, representatives_needed=payload.representatives_needed,
                        min_more=payload.min_more, candidates_days=payload.candidates_days, proxy_max=payload.proxy_max,
                        group_min=payload.group_min, group_max=payload.group_max, recall_one_in=payload.recall_one_in,
                        recall_reps_one_in=payload.recall_reps_one_in)
    return Status(201, out(request, e))


@router.get("/mine", response={200: list[MyVoterEntryOut], **READ_ERRORS}, summary="居民：本人是否列入已公布的选民名单")
def mine(request: ApiRequest):  # type: ignore[no-untyped-def]
    from .services import REFUSAL_LABELS

    found = selectors.my_entries(request.auth)
    nominated = selectors.my_nominations(request.auth, [e.pk for e, _v in found])
    return [MyVoterEntryOut(election_id=e.pk, title=e.title, election_day=e.election_day, on_list=bool(v and v.votes),
                       number=v.number if v and v.votes else None,
                       refusals=[str(REFUSAL_LABELS.get(r, r)) for r in (v.refusal_list if v else [])],  # type: ignore[call-overload]
                       disclosure_url=disclosure_url(e),
                       nominations=[MyNominationOut(id=n.pk, post=n.post, status=n.status) for n in nominated.get(e.pk, [])],
                       candidates_url=reverse("elections:candidates", args=[e.pk]) if e.status in CANDIDATES_PUBLIC else "")
            for e, v in found]


@router.get("/{election_id}", response={200: ElectionOut, **READ_ERRORS}, summary="选举详情与可执行操作")
def get_election(request: ApiRequest, election_id: int):  # type: ignore[no-untyped-def]
    return out(request, selectors.election_for(request.auth, election_id))


@router.patch("/{election_id}", response={200: ElectionOut, **ERRORS}, summary="修改选举方案(名单公布前)")
def update(request: ApiRequest, election_id: int, payload: ElectionPlanIn):  # type: ignore[no-untyped-def]
    fields: dict[str, Any] = {k: v for k, v in payload.dict().items() if v is not None}
    return out(request, services.update_plan(actor=request.auth, election=_managed(request, election_id), **fields))


@router.get("/{election_id}/committee", response={200: list[CommitteeMemberOut], **READ_ERRORS}, summary="选举委员会成员")
def committee(request: ApiRequest, election_id: int):  # type: ignore[no-untyped-def]
    e = selectors.staff_election(request.auth, election_id)
    return [CommitteeMemberOut(id=m["member"].pk, resident_id=m["member"].resident_id, name=m["name"], role=m["member"].role)
            for m in selectors.committee(e)]


@router.post("/{election_id}/committee", response={201: CommitteeMemberOut, **ERRORS}, summary="增加选举委员会成员")
def add_member(request: ApiRequest, election_id: int, payload: CommitteeMemberIn):  # type: ignore[no-untyped-def]
    m = services.add_member(actor=request.auth, election=_managed(request, election_id), resident_id=payload.resident_id, role=payload.role)
    return Status(201, CommitteeMemberOut(id=m.pk, resident_id=m.resident_id, name=m.resident.name, role=m.role))


@router.delete("/{election_id}/committee/{member_id}", response={204: None, **ERRORS}, summary="移除选举委员会成员")
def remove_member(request: ApiRequest, election_id: int, member_id: int):  # type: ignore[no-untyped-def]
    services.remove_member(actor=request.auth, election=_managed(request, election_id), member_id=member_id)
    return Status(204, None)


@router.post("/{election_id}/voters/build", response={200: VoterListBuildOut, **ERRORS}, summary="按选举日从人口登记生成选民名单")
def build(request: ApiRequest, election_id: int):  # type: ignore[no-untyped-def]
    return VoterListBuildOut(**services.build_voters(actor=request.auth, election=_managed(request, election_id)))


def voter_out(line: selectors.VoterLine) -> ElectionVoterOut:
    v = line.voter
    return ElectionVoterOut(id=v.pk, resident_id=v.resident_id, name=line.name, address=line.address, number=v.number, eligible=v.eligible,
                    votes=v.votes, basis=v.basis, refusals=line.refusals, age=v.age, corrected=v.corrected, note=line.note,
                    away=v.away)


@router.get("/{election_id}/voters", response={200: list[ElectionVoterOut], **READ_ERRORS}, summary="选民名单(工作人员)")
@paginate(PageNumberPagination, page_size=100)
def voters(request: ApiRequest, election_id: int, which: str = "votes", q: str = ""):  # type: ignore[no-untyped-def]
    if which not in WHICH:
        raise DomainError("invalid", _("名单类别无效"), field="which")
    e = selectors.staff_election(request.auth, election_id)
    return _Lines(selectors.voters(e, which=which, q=q[:20]), organiser=request.auth.has_perm("elections.manage", e))


class _Lines:
    """A voter queryset whose pages are turned into lines (names in one query per page)."""

    def __init__(self, qs: Any, *, organiser: bool) -> None:
        self.qs = qs
        self.organiser = organiser

    def count(self) -> int:
        return int(self.qs.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: Any) -> list[ElectionVoterOut]:
        return [voter_out(x) for x in selectors.lines(list(self.qs[item]), organiser=self.organiser)]


@router.post("/{election_id}/voters/{voter_id}/correct", response={200: ElectionVoterOut, **ERRORS}, summary="更正选民名单(须说明理由，留痕)")
def correct(request: ApiRequest, election_id: int, voter_id: int, payload: VoterCorrectIn):  # type: ignore[no-untyped-def]
    v = services.correct_voter(actor=request.auth, election=_managed(request, election_id), voter_id=voter_id, eligible=payload.eligible,
                               votes=payload.votes, deprived=payload.deprived, reason=payload.reason, objection_id=payload.objection_id)
    return voter_out(selectors.lines([v])[0])


@router.post("/{election_id}/voters/{voter_id}/away", response={200: ElectionVoterOut, **ERRORS},
             summary="登记外出选民(投票开始前；不计入登记选民，除非本人投票)")
def away(request: ApiRequest, election_id: int, voter_id: int, payload: VoterAwayIn):  # type: ignore[no-untyped-def]
    v = services.mark_away(actor=request.auth, election=_managed(request, election_id), voter_id=voter_id, away=payload.away,
                           note=payload.note)
    return voter_out(selectors.lines([v])[0])


@router.post("/{election_id}/voters/publish", response={200: ElectionOut, **ERRORS}, summary="公布选民名单(选民榜公示)")
def publish(request: ApiRequest, election_id: int):  # type: ignore[no-untyped-def]
    return out(request, services.publish_voters(actor=request.auth, election=_managed(request, election_id)))


@router.post("/{election_id}/cancel", response={200: ElectionOut, **ERRORS}, summary="取消选举(须说明原因)")
def cancel(request: ApiRequest, election_id: int, payload: ElectionCancelIn):  # type: ignore[no-untyped-def]
    return out(request, services.cancel(actor=request.auth, election=_managed(request, election_id), reason=payload.reason))


# ---------------------------------------------------------------- nominations and candidates

def nomination_out(x: selectors.NominationLine) -> NominationOut:
    n = x.nomination
    return NominationOut(id=n.pk, post=n.post, nominee_id=n.nominee_id, name=x.name, gender=x.gender, age=n.nominee.age,
                         by_committee=n.by_committee, nominator_numbers=x.numbers, note=n.note, status=n.status, on_behalf=n.on_behalf,
                         answer_note=n.answer_note, entered_at=n.entered_at)


def _nomination(election: Election, pk: int) -> NominationOut:
    return next(nomination_out(x) for x in selectors.nominations(election) if x.nomination.pk == pk)


@router.get("/{election_id}/nominations", response={200: list[NominationOut], **READ_ERRORS}, summary="候选人提名(工作人员)")
def nominations(request: ApiRequest, election_id: int):  # type: ignore[no-untyped-def]
    return [nomination_out(x) for x in selectors.nominations(selectors.staff_election(request.auth, election_id))]


@router.post("/{election_id}/nominations", response={201: NominationOut, **ERRORS}, summary="登记提名(选民联名推荐或选举委员会提名)")
def nominate(request: ApiRequest, election_id: int, payload: NominationIn):  # type: ignore[no-untyped-def]
    e = _managed(request, election_id)
    n = services.nominate(actor=request.auth, election=e, post=payload.post, nominee_id=payload.nominee_id,
                          by_committee=payload.by_committee, nominator_numbers=payload.nominator_numbers, note=payload.note)
    return Status(201, _nomination(e, n.pk))


@router.post("/{election_id}/nominations/{nomination_id}/answer", response={200: NominationOut, **ERRORS},
             summary="被提名人接受或不接受提名(本人，或工作人员代为登记)")
def answer(request: ApiRequest, election_id: int, nomination_id: int, payload: NominationAnswerIn):  # type: ignore[no-untyped-def]
    e = selectors.election_for(request.auth, election_id)
    services.answer_nomination(actor=request.auth, election=e, nomination_id=nomination_id, accept=payload.accept, note=payload.note)
    return _nomination(e, nomination_id)


@router.post("/{election_id}/nominations/{nomination_id}/withdraw", response={200: NominationOut, **ERRORS}, summary="撤回提名(须说明理由)")
def withdraw(request: ApiRequest, election_id: int, nomination_id: int, payload: NominationWithdrawIn):  # type: ignore[no-untyped-def]
    e = _managed(request, election_id)
    services.withdraw_nomination(actor=request.auth, election=e, nomination_id=nomination_id, reason=payload.reason)
    return _nomination(e, nomination_id)


def candidate_list(request: ApiRequest, e: Election) -> CandidateListOut:
    staff = e.status == ElectionStatus.VOTERS_PUBLISHED
    return CandidateListOut(status=e.status, published_at=e.candidates_published_at,
                            disclosure_url=reverse("disclosures:detail", args=[e.candidate_disclosure_id]) if e.candidate_disclosure_id else "",
                            posts=[CandidatePostOut(**{k: v for k, v in p.items() if k in ("post", "seats", "how", "note", "candidates")})
                                   for p in selectors.candidates(e)],
                            problems=[CandidateProblemOut(code=p["code"], post=p["post"], message=p["message"]) for p in services.candidate_check(e)]
                            if staff else [])


@router.get("/{election_id}/candidates", response={200: CandidateListOut, **READ_ERRORS},
            summary="正式候选人(工作人员随时；本社区居民在名单公布后)")
def candidates(request: ApiRequest, election_id: int):  # type: ignore[no-untyped-def]
    e = selectors.election_for(request.auth, election_id)
    if not request.auth.has_perm("elections.follow", e):
        e = selectors.public_candidates(request.auth, election_id)
    return candidate_list(request, e)


@router.post("/{election_id}/candidates/publish", response={200: ElectionOut, **ERRORS}, summary="公布候选人名单(差额、女性候选人、期限)")
def publish_candidates(request: ApiRequest, election_id: int):  # type: ignore[no-untyped-def]
    return out(request, services.publish_candidates(actor=request.auth, election=_managed(request, election_id)))


# after publish: /candidates/publish is not a post
@router.put("/{election_id}/candidates/{post}", response={200: CandidateListOut, **ERRORS}, summary="确定某职位的正式候选人(按选票顺序)")
def set_candidates(request: ApiRequest, election_id: int, post: str, payload: CandidatesIn):  # type: ignore[no-untyped-def]
    e = _managed(request, election_id)
    services.set_candidates(actor=request.auth, election=e, post=post, voter_ids=payload.voter_ids, how=payload.how, note=payload.note)
    e.refresh_from_db()
    return candidate_list(request, e)


# ---------------------------------------------------------------- voting and the count

def rounds_out(rows: list[dict[str, Any]]) -> list[RoundOut]:
    rounds = []
    for r in rows:
        rnd, res = r["round"], r["round"].result or {}
        rounds.append(RoundOut(no=rnd.no, kind=rnd.kind, status=rnd.status, registered=rnd.registered, opened_at=rnd.opened_at,
                               closed_at=rnd.closed_at, counted_at=rnd.counted_at, cast=res.get("cast"), valid=res.get("valid"),
                               complete=res.get("complete"), problems=[str(p.get("code", "")) for p in res.get("problems", [])],
                               posts=[ResultPostOut(post=p["post"], seats=p["seats"], invalid=p["invalid"], outcome=p["outcome"],
                                                    seats_left=p["seats_left"], lines=p["lines"]) for p in r["posts"]],
                               disclosure_url=reverse("disclosures:detail", args=[rnd.result_disclosure_id]) if rnd.result_disclosure_id else ""))
    return rounds


def voting_out(e: Election) -> VotingOut:
    t = voting.turnout(e)
    return VotingOut(status=e.status, rounds=rounds_out(selectors.rounds(e)),
                     turnout=TurnoutOut(round=t["round"], status=t.get("status", ""), registered=t["registered"], cast=t["cast"],
                                        channels=t["channels"], percent=t.get("percent", 0.0), more_than_half=t.get("more_than_half", False)))


@router.get("/{election_id}/voting", response={200: VotingOut, **READ_ERRORS}, summary="投票进度(参选率)与各轮计票结果(工作人员)")
def voting_state(request: ApiRequest, election_id: int):  # type: ignore[no-untyped-def]
    return voting_out(selectors.staff_election(request.auth, election_id))


@router.post("/{election_id}/voting/open", response={200: VotingOut, **ERRORS}, summary="开始投票(选举日；或计票后的另行选举)")
def open_voting(request: ApiRequest, election_id: int):  # type: ignore[no-untyped-def]
    e = _managed(request, election_id)
    voting.open_voting(actor=request.auth, election=e)
    e.refresh_from_db()
    return voting_out(e)


@router.post("/{election_id}/voting/close", response={200: VotingOut, **ERRORS}, summary="结束投票")
def close_voting(request: ApiRequest, election_id: int):  # type: ignore[no-untyped-def]
    e = _managed(request, election_id)
    voting.close_voting(actor=request.auth, election=e)
    e.refresh_from_db()
    return voting_out(e)


@router.post("/{election_id}/count", response={200: VotingOut, **ERRORS}, summary="计票(过半数有效；缺额另行选举)")
def count_round(request: ApiRequest, election_id: int):  # type: ignore[no-untyped-def]
    e = _managed(request, election_id)
    voting.count_round(actor=request.auth, election=e)
    e.refresh_from_db()
    return voting_out(e)


@router.get("/{election_id}/ballot", response={200: BallotOut, **READ_ERRORS}, summary="选民：本轮选票(候选人按选票顺序)与是否已投票")
def ballot(request: ApiRequest, election_id: int):  # type: ignore[no-untyped-def]
    from .models import RoundStatus

    e = selectors.election_for(request.auth, election_id)
    rnd = voting.current_round(e)
    voter = voting.my_voter(request.auth, e)
    open_ = rnd is not None and rnd.status == RoundStatus.VOTING
    posts = selectors.ballot_posts(e, rnd) if open_ else []
    held = proxies.held_by(request.auth, e) if voter is not None and voter.votes else []
    took = set(rnd.participations.filter(voter_id__in=[p.principal_id for p in held]).values_list("voter_id", flat=True)) \
        if open_ and rnd is not None else set()
    return BallotOut(round=rnd.no if rnd else None, kind=rnd.kind if rnd else "", open=open_, on_list=bool(voter and voter.votes),
                     voted=bool(open_ and voter and rnd and rnd.participations.filter(voter=voter).exists()),
                     delegated=bool(voter and proxies.standing(e).filter(principal=voter).exists()),
                     principals=[PrincipalOut(voter_id=p.principal_id, number=p.principal.number, relation=p.relation,
                                              voted=p.principal_id in took) for p in held],
                     posts=[BallotPostOut(post=p["post"], label=str(p["label"]), seats=p["seats"], candidates=p["candidates"]) for p in posts])


@router.post("/{election_id}/vote/code", response={204: None, 429: ErrorOut, **ERRORS}, summary="选民：获取投票短信验证码")
def vote_code(request: ApiRequest, election_id: int):  # type: ignore[no-untyped-def]
    from linli.core.middleware import client_ip

    e = selectors.election_for(request.auth, election_id)
    voting.send_vote_code(actor=request.auth, election=e, client_ip=client_ip(request))  # type: ignore[arg-type]
    return Status(204, None)


@router.post("/{election_id}/vote", response={201: VoteOut, **ERRORS},
             summary="选民：网上投票(每人每轮一票；无记名，只记录已投票；回执码只显示一次)")
def vote(request: ApiRequest, election_id: int, payload: VoteIn):  # type: ignore[no-untyped-def]
    e = selectors.election_for(request.auth, election_id)
    marks = {post: {"marks": m.marks, "write_ins": m.write_ins} for post, m in payload.posts.items()}
    taken, receipt = voting.cast(actor=request.auth, election=e, marks=marks, code=payload.code, for_voter=payload.for_voter)
    return Status(201, VoteOut(round=taken.round.no, channel=taken.channel, receipt=receipt))


@router.get("/{election_id}/receipts/check", response={200: ReceiptCheckOut, **READ_ERRORS}, summary="核对回执码：该选票是否已计入")
def check_receipt(request: ApiRequest, election_id: int, receipt: str = ""):  # type: ignore[no-untyped-def]
    e = selectors.election_for(request.auth, election_id)
    if len(receipt) > 40:
        raise DomainError("invalid", _("回执码格式不正确"), field="receipt")
    return ReceiptCheckOut(found=voting.find_receipt(e, receipt))


@router.get("/{election_id}/results", response={200: list[RoundOut], **READ_ERRORS}, summary="选举结果(本社区居民：已计票的各轮)")
def results(request: ApiRequest, election_id: int):  # type: ignore[no-untyped-def]
    return rounds_out(selectors.counted_rounds(selectors.election_for(request.auth, election_id)))



# ---------------------------------------------------------------- paper: polling station and mobile ballot box

def _posts(posts: dict[str, Any]) -> dict[str, Any]:
    return {post: {"marks": m.marks, "write_ins": m.write_ins} for post, m in posts.items()}


@router.get("/{election_id}/paper", response={200: PaperStateOut, **READ_ERRORS}, summary="纸质选票：各票箱领票人数与录入进度")
def paper_state(request: ApiRequest, election_id: int):  # type: ignore[no-untyped-def]
    st = voting.paper_state(selectors.staff_election(request.auth, election_id))
    rnd = st["round"]
    return PaperStateOut(round=rnd.no if rnd else None, status=rnd.status if rnd else "",
                         channels=[PaperChannelOut(channel=c["channel"], checked_off=c["checked_off"], sheets=c["sheets"]) for c in st["channels"]],
                         waiting=[x.no for x in st["waiting"]], mismatched=[x.no for x in st["mismatched"]])


@router.post("/{election_id}/paper/check-off", response={201: CheckOffOut, **ERRORS}, summary="领票登记(投票站、流动票箱；每人每轮一票)")
def check_off(request: ApiRequest, election_id: int, payload: CheckOffIn):  # type: ignore[no-untyped-def]
    e = selectors.staff_election(request.auth, election_id)
    taken = voting.check_off(actor=request.auth, election=e, number=payload.number, channel=payload.channel, by_proxy=payload.by_proxy)
    return Status(201, CheckOffOut(round=taken.round.no, channel=taken.channel, number=payload.number))


@router.post("/{election_id}/paper/sheets", response={200: PaperSheetOut, **ERRORS},
             summary="录入纸质选票(第一次录入编票号；第二次录入由另一人按票号录入，一致即计入)")
def enter_paper(request: ApiRequest, election_id: int, payload: PaperSheetIn):  # type: ignore[no-untyped-def]
    e = selectors.staff_election(request.auth, election_id)
    sheet = voting.enter_paper(actor=request.auth, election=e, channel=payload.channel, marks=_posts(payload.posts), no=payload.no)
    return PaperSheetOut(no=sheet.no, channel=sheet.channel, status=sheet.status)


@router.post("/{election_id}/paper/sheets/{no}/decide", response={200: PaperSheetOut, **ERRORS},
             summary="裁定两次录入不一致的纸质选票(由未参与录入的第三人)")
def decide_paper(request: ApiRequest, election_id: int, no: int, payload: PaperDecideIn):  # type: ignore[no-untyped-def]
    e = selectors.staff_election(request.auth, election_id)
    sheet = voting.decide_paper(actor=request.auth, election=e, no=no, marks=_posts(payload.posts))
    return PaperSheetOut(no=sheet.no, channel=sheet.channel, status=sheet.status)


# ---------------------------------------------------------------- proxies and counting staff

NO_FILE = File(...)


def proxy_list(e: Election) -> ProxyListOut:
    return ProxyListOut(published_at=e.proxies_published_at, out_of_date=proxies.proxies_out_of_date(e),
                        disclosure_url=reverse("disclosures:detail", args=[e.proxy_disclosure_id]) if e.proxy_disclosure_id else "",
                        proxies=[ProxyOut(id=x["proxy"].pk, principal_number=x["principal_number"], principal=x["principal"],
                                          holder_number=x["holder_number"], holder=x["holder"], relation=x["proxy"].relation,
                                          created_at=x["proxy"].created_at) for x in proxies.proxy_lines(e)])


@router.get("/{election_id}/proxies", response={200: ProxyListOut, **READ_ERRORS},
            summary="委托投票名单(本社区居民：公布后；工作人员：随时)")
def list_proxies(request: ApiRequest, election_id: int):  # type: ignore[no-untyped-def]
    e = selectors.election_for(request.auth, election_id)
    if e.proxies_published_at is None and not request.auth.has_perm("elections.follow", e):
        raise NotFound("not_found", _("委托投票名单尚未公布"))
    return proxy_list(e)


@router.post("/{election_id}/proxies", response={201: ProxyOut, **ERRORS},
             summary="登记委托投票(近亲属、书面委托书、每人受托不超过3人)")
def record_proxy(request: ApiRequest, election_id: int, principal_number: Form[int], holder_number: Form[int],  # type: ignore[no-untyped-def]
                 relation: Form[str], document: UploadedFile = NO_FILE):
    e = _managed(request, election_id)
    p = proxies.record_proxy(actor=request.auth, election=e, principal_number=principal_number, holder_number=holder_number,
                             relation=relation[:12], document_name=document.name or "", document=document.read(10 * 1024 * 1024 + 1))
    x = next(x for x in proxies.proxy_lines(e) if x["proxy"].pk == p.pk)
    return Status(201, ProxyOut(id=p.pk, principal_number=x["principal_number"], principal=x["principal"], holder_number=x["holder_number"],
                                holder=x["holder"], relation=p.relation, created_at=p.created_at))


@router.post("/{election_id}/proxies/{proxy_id}/revoke", response={200: ProxyListOut, **ERRORS}, summary="撤销委托(委托人本人或选举委员会；投票开始前)")
def revoke_proxy(request: ApiRequest, election_id: int, proxy_id: int, payload: ProxyRevokeIn):  # type: ignore[no-untyped-def]
    e = selectors.election_for(request.auth, election_id)
    proxies.revoke_proxy(actor=request.auth, election=e, proxy_id=proxy_id, reason=payload.reason)
    e.refresh_from_db()
    return proxy_list(e)


@router.post("/{election_id}/proxies/publish", response={200: ProxyListOut, **ERRORS}, summary="公布(或更新公布)委托投票名单")
def publish_proxies(request: ApiRequest, election_id: int):  # type: ignore[no-untyped-def]
    e = proxies.publish_proxies(actor=request.auth, election=_managed(request, election_id))
    return proxy_list(e)


def staff_out(e: Election) -> list[CountingStaffOut]:
    return [CountingStaffOut(id=x["staff"].pk, role=x["staff"].role, name=x["name"], chosen=x["staff"].chosen) for x in proxies.staff_lines(e)]


@router.get("/{election_id}/counting-staff", response={200: list[CountingStaffOut], **READ_ERRORS}, summary="监票、唱票、计票人员")
def counting_staff(request: ApiRequest, election_id: int):  # type: ignore[no-untyped-def]
    return staff_out(selectors.staff_election(request.auth, election_id))


@router.post("/{election_id}/counting-staff", response={201: list[CountingStaffOut], **ERRORS},
             summary="登记监票、唱票、计票人员(候选人及其近亲属除外)")
def add_counting_staff(request: ApiRequest, election_id: int, payload: CountingStaffIn):  # type: ignore[no-untyped-def]
    from linli.accounts.selectors import active_user_by_username

    e = _managed(request, election_id)
    user = None
    if payload.resident_id is None:
        user = active_user_by_username(payload.username.strip())
        if user is None:
            raise DomainError("invalid", _("请选择本社区居民或填写工作人员账号"), field="username")
    proxies.add_staff(actor=request.auth, election=e, role=payload.role, resident_id=payload.resident_id, user=user, chosen=payload.chosen)
    return Status(201, staff_out(e))


@router.delete("/{election_id}/counting-staff/{staff_id}", response={204: None, **ERRORS}, summary="删除计票工作人员(计票前)")
def remove_counting_staff(request: ApiRequest, election_id: int, staff_id: int):  # type: ignore[no-untyped-def]
    proxies.remove_staff(actor=request.auth, election=_managed(request, election_id), staff_id=staff_id)
    return Status(204, None)


# ---------------------------------------------------------------- recall (罢免)

def recalls_out(request: ApiRequest, e: Election) -> list[RecallOut]:
    from . import recall

    rows = recall.recall_lines(request.auth, e)
    return [RecallOut(id=x["recall"].pk, status=x["recall"].status, reason=x["recall"].reason, lodged_at=x["recall"].lodged_at,
                      signers=x["signers"], needed=x["recall"].needed, round=x["recall"].round.no if x["recall"].round else None,
                      registered=x["registered"], cast=x["cast"], valid=x["valid"],
                      members=[RecallMemberOut(voter_id=m["voter_id"], name=m["name"], post=m["post"], yes=m["yes"], no=m["no"],
                                               abstain=m["abstain"], recalled=m["recalled"], defence=m["defence"],
                                               defence_at=m["defence_at"], defence_on_behalf=m["on_behalf"]) for m in x["members"]],
                      disclosure_url=reverse("disclosures:detail", args=[x["recall"].notice_disclosure_id])
                      if x["recall"].notice_disclosure_id else "") for x in rows]


def _one(request: ApiRequest, e: Election, pk: int) -> RecallOut:
    return next(x for x in recalls_out(request, e) if x.id == pk)


@router.get("/{election_id}/recalls", response={200: list[RecallOut], **READ_ERRORS}, summary="罢免要求、申辩意见与表决结果")
def recalls(request: ApiRequest, election_id: int):  # type: ignore[no-untyped-def]
    return recalls_out(request, selectors.election_for(request.auth, election_id))


@router.post("/{election_id}/recalls", response={201: RecallOut, **ERRORS},
             summary="登记罢免要求(选民五分之一以上或户代表、小组代表三分之一以上联名，说明理由)")
def lodge_recall(request: ApiRequest, election_id: int, payload: RecallIn):  # type: ignore[no-untyped-def]
    from . import recall

    e = _managed(request, election_id)
    r = recall.lodge_recall(actor=request.auth, election=e, member_ids=payload.members, reason=payload.reason,
                            signer_numbers=payload.signers)
    return Status(201, _one(request, e, r.pk))


@router.post("/{election_id}/recalls/{recall_id}/defence", response={200: RecallOut, **ERRORS},
             summary="申辩意见(被提出罢免的成员本人，或选举委员会代为登记)")
def recall_defence(request: ApiRequest, election_id: int, recall_id: int, payload: RecallDefenceIn):  # type: ignore[no-untyped-def]
    from . import recall

    e = selectors.election_for(request.auth, election_id)
    recall.record_defence(actor=request.auth, election=e, recall_id=recall_id, text=payload.defence, member_id=payload.member_id)
    return _one(request, e, recall_id)


@router.post("/{election_id}/recalls/{recall_id}/open", response={200: VotingOut, **ERRORS},
             summary="开始罢免表决(公告理由与申辩意见；结束投票与计票同选举)")
def open_recall(request: ApiRequest, election_id: int, recall_id: int):  # type: ignore[no-untyped-def]
    from . import recall

    e = _managed(request, election_id)
    recall.open_recall(actor=request.auth, election=e, recall_id=recall_id)
    e.refresh_from_db()
    return voting_out(e)


@router.post("/{election_id}/recalls/{recall_id}/withdraw", response={200: RecallOut, **ERRORS}, summary="撤回罢免要求(表决前，说明原因)")
def withdraw_recall(request: ApiRequest, election_id: int, recall_id: int, payload: RecallWithdrawIn):  # type: ignore[no-untyped-def]
    from . import recall

    e = _managed(request, election_id)
    recall.withdraw_recall(actor=request.auth, election=e, recall_id=recall_id, reason=payload.reason)
    return _one(request, e, recall_id)
