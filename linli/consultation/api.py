"""Consultation endpoints (/api/v1/consultation). Thin: parse, call a selector or service, return
a schema. Topics, meetings and the list of matters read publicly; every write needs an account."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from linli.accounts.selectors import has_role
from linli.accounts.services import user_for_token
from linli.core.errors import DomainError, NotFound
from linli.core.pagination import Mapped, PageNumberPagination
from linli.core.schemas import ApiRequest, ErrorOut
from linli.regions import selectors as regions

from . import selectors, services
from .models import Body, Meeting, Resolution, Topic
from .rules import FOLLOW_ROLES
from .schemas import (
    ConsultActiveIn,
    ConsultAnswerIn,
    ConsultAssemblyIn,
    ConsultAssemblyOut,
    ConsultAttendanceIn,
    ConsultAttendanceOut,
    ConsultBodyIn,
    ConsultBodyOut,
    ConsultCheckInIn,
    ConsultCommentIn,
    ConsultCommentOut,
    ConsultDecideIn,
    ConsultDisclosureOut,
    ConsultEventOut,
    ConsultFollowUpIn,
    ConsultMatterIn,
    ConsultMatterOut,
    ConsultMeetingIn,
    ConsultMeetingOut,
    ConsultMemberIn,
    ConsultMemberOut,
    ConsultModerateIn,
    ConsultOrderOut,
    ConsultPaperSupportIn,
    ConsultProgressIn,
    ConsultRateIn,
    ConsultRatingOut,
    ConsultReasonIn,
    ConsultResolutionIn,
    ConsultResolutionOut,
    ConsultSettingsIn,
    ConsultSettingsOut,
    ConsultTopicIn,
    ConsultTopicRow,
    ConsultUrgeIn,
    ConsultWorkOrderIn,
    ConsultWorkOrderOut,
    TopicDetail,
)
from .states import Status as TopicStatus

router = Router(tags=["consultation 议事协商"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut}
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
PUBLIC_ERRORS = {400: ErrorOut, 404: ErrorOut}
NO_FILE = File(None)


def _who(request: Any) -> Any:
    """The reader of a public endpoint: a bearer token's account, the session's, or no one."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        user = user_for_token(header[7:].strip())
        if user is not None:
            return user
    return request.user


def _community(code: str | None) -> Any:
    node = regions.node_by_code_or_path((code or "")[:15], level="community") if code else None
    if node is None:
        raise DomainError("invalid", _("请选择所在社区"), field="community_code")
    return node


def _row(t: Topic) -> ConsultTopicRow:
    return ConsultTopicRow(id=t.pk, number=t.number, title=t.title, status=t.status, status_label=t.get_status_display(),
                    community_code=t.community.code, source=t.source, supports=t.supports, threshold=t.threshold,
                    due_on=t.due_on, created_at=t.created_at)


def _resolution(r: Resolution, actor: Any, orders: list[dict[str, Any]] | None = None,
                actions: list[str] | None = None) -> ConsultResolutionOut:
    return ConsultResolutionOut(id=r.pk, position=r.position, title=r.title, kind=r.kind, owner=r.owner, due_on=r.due_on, status=r.status,
                         progress=r.progress, infeasible_reason=r.infeasible_reason,
                         orders=[ConsultOrderOut(**o) for o in (orders or [])],
                         actions=actions if actions is not None else selectors.resolution_actions(actor, r))


def _meeting(m: Meeting) -> ConsultMeetingOut:
    return ConsultMeetingOut(id=m.pk, body_id=m.body_id, form=m.form, starts_at=m.starts_at, ends_at=m.ends_at, place=m.place,
                      agenda=m.agenda, status=m.status, members_total=m.members_total, members_present=m.members_present,
                      others_present=m.others_present, minutes=m.minutes, dissent=m.dissent, notice_id=m.notice_id)


def _detail(actor: Any, t: Topic) -> TopicDetail:
    staff = actor.has_perm("consultation.read", t)
    v = selectors.topic_view(actor, t, staff=staff)
    base = _row(t).dict()
    return TopicDetail(
        **base, content=t.content, matter_id=t.matter_id, off_list_reason=t.off_list_reason, proposer_name=t.proposer_name,
        answer=t.answer, referred_to=t.referred_to, merged_into_id=t.merged_into_id, body_id=t.body_id, form=t.form,
        outcome=t.outcome, decided_at=t.decided_at, disclosure_due=t.disclosure_due, disclosure_id=t.disclosure_id,
        completed_at=t.completed_at,
        resolutions=[_resolution(x["r"], actor, x["orders"], x["actions"]) for x in v.resolutions],
        meetings=[_meeting(m) for m in v.meetings],
        timeline=[ConsultEventOut(action=e.action, note=e.note, progress=e.progress, resolution_id=e.resolution_id, at=e.at) for e in v.timeline],
        actions=v.actions, supported=v.supported, following=v.following)


def _topic(topic_id: int) -> Topic:
    return selectors.topic(topic_id)


# ---------------------------------------------------------------- matters, settings, bodies

@router.get("/matters", response={200: list[ConsultMatterOut], **PUBLIC_ERRORS}, auth=None, summary="社区的协商事项清单(公开)")
def list_matters(request: Any, community_code: str):  # type: ignore[no-untyped-def]
    return [ConsultMatterOut.from_orm(m) for m in selectors.community_matters(_community(community_code))]


@router.post("/matters", response={201: ConsultMatterOut, **ERRORS}, summary="在本级增加协商事项")
def add_matter(request: ApiRequest, payload: ConsultMatterIn):  # type: ignore[no-untyped-def]
    node = regions.node_by_code_or_path(payload.region_code[:15])
    m = services.add_matter(actor=request.auth, region=node, name=payload.name, category=payload.category,
                            description=payload.description)
    return Status(201, ConsultMatterOut.from_orm(m))


@router.post("/matters/{matter_id}/active", response={200: ConsultMatterOut, **ERRORS}, summary="启用或停用本级的协商事项")
def matter_active(request: ApiRequest, matter_id: int, payload: ConsultActiveIn):  # type: ignore[no-untyped-def]
    m = services.set_matter_active(actor=request.auth, matter=selectors.matter_for(request.auth, matter_id), active=payload.active)
    return ConsultMatterOut.from_orm(m)


@router.get("/settings", response={200: ConsultSettingsOut, **PUBLIC_ERRORS}, auth=None, summary="社区的议题规则(附议门槛、答复时限…)")
def get_settings(request: Any, community_code: str):  # type: ignore[no-untyped-def]
    s = selectors.community_settings(_community(community_code))
    return ConsultSettingsOut(support_threshold=s.support_threshold, answer_days=s.answer_days, notice_days=s.notice_days,
                       disclosure_days=s.disclosure_days)


@router.put("/settings", response={200: ConsultSettingsOut, **ERRORS}, summary="设置社区的议题规则")
def put_settings(request: ApiRequest, payload: ConsultSettingsIn):  # type: ignore[no-untyped-def]
    s = services.save_settings(actor=request.auth, community=_community(payload.community_code),
                               support_threshold=payload.support_threshold, answer_days=payload.answer_days,
                               notice_days=payload.notice_days, disclosure_days=payload.disclosure_days)
    return ConsultSettingsOut(support_threshold=s.support_threshold, answer_days=s.answer_days, notice_days=s.notice_days,
                       disclosure_days=s.disclosure_days)


def _body(b: Body) -> ConsultBodyOut:
    return ConsultBodyOut(id=b.pk, community_code=b.community.code, kind=b.kind, name=b.name, quorum_percent=b.quorum_percent,
                   term_starts=b.term_starts, term_ends=b.term_ends,
                   members=[ConsultMemberOut(id=m.pk, name=m.name, sector=m.sector, organisation=m.organisation,
                                      has_account=m.user_id is not None) for m in selectors.members_of(b)])


@router.get("/bodies", response={200: list[ConsultBodyOut], **READ_ERRORS}, summary="协商议事机构(管辖范围)")
@paginate(PageNumberPagination)
def list_bodies(request: ApiRequest):  # type: ignore[no-untyped-def]
    return [_body(b) for b in selectors.bodies_for(request.auth)[:500]]


@router.post("/bodies", response={201: ConsultBodyOut, **ERRORS}, summary="建立协商议事机构")
def create_body(request: ApiRequest, payload: ConsultBodyIn):  # type: ignore[no-untyped-def]
    b = services.create_body(actor=request.auth, community=_community(payload.community_code), kind=payload.kind, name=payload.name,
                             quorum_percent=payload.quorum_percent, term_starts=payload.term_starts, term_ends=payload.term_ends)
    return Status(201, _body(b))


@router.get("/bodies/{body_id}", response={200: ConsultBodyOut, **READ_ERRORS}, summary="机构及其成员")
def get_body(request: ApiRequest, body_id: int):  # type: ignore[no-untyped-def]
    return _body(selectors.body_for(request.auth, body_id))


@router.post("/bodies/{body_id}/members", response={201: ConsultMemberOut, **ERRORS}, summary="登记机构成员")
def add_member(request: ApiRequest, body_id: int, payload: ConsultMemberIn):  # type: ignore[no-untyped-def]
    m = services.add_member(actor=request.auth, body=selectors.body_for(request.auth, body_id), name=payload.name,
                            sector=payload.sector, organisation=payload.organisation, username=payload.username)
    return Status(201, ConsultMemberOut(id=m.pk, name=m.name, sector=m.sector, organisation=m.organisation, has_account=m.user_id is not None))


@router.delete("/bodies/{body_id}/members/{member_id}", response={204: None, **ERRORS}, summary="成员卸任")
def remove_member(request: ApiRequest, body_id: int, member_id: int):  # type: ignore[no-untyped-def]
    member = selectors.member_for(request.auth, member_id)
    if member.body_id != body_id:
        raise NotFound("not_found", _("成员不存在"))
    services.remove_member(actor=request.auth, member=member)
    return Status(204, None)


# ---------------------------------------------------------------- topics

@router.get("/topics", response={200: list[ConsultTopicRow], **READ_ERRORS}, summary="议题：工作人员为管辖范围，居民为本社区")
@paginate(PageNumberPagination)
def list_topics(request: ApiRequest, status: str = "", overdue: bool = False, q: str = ""):  # type: ignore[no-untyped-def]
    status = status[:12] if status[:12] in TopicStatus.values else ""
    if has_role(request.auth, FOLLOW_ROLES):
        return Mapped(selectors.topics_for(request.auth, status=status, overdue=overdue, q=q[:40]), _row, limit=10000)
    resident = getattr(request.auth, "resident", None)
    if resident is None or not resident.region_path:
        return []
    return Mapped(selectors.public_topics(resident.region_path[:12], status=status), _row, limit=10000)


@router.get("/topics/mine", response={200: list[ConsultTopicRow], **READ_ERRORS}, summary="我提出、附议或关注的议题")
@paginate(PageNumberPagination)
def my_topics(request: ApiRequest):  # type: ignore[no-untyped-def]
    return [_row(t) for t in selectors.my_topics(request.auth)[:1000]]


@router.post("/topics", response={201: TopicDetail, **ERRORS}, summary="提出议题(居民本人，或工作人员代录、社区提出、由工单转入)")
def create_topic(request: ApiRequest, payload: ConsultTopicIn):  # type: ignore[no-untyped-def]
    actor = request.auth
    if payload.source == "resident":
        resident = getattr(actor, "resident", None)
        community = regions.node_by_code_or_path((resident.region_path or "")[:12], level="community") if resident else None
        if community is None:
            raise DomainError("forbidden", _("只有本社区居民可以提出议题"), status=403)
    else:
        community = _community(payload.community_code)
    t = services.propose(actor=actor, community=community, title=payload.title, content=payload.content,
                         matter_id=payload.matter_id, source=payload.source, on_behalf_of=payload.on_behalf_of,
                         work_order_numbers=payload.work_orders)
    return Status(201, _detail(actor, t))


@router.get("/topics/{topic_id}", response={200: TopicDetail, **PUBLIC_ERRORS}, auth=None,
            summary="议题详情：附议、答复、会议、协商意见、落实进度与进程(公开)")
def get_topic(request: Any, topic_id: int):  # type: ignore[no-untyped-def]
    return _detail(_who(request), _topic(topic_id))


@router.post("/topics/{topic_id}/support", response={200: TopicDetail, **ERRORS}, summary="附议(每户一次)")
def support(request: ApiRequest, topic_id: int):  # type: ignore[no-untyped-def]
    return _detail(request.auth, services.support(actor=request.auth, topic=_topic(topic_id)))


@router.post("/topics/{topic_id}/supports/paper", response={200: TopicDetail, **ERRORS}, summary="登记纸质联名表上的附议(按户号)")
def paper_support(request: ApiRequest, topic_id: int, payload: ConsultPaperSupportIn):  # type: ignore[no-untyped-def]
    t = services.record_support(actor=request.auth, topic=selectors.staff_topic(request.auth, topic_id),
                                household_number=payload.household_number)
    return _detail(request.auth, t)


@router.post("/topics/{topic_id}/follow", response={200: TopicDetail, **ERRORS}, summary="关注：每一步进展都通知我")
def follow(request: ApiRequest, topic_id: int):  # type: ignore[no-untyped-def]
    t = _topic(topic_id)
    services.follow(actor=request.auth, topic=t)
    return _detail(request.auth, t)


@router.delete("/topics/{topic_id}/follow", response={200: TopicDetail, **ERRORS}, summary="取消关注")
def unfollow(request: ApiRequest, topic_id: int):  # type: ignore[no-untyped-def]
    t = _topic(topic_id)
    services.unfollow(actor=request.auth, topic=t)
    return _detail(request.auth, t)


@router.post("/topics/{topic_id}/withdraw", response={200: TopicDetail, **ERRORS}, summary="提议人撤回(征集附议期间)")
def withdraw(request: ApiRequest, topic_id: int):  # type: ignore[no-untyped-def]
    return _detail(request.auth, services.withdraw(actor=request.auth, topic=_topic(topic_id)))


@router.post("/topics/{topic_id}/answer", response={200: TopicDetail, **ERRORS}, summary="答复议题：受理、合并、转交或不予受理")
def answer(request: ApiRequest, topic_id: int, payload: ConsultAnswerIn):  # type: ignore[no-untyped-def]
    actor, t = request.auth, selectors.staff_topic(request.auth, topic_id)
    if payload.action == "take_up":
        t = services.take_up(actor=actor, topic=t, body_id=payload.body_id or 0, form=payload.form, answer=payload.answer,
                             off_list_reason=payload.off_list_reason, matter_id=payload.matter_id)
    elif payload.action == "merge":
        into = selectors.topics_for(actor).filter(number=payload.into.strip()).first()
        if into is None:
            raise DomainError("merge_target", _("请填写本社区另一个议题的编号"), field="into")
        t = services.merge(actor=actor, topic=t, into=into, answer=payload.answer)
    elif payload.action == "refer":
        t = services.refer(actor=actor, topic=t, to=payload.to, answer=payload.answer)
    else:
        t = services.decline(actor=actor, topic=t, answer=payload.answer)
    return _detail(actor, t)


@router.post("/topics/{topic_id}/urge", response={200: TopicDetail, **ERRORS}, summary="督办议题的答复或结果公示")
def urge_topic(request: ApiRequest, topic_id: int, payload: ConsultUrgeIn):  # type: ignore[no-untyped-def]
    t = selectors.staff_topic(request.auth, topic_id)
    services.urge(actor=request.auth, obj=t, note=payload.note)
    return _detail(request.auth, t)


# ---------------------------------------------------------------- opinions online

def _comment(c: Any) -> ConsultCommentOut:
    return ConsultCommentOut(id=c.pk, name=c.name, text=c.text, status=c.status, reason=c.reason, at=c.at)


@router.get("/topics/{topic_id}/comments", response={200: list[ConsultCommentOut], **PUBLIC_ERRORS}, auth=None,
            summary="网上意见(公开已发布的；工作人员全部)")
def list_comments(request: Any, topic_id: int):  # type: ignore[no-untyped-def]
    who, t = _who(request), _topic(topic_id)
    return [_comment(c) for c in selectors.comments_of(t, who, staff=who.has_perm("consultation.desk", t))]


@router.post("/topics/{topic_id}/comments", response={201: ConsultCommentOut, **ERRORS}, summary="发表网上意见(审核后公开)")
def add_comment(request: ApiRequest, topic_id: int, payload: ConsultCommentIn):  # type: ignore[no-untyped-def]
    return Status(201, _comment(services.comment(actor=request.auth, topic=_topic(topic_id), text=payload.text)))


@router.post("/comments/{comment_id}/moderate", response={200: ConsultCommentOut, **ERRORS}, summary="审核网上意见：发布或不予发布(写明原因)")
def moderate(request: ApiRequest, comment_id: int, payload: ConsultModerateIn):  # type: ignore[no-untyped-def]
    c = services.moderate(actor=request.auth, comment=selectors.comment_for(request.auth, comment_id), publish=payload.publish,
                          reason=payload.reason)
    return _comment(c)


# ---------------------------------------------------------------- meetings

@router.post("/topics/{topic_id}/meetings", response={201: ConsultMeetingOut, **ERRORS}, summary="安排协商会议并发布通知")
def schedule(request: ApiRequest, topic_id: int, payload: ConsultMeetingIn):  # type: ignore[no-untyped-def]
    m = services.schedule_meeting(actor=request.auth, topic=selectors.staff_topic(request.auth, topic_id),
                                  starts_at=payload.starts_at, ends_at=payload.ends_at, place=payload.place,
                                  agenda=payload.agenda, body_id=payload.body_id)
    return Status(201, _meeting(m))


@router.get("/meetings/{meeting_id}", response={200: ConsultMeetingOut, **PUBLIC_ERRORS}, auth=None, summary="会议(公开：时间、地点、议程、纪要)")
def get_meeting(request: Any, meeting_id: int):  # type: ignore[no-untyped-def]
    return _meeting(selectors.meeting(meeting_id))


@router.get("/meetings/{meeting_id}/attendance", response={200: list[ConsultAttendanceOut], **READ_ERRORS}, summary="签到名单")
def attendance(request: ApiRequest, meeting_id: int):  # type: ignore[no-untyped-def]
    m = selectors.staff_meeting(request.auth, meeting_id)
    return [ConsultAttendanceOut(id=a.pk, name=a.name, member_id=a.member_id, how=a.how, at=a.at) for a in m.attendance.all()]


@router.post("/meetings/{meeting_id}/attendance", response={201: ConsultAttendanceOut, **ERRORS}, summary="工作人员登记签到")
def record_attendance(request: ApiRequest, meeting_id: int, payload: ConsultAttendanceIn):  # type: ignore[no-untyped-def]
    a = services.record_attendance(actor=request.auth, meeting=selectors.staff_meeting(request.auth, meeting_id),
                                   member_id=payload.member_id, name=payload.name)
    return Status(201, ConsultAttendanceOut(id=a.pk, name=a.name, member_id=a.member_id, how=a.how, at=a.at))


@router.post("/meetings/{meeting_id}/check-in", response={201: ConsultAttendanceOut, **ERRORS}, summary="扫码签到(机构成员或本社区居民)")
def check_in(request: ApiRequest, meeting_id: int, payload: ConsultCheckInIn):  # type: ignore[no-untyped-def]
    a = services.check_in(actor=request.auth, meeting=selectors.meeting(meeting_id), token=payload.token)
    return Status(201, ConsultAttendanceOut(id=a.pk, name=a.name, member_id=a.member_id, how=a.how, at=a.at))


@router.post("/meetings/{meeting_id}/minutes", response={200: ConsultMeetingOut, **ERRORS}, summary="确认协商纪要(会议须上传签字扫描件)")
def close_meeting(request: ApiRequest, meeting_id: int, minutes: Form[str], dissent: Form[str] = "",  # type: ignore[no-untyped-def]
                  scan: UploadedFile | None = NO_FILE):
    m = services.close_meeting(actor=request.auth, meeting=selectors.staff_meeting(request.auth, meeting_id), minutes=minutes[:8000],
                               dissent=dissent[:4000],
                               scan=(scan.name or "", scan.read(10 * 1024 * 1024 + 1)) if scan is not None else None)
    return _meeting(m)


@router.post("/meetings/{meeting_id}/cancel", response={200: ConsultMeetingOut, **ERRORS}, summary="取消会议")
def cancel_meeting(request: ApiRequest, meeting_id: int, payload: ConsultReasonIn):  # type: ignore[no-untyped-def]
    return _meeting(services.cancel_meeting(actor=request.auth, meeting=selectors.staff_meeting(request.auth, meeting_id),
                                            reason=payload.reason))


# ---------------------------------------------------------------- outcome, resolutions, result

@router.post("/topics/{topic_id}/outcome", response={200: TopicDetail, **ERRORS}, summary="形成协商意见及其落实事项")
def decide(request: ApiRequest, topic_id: int, payload: ConsultDecideIn):  # type: ignore[no-untyped-def]
    t = services.decide(actor=request.auth, topic=selectors.staff_topic(request.auth, topic_id), outcome=payload.outcome,
                        resolutions=[r.dict() for r in payload.resolutions])
    return _detail(request.auth, t)


@router.post("/topics/{topic_id}/resolutions", response={201: ConsultResolutionOut, **ERRORS}, summary="增加落实事项(落实中)")
def add_resolution(request: ApiRequest, topic_id: int, payload: ConsultResolutionIn):  # type: ignore[no-untyped-def]
    r = services.add_resolution(actor=request.auth, topic=selectors.staff_topic(request.auth, topic_id), title=payload.title,
                                kind=payload.kind, owner=payload.owner, due_on=payload.due_on)
    return Status(201, _resolution(r, request.auth))


@router.get("/resolutions", response={200: list[ConsultResolutionOut], **READ_ERRORS}, summary="落实事项跟踪(管辖范围；overdue=超期)")
@paginate(PageNumberPagination)
def list_resolutions(request: ApiRequest, overdue: bool = False, status: str = ""):  # type: ignore[no-untyped-def]
    return Mapped(selectors.resolutions_for(request.auth, overdue=overdue, status=status[:12]),
                  lambda r: _resolution(r, request.auth, actions=[]), limit=10000)


@router.post("/resolutions/{resolution_id}/progress", response={200: ConsultResolutionOut, **ERRORS},
             summary="落实进度：更新进度、完成、无法落实(原因公开)、重新落实")
def resolution_progress(request: ApiRequest, resolution_id: int, payload: ConsultProgressIn):  # type: ignore[no-untyped-def]
    actor, r = request.auth, selectors.resolution_for(request.auth, resolution_id)
    if payload.action == "progress":
        r = services.progress(actor=actor, resolution=r, percent=payload.percent if payload.percent is not None else -1, note=payload.note)
    elif payload.action == "finish":
        r = services.finish(actor=actor, resolution=r, note=payload.note)
    elif payload.action == "infeasible":
        r = services.infeasible(actor=actor, resolution=r, reason=payload.note)
    else:
        r = services.reopen_resolution(actor=actor, resolution=r, note=payload.note)
    return _resolution(r, actor)


@router.post("/resolutions/{resolution_id}/work-orders", response={201: ConsultWorkOrderOut, **ERRORS}, summary="落实事项转诉求工单(自动跟踪办结)")
def create_work_order(request: ApiRequest, resolution_id: int, payload: ConsultWorkOrderIn):  # type: ignore[no-untyped-def]
    o = services.create_work_order(actor=request.auth, resolution=selectors.resolution_for(request.auth, resolution_id),
                                   category_code=payload.category, description=payload.description, address=payload.address)
    return Status(201, ConsultWorkOrderOut(id=o.pk, number=o.number, status=o.status))


@router.post("/resolutions/{resolution_id}/assembly", response={201: ConsultAssemblyOut, **ERRORS},
             summary="落实事项提交业主大会表决(召集小区业主大会草案，决定公告后自动完成或无法落实)")
def submit_to_assembly(request: ApiRequest, resolution_id: int, payload: ConsultAssemblyIn):  # type: ignore[no-untyped-def]
    a = services.submit_to_assembly(actor=request.auth, resolution=selectors.resolution_for(request.auth, resolution_id),
                                    compound_id=payload.compound_id, item=payload.item, convener=payload.convener,
                                    convener_name=payload.convener_name, opens_at=payload.opens_at, closes_at=payload.closes_at,
                                    body=payload.body)
    return Status(201, ConsultAssemblyOut(assembly_id=a.pk, title=a.title, status=a.status))


@router.post("/resolutions/{resolution_id}/urge", response={200: ConsultResolutionOut, **ERRORS}, summary="督办落实事项")
def urge_resolution(request: ApiRequest, resolution_id: int, payload: ConsultUrgeIn):  # type: ignore[no-untyped-def]
    r = selectors.resolution_for(request.auth, resolution_id)
    services.urge(actor=request.auth, obj=r, note=payload.note)
    return _resolution(r, request.auth)


@router.post("/topics/{topic_id}/disclose", response={201: ConsultDisclosureOut, **ERRORS}, summary="公示协商结果")
def disclose(request: ApiRequest, topic_id: int):  # type: ignore[no-untyped-def]
    d = services.disclose(actor=request.auth, topic=selectors.staff_topic(request.auth, topic_id))
    return Status(201, ConsultDisclosureOut(disclosure_id=d.pk))


@router.post("/topics/{topic_id}/ratings", response={201: ConsultRatingOut, **ERRORS}, summary="成效评价(办结后，本社区居民每人每轮一次)")
def rate(request: ApiRequest, topic_id: int, payload: ConsultRateIn):  # type: ignore[no-untyped-def]
    r = services.rate(actor=request.auth, topic=_topic(topic_id), rating=payload.rating, comment=payload.comment)
    return Status(201, ConsultRatingOut(rating=r.rating, round=r.round))


@router.post("/topics/{topic_id}/follow-up", response={200: TopicDetail, **ERRORS}, summary="差评回访(可重新落实)")
def follow_up(request: ApiRequest, topic_id: int, payload: ConsultFollowUpIn):  # type: ignore[no-untyped-def]
    t = selectors.staff_topic(request.auth, topic_id)
    services.answer_follow_up(actor=request.auth, topic=t, answer=payload.answer, reopen=payload.reopen)
    return _detail(request.auth, selectors.topic(topic_id))
