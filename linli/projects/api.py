"""Small public projects' endpoints, under /api/v1/consultation (calls, projects, designers, votes).
Thin: parse, call a selector or service, return a schema. Calls and projects read publicly (the
running tally of a vote only once the list is published); every write needs an account."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from linli.accounts.selectors import has_role
from linli.accounts.services import user_for_token
from linli.core.errors import DomainError
from linli.core.masking import mask_phone
from linli.core.pagination import Mapped, PageNumberPagination
from linli.core.schemas import ApiRequest, ErrorOut
from linli.regions import selectors as regions

from . import selectors, services
from .models import Call, Designer, Project
from .rules import READ_ROLES
from .schemas import (
    CallIn,
    CallOut,
    CallReasonIn,
    CallVoteIn,
    DesignerActiveIn,
    DesignerIn,
    DesignerOut,
    ProjectAssignIn,
    ProjectBallotIn,
    ProjectBallotOut,
    ProjectDetail,
    ProjectEventOut,
    ProjectFollowUpIn,
    ProjectFromResolutionIn,
    ProjectIdeaIn,
    ProjectNoteIn,
    ProjectPaperBallotIn,
    ProjectPhotoOut,
    ProjectProgressIn,
    ProjectRateIn,
    ProjectReasonIn,
    ProjectReviewIn,
    ProjectReviewOut,
    ProjectRow,
    ProjectUrgeIn,
)
from .states import CallStatus
from .states import Status as ProjectStatus

router = Router(tags=["projects 微实事"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut}
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
PUBLIC_ERRORS = {400: ErrorOut, 404: ErrorOut}
NO_FILE = File(None)
MAX_UPLOAD = 10 * 1024 * 1024


def _who(request: Any) -> Any:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        user = user_for_token(header[7:].strip())
        if user is not None:
            return user
    return request.user


def _node(code: str, field: str, message: str) -> Any:
    node = regions.node_by_code_or_path((code or "")[:15]) if code else None
    if node is None:
        raise DomainError("invalid", message, field=field)
    return node


def _designer(d: Designer) -> DesignerOut:
    return DesignerOut(id=d.pk, name=d.name, profession=d.profession, organisation=d.organisation, phone=mask_phone(d.phone),
                       streets=[s.code for s in d.streets.all()], active=d.active, has_account=d.user_id is not None)


def _call(c: Call, actor: Any) -> CallOut:
    return CallOut(id=c.pk, number=c.number, region_code=c.region.code, region_name=c.region.name, title=c.title,
                   description=c.description, status=c.status, status_label=c.get_status_display(), budget=c.budget,
                   cap_services=c.cap_services, cap_works=c.cap_works, ideas_until=c.ideas_until, vote_mode=c.vote_mode,
                   max_choices=c.max_choices, vote_opens=c.vote_opens, vote_closes=c.vote_closes, body_name=c.body_name,
                   ballots=selectors.ballot_count(c) if _tally_shown(c, actor) else 0, chosen_total=c.chosen_total, disclosure_id=c.disclosure_id,
                   created_at=c.created_at, actions=selectors.call_actions(actor, c))


def _tally_shown(c: Call, actor: Any) -> bool:
    """The running tally is the staff's until the list is published (no bandwagon while residents vote)."""
    return selectors.tally_public(c) or actor.has_perm("projects.read", c)


def _row(p: Project, actor: Any) -> ProjectRow:
    return ProjectRow(id=p.pk, number=p.number, call_id=p.call_id, title=p.title, kind=p.kind, community_code=p.community.code,
                      status=p.status, status_label=p.get_status_display(), cost=p.cost,
                      votes=p.votes if _tally_shown(p.call, actor) else None, progress=p.progress, due_on=p.due_on)


def _detail(actor: Any, p: Project) -> ProjectDetail:
    staff = actor.has_perm("projects.read", p)
    v = selectors.project_view(actor, p, staff=staff)
    drawings = reverse("projects:drawings", args=[p.pk]) if p.drawings and p.status not in (
        ProjectStatus.IDEA, ProjectStatus.DESIGNING) else ""
    photos = [ProjectPhotoOut(id=ph.pk, phase=ph.phase, caption=ph.caption, url=reverse("projects:photo", args=[p.pk, ph.pk]), at=ph.at)
              for phase in v.photos.values() for ph in phase]
    return ProjectDetail(
        **_row(p, actor).dict(), description=p.description, location=p.location, source=p.source, proposer_name=p.proposer_name,
        topic_number=p.topic_number, designer_name=p.designer.name if p.designer else "",
        designer_organisation=p.designer.organisation if p.designer else "", design=p.design, schedule_days=p.schedule_days,
        drawings_url=drawings, owner=p.owner, infeasible_reason=p.infeasible_reason, done_at=p.done_at,
        reviews=[ProjectReviewOut(body_name=r.body_name, decision=r.decision, votes_for=r.votes_for if staff else None,
                                  votes_against=r.votes_against if staff else None,
                                  votes_abstain=r.votes_abstain if staff else None, opinion=r.opinion, meeting_on=r.meeting_on)
                 for r in v.reviews],
        photos=photos,
        timeline=[ProjectEventOut(action=e.action, label=e.get_action_label(), note=e.note, progress=e.progress, at=e.at)
                  for e in v.timeline],
        rating_count=v.ratings["count"], rating_average=v.ratings["average"], actions=v.actions)


def _staff_project(request: ApiRequest, project_id: int) -> Project:
    return selectors.staff_project(request.auth, project_id)


# ---------------------------------------------------------------- designers

@router.get("/designers", response={200: list[DesignerOut], **READ_ERRORS}, summary="社区设计师名册(管辖范围；电话掩码)")
@paginate(PageNumberPagination)
def list_designers(request: ApiRequest):  # type: ignore[no-untyped-def]
    return [_designer(d) for d in selectors.designers_for(request.auth)[:2000]]


@router.post("/designers", response={201: DesignerOut, **ERRORS}, summary="登记社区设计师(区、市)")
def add_designer(request: ApiRequest, payload: DesignerIn):  # type: ignore[no-untyped-def]
    d = services.add_designer(actor=request.auth, region=_node(payload.region_code, "region_code", _("请选择登记的区或市")),
                              name=payload.name, profession=payload.profession, organisation=payload.organisation,
                              streets=payload.streets, phone=payload.phone, username=payload.username)
    return Status(201, _designer(d))


@router.post("/designers/{designer_id}/active", response={200: DesignerOut, **ERRORS}, summary="设计师在册或移出名册")
def designer_active(request: ApiRequest, designer_id: int, payload: DesignerActiveIn):  # type: ignore[no-untyped-def]
    d = services.set_designer_active(actor=request.auth, designer=selectors.designer_for(request.auth, designer_id),
                                     active=payload.active)
    return _designer(d)


# ---------------------------------------------------------------- calls

@router.get("/calls", response={200: list[CallOut], **READ_ERRORS}, summary="微实事征集：工作人员为管辖范围，居民为本社区和本街道")
@paginate(PageNumberPagination)
def list_calls(request: ApiRequest, status: str = ""):  # type: ignore[no-untyped-def]
    status = status[:10] if status[:10] in CallStatus.values else ""
    if has_role(request.auth, READ_ROLES):
        return [_call(c, request.auth) for c in selectors.calls_for(request.auth, status=status)[:2000]]
    resident = getattr(request.auth, "resident", None)
    if resident is None or not resident.region_path:
        return []
    qs = selectors.public_calls(resident.region_path)
    return [_call(c, request.auth) for c in (qs.filter(status=status) if status else qs)[:2000]]


@router.post("/calls", response={201: CallOut, **ERRORS}, summary="发起微实事征集(街道或社区)")
def open_call(request: ApiRequest, payload: CallIn):  # type: ignore[no-untyped-def]
    c = services.open_call(actor=request.auth, region=_node(payload.region_code, "region_code", _("请选择街道或社区")),
                           title=payload.title, description=payload.description, budget=payload.budget,
                           ideas_until=payload.ideas_until, vote_mode=payload.vote_mode, max_choices=payload.max_choices,
                           body_id=payload.body_id, cap_services=payload.cap_services, cap_works=payload.cap_works)
    return Status(201, _call(c, request.auth))


@router.get("/calls/{call_id}", response={200: CallOut, **PUBLIC_ERRORS}, auth=None, summary="征集详情(公开)")
def get_call(request: Any, call_id: int):  # type: ignore[no-untyped-def]
    return _call(selectors.call(call_id), _who(request))


@router.get("/calls/{call_id}/projects", response={200: list[ProjectRow], **PUBLIC_ERRORS}, auth=None,
            summary="征集的创意和项目(公开；投票结束公布后显示得票)")
def call_projects(request: Any, call_id: int):  # type: ignore[no-untyped-def]
    c, actor = selectors.call(call_id), _who(request)
    return [_row(p, actor) for p in selectors.projects_of(c, public=not actor.has_perm("projects.read", c))]


def _staff_call(request: ApiRequest, call_id: int) -> Call:
    return selectors.staff_call(request.auth, call_id)


@router.post("/calls/{call_id}/design", response={200: CallOut, **ERRORS}, summary="截止创意征集，进入方案设计")
def close_ideas(request: ApiRequest, call_id: int):  # type: ignore[no-untyped-def]
    return _call(services.close_ideas(actor=request.auth, call=_staff_call(request, call_id)), request.auth)


@router.post("/calls/{call_id}/review", response={200: CallOut, **ERRORS}, summary="进入协商评审")
def start_review(request: ApiRequest, call_id: int):  # type: ignore[no-untyped-def]
    return _call(services.start_review(actor=request.auth, call=_staff_call(request, call_id)), request.auth)


@router.post("/calls/{call_id}/vote", response={200: CallOut, **ERRORS}, summary="开始居民投票(入围项目)")
def start_vote(request: ApiRequest, call_id: int, payload: CallVoteIn):  # type: ignore[no-untyped-def]
    return _call(services.start_vote(actor=request.auth, call=_staff_call(request, call_id), opens=payload.opens,
                                     closes=payload.closes), request.auth)


@router.post("/calls/{call_id}/choose", response={200: CallOut, **ERRORS}, summary="公布选定项目(预算内按得票)并公示")
def choose(request: ApiRequest, call_id: int):  # type: ignore[no-untyped-def]
    c = _staff_call(request, call_id)
    services.choose(actor=request.auth, call=c)
    return _call(selectors.call(c.pk), request.auth)


@router.post("/calls/{call_id}/cancel", response={200: CallOut, **ERRORS}, summary="取消征集")
def cancel_call(request: ApiRequest, call_id: int, payload: CallReasonIn):  # type: ignore[no-untyped-def]
    return _call(services.cancel_call(actor=request.auth, call=_staff_call(request, call_id), reason=payload.reason), request.auth)


@router.post("/calls/{call_id}/ideas", response={201: ProjectDetail, **ERRORS}, summary="提出创意(居民本人，或工作人员代录)")
def propose(request: ApiRequest, call_id: int, payload: ProjectIdeaIn):  # type: ignore[no-untyped-def]
    community = regions.node_by_code_or_path(payload.community_code[:15], level="community") if payload.community_code else None
    p = services.propose(actor=request.auth, call=selectors.call(call_id), title=payload.title, description=payload.description,
                         kind=payload.kind, location=payload.location, community=community, on_behalf_of=payload.on_behalf_of)
    return Status(201, _detail(request.auth, p))


@router.post("/calls/{call_id}/ideas/from-resolution", response={201: ProjectDetail, **ERRORS},
             summary="议事协商的落实事项(列入微实事项目)转为创意")
def from_resolution(request: ApiRequest, call_id: int, payload: ProjectFromResolutionIn):  # type: ignore[no-untyped-def]
    p = services.from_resolution(actor=request.auth, call=_staff_call(request, call_id), resolution_id=payload.resolution_id,
                                 kind=payload.kind, description=payload.description)
    return Status(201, _detail(request.auth, p))


@router.post("/calls/{call_id}/ballots", response={201: ProjectBallotOut, **ERRORS}, summary="投票(每位居民一票)")
def vote(request: ApiRequest, call_id: int, payload: ProjectBallotIn):  # type: ignore[no-untyped-def]
    b = services.vote(actor=request.auth, call=selectors.call(call_id), project_ids=payload.projects)
    return Status(201, ProjectBallotOut(call_id=b.call_id, channel=b.channel, projects=sorted(payload.projects), total=b.total, at=b.at))


@router.get("/calls/{call_id}/ballots/mine", response={200: ProjectBallotOut, **READ_ERRORS}, summary="我的选票")
def my_ballot(request: ApiRequest, call_id: int):  # type: ignore[no-untyped-def]
    b = selectors.my_ballot(request.auth, selectors.call(call_id))
    if b is None:
        from linli.core.errors import NotFound

        raise NotFound("not_found", _("您尚未投票"))
    return ProjectBallotOut(call_id=b.call_id, channel=b.channel, projects=sorted(p.pk for p in b.projects.all()), total=b.total, at=b.at)


@router.post("/calls/{call_id}/ballots/paper", response={201: ProjectBallotOut, **ERRORS}, summary="登记纸质选票(按身份证号，与网上投票合并)")
def paper_ballot(request: ApiRequest, call_id: int, payload: ProjectPaperBallotIn):  # type: ignore[no-untyped-def]
    b = services.record_paper(actor=request.auth, call=selectors.call(call_id), id_number=payload.id_number,
                              project_ids=payload.projects, slip=payload.slip)
    return Status(201, ProjectBallotOut(call_id=b.call_id, channel=b.channel, projects=sorted(payload.projects), total=b.total, at=b.at))


# ---------------------------------------------------------------- projects

@router.get("/projects", response={200: list[ProjectRow], **READ_ERRORS}, summary="管辖范围的微实事项目(可筛选超期)")
@paginate(PageNumberPagination)
def list_projects(request: ApiRequest, status: str = "", overdue: bool = False):  # type: ignore[no-untyped-def]
    status = status[:12] if status[:12] in ProjectStatus.values else ""
    return Mapped(selectors.projects_for(request.auth, status=status, overdue=overdue), lambda p: _row(p, request.auth), limit=10000)


@router.get("/projects/{project_id}", response={200: ProjectDetail, **PUBLIC_ERRORS}, auth=None,
            summary="项目详情：设计、评审、得票、进度、照片与进程(公开)")
def get_project(request: Any, project_id: int):  # type: ignore[no-untyped-def]
    return _detail(_who(request), selectors.project(project_id))


@router.post("/projects/{project_id}/follow", response={200: ProjectDetail, **ERRORS}, summary="关注项目：每一步进展都通知我")
def follow(request: ApiRequest, project_id: int):  # type: ignore[no-untyped-def]
    p = selectors.project(project_id)
    services.follow(actor=request.auth, project=p)
    return _detail(request.auth, p)


@router.delete("/projects/{project_id}/follow", response={200: ProjectDetail, **ERRORS}, summary="取消关注")
def unfollow(request: ApiRequest, project_id: int):  # type: ignore[no-untyped-def]
    p = selectors.project(project_id)
    services.unfollow(actor=request.auth, project=p)
    return _detail(request.auth, p)


@router.post("/projects/{project_id}/withdraw", response={200: ProjectDetail, **ERRORS}, summary="撤回我的创意(评审前)")
def withdraw(request: ApiRequest, project_id: int):  # type: ignore[no-untyped-def]
    return _detail(request.auth, services.withdraw(actor=request.auth, project=selectors.project(project_id)))


@router.post("/projects/{project_id}/designer", response={200: ProjectDetail, **ERRORS}, summary="指派社区设计师")
def assign(request: ApiRequest, project_id: int, payload: ProjectAssignIn):  # type: ignore[no-untyped-def]
    p = services.assign_designer(actor=request.auth, project=_staff_project(request, project_id), designer_id=payload.designer_id)
    return _detail(request.auth, p)


@router.post("/projects/{project_id}/design", response={200: ProjectDetail, **ERRORS},
             summary="提交设计方案(设计说明、预算、工期；工程类须附图纸)")
def design(request: ApiRequest, project_id: int, design: Form[str], cost: Form[str], schedule_days: Form[int],  # type: ignore[no-untyped-def]
           drawings: UploadedFile | None = NO_FILE):
    p = services.submit_design(actor=request.auth, project=_staff_project(request, project_id), design=design[:4000],
                               cost=cost[:20], schedule_days=schedule_days,
                               drawings=(drawings.name or "", drawings.read(MAX_UPLOAD + 1)) if drawings is not None else None)
    return _detail(request.auth, p)


@router.post("/projects/{project_id}/review", response={201: ProjectReviewOut, **ERRORS}, summary="记录协商议事机构的评审结论")
def review(request: ApiRequest, project_id: int, payload: ProjectReviewIn):  # type: ignore[no-untyped-def]
    r = services.record_review(actor=request.auth, project=_staff_project(request, project_id), decision=payload.decision,
                               opinion=payload.opinion, meeting_on=payload.meeting_on, votes_for=payload.votes_for,
                               votes_against=payload.votes_against, votes_abstain=payload.votes_abstain)
    return Status(201, ProjectReviewOut(body_name=r.body_name, decision=r.decision, votes_for=r.votes_for, votes_against=r.votes_against,
                                        votes_abstain=r.votes_abstain, opinion=r.opinion, meeting_on=r.meeting_on))


@router.post("/projects/{project_id}/progress", response={200: ProjectDetail, **ERRORS}, summary="更新实施进度")
def progress(request: ApiRequest, project_id: int, payload: ProjectProgressIn):  # type: ignore[no-untyped-def]
    p = services.progress(actor=request.auth, project=_staff_project(request, project_id), percent=payload.percent,
                          note=payload.note, owner=payload.owner)
    return _detail(request.auth, p)


@router.post("/projects/{project_id}/photos", response={201: ProjectPhotoOut, **ERRORS}, summary="上传现场照片(实施前、实施中、完成后)")
def add_photo(request: ApiRequest, project_id: int, phase: Form[str], photo: UploadedFile = File(...),  # type: ignore[no-untyped-def]  # noqa: B008
              caption: Form[str] = ""):
    p = _staff_project(request, project_id)
    ph = services.add_photo(actor=request.auth, project=p, phase=phase[:10], data=photo.read(MAX_UPLOAD + 1), caption=caption[:200])
    return Status(201, ProjectPhotoOut(id=ph.pk, phase=ph.phase, caption=ph.caption, url=reverse("projects:photo", args=[p.pk, ph.pk]),
                                       at=ph.at))


@router.post("/projects/{project_id}/finish", response={200: ProjectDetail, **ERRORS}, summary="完成(须有实施前和完成后照片)")
def finish(request: ApiRequest, project_id: int, payload: ProjectNoteIn):  # type: ignore[no-untyped-def]
    return _detail(request.auth, services.finish(actor=request.auth, project=_staff_project(request, project_id), note=payload.note))


@router.post("/projects/{project_id}/infeasible", response={200: ProjectDetail, **ERRORS}, summary="无法实施(原因公开)")
def infeasible(request: ApiRequest, project_id: int, payload: ProjectReasonIn):  # type: ignore[no-untyped-def]
    return _detail(request.auth, services.infeasible(actor=request.auth, project=_staff_project(request, project_id),
                                                     reason=payload.reason))


@router.post("/projects/{project_id}/rating", response={201: ProjectDetail, **ERRORS}, summary="成效评价(本区域居民)")
def rate(request: ApiRequest, project_id: int, payload: ProjectRateIn):  # type: ignore[no-untyped-def]
    p = selectors.project(project_id)
    services.rate(actor=request.auth, project=p, rating=payload.rating, comment=payload.comment)
    return Status(201, _detail(request.auth, selectors.project(project_id)))


@router.post("/projects/{project_id}/follow-up", response={200: ProjectDetail, **ERRORS}, summary="回访差评(可重新整改)")
def follow_up(request: ApiRequest, project_id: int, payload: ProjectFollowUpIn):  # type: ignore[no-untyped-def]
    p = _staff_project(request, project_id)
    services.answer_follow_up(actor=request.auth, project=p, answer=payload.answer, reopen=payload.reopen)
    return _detail(request.auth, selectors.staff_project(request.auth, project_id))


@router.post("/projects/{project_id}/urge", response={200: ProjectDetail, **ERRORS}, summary="督办超期项目")
def urge(request: ApiRequest, project_id: int, payload: ProjectUrgeIn):  # type: ignore[no-untyped-def]
    p = _staff_project(request, project_id)
    services.urge(actor=request.auth, obj=p, note=payload.note)
    return _detail(request.auth, selectors.staff_project(request.auth, project_id))
