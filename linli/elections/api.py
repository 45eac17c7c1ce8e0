"""Election endpoints. Thin: parse, call a selector or service, return a schema."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from linli.core.errors import DomainError, PermissionDenied
from linli.core.pagination import PageNumberPagination
from linli.core.schemas import ApiRequest, ErrorOut
from linli.regions.selectors import node_by_code

from . import selectors, services
from .models import Election
from .schemas import (
    CommitteeMemberIn,
    CommitteeMemberOut,
    ElectionCancelIn,
    ElectionIn,
    ElectionOut,
    ElectionPlanIn,
    ElectionVoterOut,
    MyVoterEntryOut,
    VoterCorrectIn,
    VoterListBuildOut,
)
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
                       list_days=e.list_days, status=e.status, voters_total=e.voters_total, voters_built_at=e.voters_built_at,
                       voters_published_at=e.voters_published_at, disclosure_url=disclosure_url(e),
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
                        registered_only=payload.registered_only, women_at_least=payload.women_at_least, list_days=payload.list_days)
    return Status(201, out(request, e))


@router.get("/mine", response={200: list[MyVoterEntryOut], **READ_ERRORS}, summary="居民：本人是否列入已公布的选民名单")
def mine(request: ApiRequest):  # type: ignore[no-untyped-def]
    from .services import REFUSAL_LABELS

    return [MyVoterEntryOut(election_id=e.pk, title=e.title, election_day=e.election_day, on_list=bool(v and v.votes),
                       number=v.number if v and v.votes else None,
                       refusals=[str(REFUSAL_LABELS.get(r, r)) for r in (v.refusal_list if v else [])],  # type: ignore[call-overload]
                       disclosure_url=disclosure_url(e)) for e, v in selectors.my_entries(request.auth)]


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
                    votes=v.votes, basis=v.basis, refusals=line.refusals, age=v.age, corrected=v.corrected, note=line.note)


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


@router.post("/{election_id}/voters/publish", response={200: ElectionOut, **ERRORS}, summary="公布选民名单(选民榜公示)")
def publish(request: ApiRequest, election_id: int):  # type: ignore[no-untyped-def]
    return out(request, services.publish_voters(actor=request.auth, election=_managed(request, election_id)))


@router.post("/{election_id}/cancel", response={200: ElectionOut, **ERRORS}, summary="取消选举(须说明原因)")
def cancel(request: ApiRequest, election_id: int, payload: ElectionCancelIn):  # type: ignore[no-untyped-def]
    return out(request, services.cancel(actor=request.auth, election=_managed(request, election_id), reason=payload.reason))
