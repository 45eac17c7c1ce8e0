"""Every write of small public projects (微实事). Each action checks the rule, moves the call or the
project through its lifecycle (``states``), writes the timeline and the audit row in the same
transaction, and tells the proposer and the followers after the commit. The vote takes the call's
share lock (``core.voting``) so that choosing the list waits for ballots under way; one vote per
resident is the unique constraint's last word, whichever channel (phone or paper) came first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.roles import Role
from linli.accounts.selectors import active_user_by_username, holders_by_path
from linli.consultation import selectors as consultation
from linli.consultation import services as consultation_services
from linli.core import followups, ratelimit, supervision, voting
from linli.core.audit import record_audit
from linli.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from linli.core.images import clean_image, named_document
from linli.core.numbers import next_value
from linli.core.ratings import RATING_LABELS
from linli.core.text import clean_text, fill
from linli.disclosures import services as disclosures
from linli.messaging.services import send, send_many
from linli.regions import selectors as regions

from .errors import Code
from .models import (
    Ballot,
    Call,
    Designer,
    Event,
    Follower,
    Kind,
    Photo,
    Project,
    Rating,
    Review,
    Source,
    VoteMode,
)
from .states import (
    CALL_LIFECYCLE,
    FINISHED,
    LIFECYCLE,
    OPEN_IDEAS,
    RUNNING,
    Action,
    CallAction,
    CallStatus,
    Status,
)

ESCALATE_AFTER = {1: 0, 2: 5, 3: 15}  # a project past its date: community, street after 5 days, district after 15
MAX_IDEAS_PER_CALL = 500
MAX_PHOTOS = 30
MAX_CHOICES = 50
BUDGET_LIMIT = Decimal("100000000")  # 1 亿: a call's budget above it is a typing mistake


def require(actor: Any, perm: str, obj: Any) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied("forbidden", _("您无权办理该事项"))


def _text(value: Any, field: str, label: str, *, low: int = 2, high: int = 100, multiline: bool = False) -> str:
    text = clean_text(str(value or ""), multiline=multiline, collapse=not multiline)
    if len(text) < low:
        raise DomainError("invalid", _("请填写%(f)s(至少%(n)d个字)") % {"f": label, "n": low}, field=field)
    if len(text) > high:
        raise DomainError("invalid", _("%(f)s过长(最多%(n)d个字)") % {"f": label, "n": high}, field=field)
    return text


def _money(value: Any, field: str, label: str, *, limit: Decimal = BUDGET_LIMIT) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError("invalid", _("请填写%(f)s(元)") % {"f": label}, field=field) from None
    if not amount.is_finite() or amount <= 0 or amount > limit:
        raise DomainError("invalid", _("%(f)s须大于0且不超过%(n)s元") % {"f": label, "n": f"{limit:,.0f}"}, field=field)
    return amount


def yuan(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:,.2f}"


def call_url(call: Call) -> str:
    return reverse("projects:call", args=[call.pk])


def project_url(project: Project) -> str:
    return reverse("projects:detail", args=[project.pk])


def _event(call: Call, action: str, actor: Any, note: str = "", *, project: Project | None = None,
           progress: int | None = None, public: bool = True) -> Event:
    return Event.objects.create(call=call, project=project, actor=actor if getattr(actor, "pk", None) else None,
                                action=action, note=note[:1000], progress=progress, public=public)


def _project_timeline(obj: Any, *, action: str, actor: Any, before: str, after: str, note: str, public: bool) -> None:
    shown = obj.progress if action in (Action.PROGRESS, Action.FINISH) else None
    _event(obj.call, action, actor, note, project=obj, progress=shown, public=public)


def _call_timeline(obj: Any, *, action: str, actor: Any, before: str, after: str, note: str, public: bool) -> None:
    _event(obj, action, actor, note, public=public)


LIFECYCLE.timeline = _project_timeline
CALL_LIFECYCLE.timeline = _call_timeline


def audience(project: Project) -> list[int]:
    """Who hears of every step of a project: its proposer and its followers (user ids, once)."""
    ids = set(Follower.objects.filter(project=project).values_list("user_id", flat=True))
    if project.proposer_id:
        ids.add(project.proposer_id)
    return sorted(ids)


def _users(ids: Iterable[int]) -> Any:
    from linli.accounts.selectors import users_by_ids

    return users_by_ids(list(ids))


def tell(project: Project, text: str, *, skip: Any = None) -> None:
    link = project_url(project)
    skip_id = getattr(skip, "pk", None)

    def go() -> None:
        send(_users([i for i in audience(project) if i != skip_id]), "projects.progress", text=text, target=project, link=link)

    transaction.on_commit(go)


def _staff_of(path: str) -> list[Any]:
    office = holders_by_path((Role.COMMUNITY_ADMIN, Role.CASEWORKER, Role.STREET_ADMIN), [path])
    return office.get(path, [])


def _tell_staff(call: Call, text: str, target: Any) -> None:
    transaction.on_commit(lambda: send(_staff_of(call.region_path), "projects.desk", text=text, target=target,
                                       link=reverse("projects:staff_call", args=[call.pk])))


def _lock_call(call: Call) -> Call:
    return Call.objects.select_for_update(of=("self",)).select_related("region").get(pk=call.pk)


def _lock(project: Project) -> Project:
    return (Project.objects.select_for_update(of=("self",)).select_related("call", "community", "designer")
            .get(pk=project.pk))


def _number(prefix: str, sequence: str) -> str:
    today = timezone.localdate()
    return f"{prefix}{today:%Y%m%d}{next_value(f'{sequence}-{today:%Y%m%d}'):04d}"


# ---------------------------------------------------------------- designers (社区设计师)

def _streets(codes: Iterable[Any], under: str) -> list[Any]:
    found = []
    for code in codes:
        node = regions.node_by_code_or_path(str(code or "")[:20], level="street")
        if node is None or not node.path.startswith(under):
            raise DomainError("invalid", _("请选择本区域内的街道"), field="streets")
        found.append(node)
    if not found:
        raise DomainError("invalid", _("请至少选择一个服务街道"), field="streets")
    return found


@transaction.atomic
def add_designer(*, actor: Any, region: Any, name: str, profession: str, organisation: str, streets: Iterable[Any],
                 phone: str = "", username: str = "") -> Designer:
    """Register a community designer in a district's or the city's registry."""
    if region is None or getattr(region, "level", "") not in ("city", "district"):
        raise DomainError("invalid", _("设计师名册由区或市登记"), field="region")
    d = Designer(region_path=region.path, name=_text(name, "name", _("姓名"), high=50),
                 profession=_text(profession, "profession", _("专业"), high=50),
                 organisation=_text(organisation, "organisation", _("单位"), high=100))
    require(actor, "projects.designers", d)
    phone = "".join(ch for ch in str(phone or "") if ch.isdigit() or ch == "-")[:20]
    if phone and len(phone.replace("-", "")) < 7:
        raise DomainError("invalid", _("联系电话格式不正确"), field="phone")
    d.phone, d.phone_tail = phone, phone.replace("-", "")[-4:]
    if username:
        user = active_user_by_username(str(username).strip()[:150])
        if user is None:
            raise DomainError("invalid", _("账号不存在"), field="username")
        if Designer.objects.filter(user=user).exists():
            raise Conflict("invalid", _("该账号已登记为设计师"))
        d.user = user
    nodes = _streets(streets, region.path)
    d.save()
    d.streets.set(nodes)
    record_audit(actor=actor, action="projects.designer_add", target=d, region_path=d.region_path,
                 changes={"name": d.name, "streets": [n.path for n in nodes]})
    return d


@transaction.atomic
def set_designer_active(*, actor: Any, designer: Designer, active: bool) -> Designer:
    designer = Designer.objects.select_for_update().get(pk=designer.pk)
    require(actor, "projects.designers", designer)
    designer.active = bool(active)
    designer.save(update_fields=["active"])
    record_audit(actor=actor, action="projects.designer_active", target=designer, region_path=designer.region_path,
                 changes={"active": designer.active})
    return designer


# ---------------------------------------------------------------- calls (征集)

def _area(node: Any) -> Any:
    if node is None or getattr(node, "level", "") not in ("street", "community"):
        raise DomainError(Code.NOT_AREA, _("征集由街道或社区发起"), field="region")
    return node


@transaction.atomic
def open_call(*, actor: Any, region: Any, title: str, description: str, budget: Any, ideas_until: dt.date,
              vote_mode: str = VoteMode.APPROVAL, max_choices: int = 0, body_id: int | None = None,
              cap_services: Any = None, cap_works: Any = None) -> Call:
    region = _area(region)
    call = Call(region=region, region_path=region.path, title=_text(title, "title", _("名称"), high=100),
                description=_text(description, "description", _("说明"), low=10, high=4000, multiline=True),
                budget=_money(budget, "budget", _("总预算")), created_by=actor)
    require(actor, "projects.manage", call)
    if cap_services not in (None, ""):
        call.cap_services = _money(cap_services, "cap_services", _("服务和货物类单项上限"))
    if cap_works not in (None, ""):
        call.cap_works = _money(cap_works, "cap_works", _("工程类单项上限"))
    today = timezone.localdate()
    if not isinstance(ideas_until, dt.date) or not today <= ideas_until <= today + dt.timedelta(days=366):
        raise DomainError("invalid", _("创意征集截止日期须在今天至一年内"), field="ideas_until")
    call.ideas_until = ideas_until
    if vote_mode not in VoteMode.values:
        raise DomainError("invalid", _("请选择居民投票方式"), field="vote_mode")
    call.vote_mode = vote_mode
    if not isinstance(max_choices, int) or not 0 <= max_choices <= MAX_CHOICES:
        raise DomainError("invalid", _("每人最多选择项数须在0至50之间"), field="max_choices")
    call.max_choices = max_choices if vote_mode == VoteMode.APPROVAL else 0
    if body_id:
        body = consultation.active_body(body_id, region.path)
        if body is None:
            raise DomainError("invalid", _("评审机构须为本区域内有效的协商议事机构"), field="body")
        call.body_id, call.body_name = body.pk, body.name
    call.number = _number("WSS", "projects-call")
    call.save()
    _event(call, "open", actor, call.title)
    record_audit(actor=actor, action="projects.call_open", target=call, region_path=call.region_path,
                 changes={"budget": str(call.budget), "vote_mode": call.vote_mode, "ideas_until": ideas_until.isoformat()})
    return call


def _pending(call: Call, statuses: Iterable[str]) -> int:
    return call.projects.filter(status__in=list(statuses)).count()


@transaction.atomic
def close_ideas(*, actor: Any, call: Call) -> Call:
    """截止征集: no more ideas; designers draw up those taken forward."""
    call = _lock_call(call)
    require(actor, "projects.manage", call)
    CALL_LIFECYCLE.apply(call, CallAction.DESIGN, actor=actor, lock=False)
    call.save()
    return call


@transaction.atomic
def start_review(*, actor: Any, call: Call) -> Call:
    """评审: every idea taken forward has its design in (or was set aside by the body)."""
    call = _lock_call(call)
    require(actor, "projects.manage", call)
    CALL_LIFECYCLE.require(call.status, CallAction.REVIEW)
    waiting = _pending(call, (Status.IDEA, Status.DESIGNING))
    if waiting:
        raise Conflict(Code.PENDING_REVIEW, _("还有%(n)d个创意未提交设计方案(或未经评审搁置)") % {"n": waiting})
    if not call.projects.filter(status=Status.DESIGNED).exists():
        raise Conflict(Code.NO_SHORTLIST, _("没有待评审的设计方案"))
    CALL_LIFECYCLE.apply(call, CallAction.REVIEW, actor=actor, lock=False)
    call.save()
    return call


def _shortlist_ready(call: Call) -> None:
    waiting = _pending(call, OPEN_IDEAS)
    if waiting:
        raise Conflict(Code.PENDING_REVIEW, _("还有%(n)d个设计方案未作评审结论") % {"n": waiting})
    if not call.projects.filter(status=Status.SHORTLISTED).exists():
        raise Conflict(Code.NO_SHORTLIST, _("没有入围项目"))


@transaction.atomic
def start_vote(*, actor: Any, call: Call, opens: dt.datetime, closes: dt.datetime) -> Call:
    """居民投票 on the shortlist, between ``opens`` and ``closes`` (at most 60 days)."""
    call = _lock_call(call)
    require(actor, "projects.manage", call)
    CALL_LIFECYCLE.require(call.status, CallAction.VOTE)
    if call.vote_mode == VoteMode.NONE:
        raise Conflict(Code.NOT_VOTING, _("该征集不设居民投票，评审后直接公布"))
    _shortlist_ready(call)
    now = timezone.now()
    if not isinstance(opens, dt.datetime) or not isinstance(closes, dt.datetime) or timezone.is_naive(opens) or timezone.is_naive(closes):
        raise DomainError("invalid", _("请填写投票起止时间"), field="vote_opens")
    if closes <= opens or closes <= now or closes - opens > dt.timedelta(days=60) or opens > now + dt.timedelta(days=60):
        raise DomainError("invalid", _("投票截止须晚于开始和现在，且投票期不超过60天"), field="vote_closes")
    call.vote_opens, call.vote_closes = opens, closes
    CALL_LIFECYCLE.apply(call, CallAction.VOTE, actor=actor, lock=False,
                         changes={"opens": opens.isoformat(), "closes": closes.isoformat()})
    call.save()
    for p in call.projects.filter(status=Status.SHORTLISTED):
        tell(p, fill(_("您关注的创意“%(t)s”已入围，居民投票 %(o)s 至 %(c)s"), {
            "t": p.title, "o": timezone.localtime(opens).strftime("%m-%d %H:%M"),
            "c": timezone.localtime(closes).strftime("%m-%d %H:%M")}))
    return call


@transaction.atomic
def cancel_call(*, actor: Any, call: Call, reason: str) -> Call:
    call = _lock_call(call)
    require(actor, "projects.manage", call)
    reason = _text(reason, "reason", _("取消原因"), low=4, high=300)
    CALL_LIFECYCLE.apply(call, CallAction.CANCEL, actor=actor, lock=False, note=reason)
    call.cancel_reason = reason
    call.save()
    for p in call.projects.exclude(status=Status.WITHDRAWN):
        tell(p, fill(_("微实事征集“%(c)s”已取消：%(r)s"), {"c": call.title, "r": reason}))
    return call


# ---------------------------------------------------------------- ideas (创意)

def _idea_open(call: Call, today: dt.date) -> None:
    if call.status != CallStatus.IDEAS or today > call.ideas_until:
        raise Conflict(Code.IDEAS_CLOSED, _("该征集已截止创意征集"))
    if call.projects.count() >= MAX_IDEAS_PER_CALL:
        raise Conflict(Code.IDEAS_CLOSED, _("该征集的创意已达上限"))


def _public_name(user: Any) -> str:
    from linli.core.masking import mask_name

    resident = getattr(user, "resident", None)
    return mask_name(resident.name) if resident is not None else str(_("居民"))


def _community_of_path(call: Call, path: str) -> Any:
    node = regions.node_by_code_or_path(path[:12], level="community")
    if node is None or not node.path.startswith(call.region_path):
        raise DomainError("invalid", _("请选择本次征集范围内的社区"), field="community")
    return node


@transaction.atomic
def propose(*, actor: Any, call: Call, title: str, description: str, kind: str, location: str = "",
            community: Any = None, on_behalf_of: str = "") -> Project:
    """An idea: a resident's own (his community), or one the desk records (for a resident who
    brought it on paper, ``on_behalf_of`` his name, logged as entered on his behalf; or the
    community's own)."""
    call = _lock_call(call)
    today = timezone.localdate()
    staff = actor.has_perm("projects.desk", call) or (
        community is not None and actor.has_perm("projects.desk", community) and community.path.startswith(call.region_path))
    if staff:
        where = _community_of_path(call, getattr(community, "path", "") or "")
    else:
        require(actor, "projects.propose", call)
        where = _community_of_path(call, actor.resident.region_path or "")
        ratelimit.hit("proposal", actor)
    _idea_open(call, today)
    if kind not in Kind.values:
        raise DomainError("invalid", _("请选择项目类别"), field="kind")
    p = Project(call=call, community=where, region_path=where.path, kind=kind,
                title=_text(title, "title", _("项目名称"), low=4, high=100),
                description=_text(description, "description", _("创意说明"), low=10, high=4000, multiline=True),
                location=clean_text(location, collapse=True, limit=120))
    if not staff:
        p.source, p.proposer, p.proposer_name = Source.RESIDENT, actor, _public_name(actor)
    elif on_behalf_of:
        from linli.core.masking import mask_name

        p.source, p.entered_by = Source.OFFLINE, actor
        p.proposer_name = mask_name(_text(on_behalf_of, "on_behalf_of", _("提出人姓名"), high=50))
    else:
        p.source, p.entered_by, p.proposer_name = Source.STAFF, actor, where.name
    p.number = _number("WSX", "projects-project")
    p.save()
    _event(call, "propose", actor, p.title, project=p, public=True)
    record_audit(actor=actor, action="projects.propose", target=p, region_path=p.region_path,
                 changes={"call": call.number, "source": p.source, "kind": p.kind})
    if p.proposer_id:
        Follower.objects.get_or_create(project=p, user=actor)
    _tell_staff(call, fill(_("微实事征集“%(c)s”收到新创意：%(t)s"), {"c": call.title, "t": p.title}), p)
    return p


@transaction.atomic
def from_resolution(*, actor: Any, call: Call, resolution_id: int, kind: str, description: str = "") -> Project:
    """A consultation resolution “列入微实事项目” becomes an idea of a call of its area; the resolution
    then follows the project (listed, chosen, progress, done or not feasible)."""
    call = _lock_call(call)
    require(actor, "projects.manage", call)
    _idea_open(call, timezone.localdate())
    r = consultation.project_resolution(resolution_id)
    if r is None or not r.region_path.startswith(call.region_path):
        raise DomainError("invalid", _("请选择本区域内落实方式为“列入微实事项目”且尚在落实的协商事项"), field="resolution")
    if Project.objects.filter(resolution_id=r.pk).exists():
        raise Conflict(Code.ALREADY_LINKED, _("该协商事项已列入微实事项目"))
    if kind not in Kind.values:
        raise DomainError("invalid", _("请选择项目类别"), field="kind")
    topic = r.topic
    text = clean_text(description, multiline=True, limit=4000) or fill(_("议题“%(t)s”协商意见：%(o)s"), {
        "t": topic.title, "o": topic.outcome})[:4000]
    p = Project(call=call, community=topic.community, region_path=r.region_path, kind=kind, title=r.title[:100],
                description=text, source=Source.TOPIC, entered_by=actor, resolution_id=r.pk, topic_number=topic.number,
                proposer=topic.proposer, proposer_name=topic.proposer_name or topic.community.name)
    p.number = _number("WSX", "projects-project")
    p.save()
    _event(call, "propose", actor, fill(_("议事协商 %(n)s 转入"), {"n": topic.number}), project=p)
    record_audit(actor=actor, action="projects.from_resolution", target=p, region_path=p.region_path,
                 changes={"resolution": r.pk, "topic": topic.number})
    consultation_services.project_moved(resolution_id=r.pk, actor=actor, step="progress", percent=5, project_number=p.number,
                                        note=fill(_("列入微实事征集“%(c)s”"), {"c": call.title}))
    return p


def _follow_resolution(p: Project, actor: Any, step: str, note: str, percent: int = 0) -> None:
    if p.resolution_id:
        consultation_services.project_moved(resolution_id=p.resolution_id, actor=actor, step=step, note=note,
                                            percent=percent, project_number=p.number)


@transaction.atomic
def withdraw(*, actor: Any, project: Project) -> Project:
    project = _lock(project)
    require(actor, "projects.withdraw", project)
    LIFECYCLE.apply(project, Action.WITHDRAW, actor=actor, lock=False)
    project.save()
    return project


@transaction.atomic
def follow(*, actor: Any, project: Project) -> bool:
    require(actor, "projects.follow", project)
    _row, created = Follower.objects.get_or_create(project=project, user=actor)
    return created


def unfollow(*, actor: Any, project: Project) -> None:
    Follower.objects.filter(project=project, user=actor).delete()


# ---------------------------------------------------------------- designs (设计方案)

@transaction.atomic
def assign_designer(*, actor: Any, project: Project, designer_id: int) -> Project:
    """A designer of the registry who serves the project's street draws it up."""
    project = _lock(project)
    require(actor, "projects.manage", project)
    if project.call.status not in (CallStatus.IDEAS, CallStatus.DESIGN):
        raise Conflict("illegal_transition", _("方案设计阶段已结束"))
    designer = Designer.objects.filter(pk=designer_id, active=True, streets__path=project.region_path[:9]).first() \
        if isinstance(designer_id, int) else None
    if designer is None:
        raise DomainError(Code.DESIGNER_AREA, _("请选择在册且服务本街道的社区设计师"), field="designer")
    LIFECYCLE.apply(project, Action.ASSIGN, actor=actor, lock=False, changes={"designer": designer.name})
    project.designer = designer
    project.save()
    designer_user = designer.user_id
    if designer_user is not None:
        transaction.on_commit(lambda: send(_users([designer_user]), "projects.desk", text=fill(
            _("请为微实事创意“%(t)s”提交设计方案"), {"t": project.title}), target=project,
            link=reverse("projects:design", args=[project.pk])))
    tell(project, fill(_("创意“%(t)s”已由社区设计师%(d)s(%(o)s)设计"), {"t": project.title, "d": designer.name,
                                                                   "o": designer.organisation}))
    return project


@transaction.atomic
def submit_design(*, actor: Any, project: Project, design: str, cost: Any, schedule_days: int,
                  drawings: tuple[str, bytes] | None = None) -> Project:
    """The design: what will be built or bought, its cost within the cap for its kind, its
    schedule; drawings (PDF or image) are required for works."""
    project = _lock(project)
    require(actor, "projects.design", project)
    if project.call.status not in (CallStatus.IDEAS, CallStatus.DESIGN, CallStatus.REVIEW):
        raise Conflict("illegal_transition", _("方案设计阶段已结束"))
    LIFECYCLE.require(project.status, Action.DESIGN)
    cap = project.call.cap_for(project.kind)
    amount = _money(cost, "cost", _("预算"))
    if amount > cap:
        raise DomainError(Code.OVER_CAP, _("%(k)s项目单项预算不超过%(c)s元") % {"k": project.get_kind_display(), "c": yuan(cap)},
                          field="cost")
    if amount > project.call.budget:
        raise DomainError(Code.OVER_BUDGET, _("项目预算超过征集总预算"), field="cost")
    if not isinstance(schedule_days, int) or not 1 <= schedule_days <= 730:
        raise DomainError("invalid", _("工期须在1至730天之间"), field="schedule_days")
    text = _text(design, "design", _("设计方案"), low=20, high=4000, multiline=True)
    if drawings is not None:
        name, data = named_document(drawings[0], drawings[1], field="drawings")
        from django.core.files.base import ContentFile

        if project.drawings:
            project.drawings.delete(save=False)
        project.drawings.save(name, ContentFile(data), save=False)
    if project.kind == Kind.WORKS and not project.drawings:
        raise DomainError(Code.NO_DESIGN, _("工程类项目须上传设计图纸"), field="drawings")
    LIFECYCLE.apply(project, Action.DESIGN, actor=actor, lock=False, changes={"cost": str(amount), "days": schedule_days})
    project.design, project.cost, project.schedule_days, project.designed_at = text, amount, schedule_days, timezone.now()
    project.save()
    _tell_staff(project.call, fill(_("微实事“%(t)s”设计方案已提交，待评审"), {"t": project.title}), project)
    tell(project, fill(_("创意“%(t)s”的设计方案已提交：预算 %(c)s 元，工期 %(d)d 天"), {
        "t": project.title, "c": yuan(amount), "d": schedule_days}), skip=actor)
    return project


@transaction.atomic
def record_review(*, actor: Any, project: Project, decision: str, opinion: str, meeting_on: dt.date,
                  votes_for: int = 0, votes_against: int = 0, votes_abstain: int = 0) -> Review:
    """The consultation body's decision on a design, recorded with its vote and opinion:
    入围 (a designed project), 退回修改 (back to the designer), 未入围 (also an idea the body sets aside)."""
    project = _lock(project)
    require(actor, "projects.manage", project)
    call = project.call
    if call.status not in (CallStatus.DESIGN, CallStatus.REVIEW):
        raise Conflict("illegal_transition", _("征集不在设计或评审阶段"))
    action = {str(Review.Decision.SHORTLIST): Action.SHORTLIST, str(Review.Decision.REJECT): Action.REJECT,
              str(Review.Decision.REVISE): Action.REVISE}.get(str(decision))
    if action is None:
        raise DomainError("invalid", _("请选择评审结论"), field="decision")
    LIFECYCLE.require(project.status, action)
    opinion = _text(opinion, "opinion", _("评审意见"), low=4, high=1000, multiline=True)
    today = timezone.localdate()
    if not isinstance(meeting_on, dt.date) or meeting_on > today or meeting_on < today - dt.timedelta(days=90):
        raise DomainError("invalid", _("评审日期须在近90天内且不晚于今天"), field="meeting_on")
    counts = [votes_for, votes_against, votes_abstain]
    if any(not isinstance(n, int) or not 0 <= n <= 500 for n in counts):
        raise DomainError("invalid", _("表决人数须在0至500之间"), field="votes_for")
    if action == Action.SHORTLIST and votes_for <= votes_against:
        raise DomainError("invalid", _("入围须赞成多于反对"), field="votes_for")
    row = Review.objects.create(project=project, region_path=project.region_path,
                                body_name=call.body_name or str(_("协商议事会")), decision=decision, votes_for=votes_for,
                                votes_against=votes_against, votes_abstain=votes_abstain, opinion=opinion,
                                meeting_on=meeting_on, recorded_by=actor)
    LIFECYCLE.apply(project, action, actor=actor, lock=False, note=opinion, changes={"votes": counts})
    project.save()
    label = Review.Decision(decision).label
    tell(project, fill(_("“%(t)s”评审结论：%(d)s。%(o)s"), {"t": project.title, "d": str(label), "o": opinion}))
    if project.resolution_id and action == Action.REJECT:
        _follow_resolution(project, actor, "infeasible", fill(_("未通过评审：%(o)s"), {"o": opinion}))
    return row


# ---------------------------------------------------------------- the vote (居民投票)

def _choices(call: Call, project_ids: Iterable[Any]) -> list[Project]:
    try:
        ids = sorted({int(i) for i in project_ids})
    except (TypeError, ValueError):
        raise DomainError(Code.BAD_CHOICE, _("所选项目无效"), field="projects") from None
    if not ids:
        raise DomainError(Code.BAD_CHOICE, _("请至少选择一个项目"), field="projects")
    if len(ids) > MAX_CHOICES:
        raise DomainError(Code.BAD_CHOICE, _("所选项目过多"), field="projects")
    found = list(Project.objects.filter(call=call, pk__in=ids, status=Status.SHORTLISTED))
    if len(found) != len(ids):
        raise DomainError(Code.BAD_CHOICE, _("只能选择本次投票的入围项目"), field="projects")
    if call.vote_mode == VoteMode.APPROVAL and call.max_choices and len(found) > call.max_choices:
        raise DomainError(Code.BAD_CHOICE, _("每人最多选择%(n)d项") % {"n": call.max_choices}, field="projects")
    total = sum((p.cost or Decimal(0) for p in found), Decimal(0))
    if call.vote_mode == VoteMode.KNAPSACK and total > call.budget:
        raise DomainError(Code.OVER_BUDGET, _("所选项目合计 %(t)s 元，超过预算 %(b)s 元") % {
            "t": yuan(total), "b": yuan(call.budget)}, field="projects")
    return found


def _cast(call_pk: int, *, resident: Any, project_ids: Iterable[Any], user: Any, channel: str, entered_by: Any = None,
          slip: str = "", now: dt.datetime | None = None) -> Ballot:
    now = now or timezone.now()
    state = voting.share_lock(Call, call_pk, ["status", "vote_opens", "vote_closes"])
    if state is None:
        raise NotFound("not_found", _("征集不存在"))
    status, opens, closes = state
    if status != CallStatus.VOTING or opens is None or not opens <= now < closes:
        raise Conflict(Code.NOT_VOTING, _("当前不在投票时间内"))
    call = Call.objects.get(pk=call_pk)
    if resident is None or resident.moved_out is not None or not (resident.region_path or "").startswith(call.region_path):
        raise DomainError(Code.NOT_RESIDENT, _("只有本区域的居民可以投票"), field="resident")
    chosen = _choices(call, project_ids)
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(call=call, resident_id=resident.pk, user=user, channel=channel, entered_by=entered_by,
                                           slip=slip, total=sum((p.cost or Decimal(0)) for p in chosen))
    except IntegrityError:
        if slip and Ballot.objects.filter(call=call, slip=slip).exists():
            raise Conflict(Code.ALREADY_VOTED, _("该编号的纸质选票已登记")) from None
        raise Conflict(Code.ALREADY_VOTED, _("该居民已投票(每人一票，网上和纸质选票合并计算)")) from None
    ballot.projects.set(chosen)
    # the projects' counts (rows the call's share lock does not cover, updated in id order); the
    # call's own count is taken when the list is published — an update of the call row here would
    # deadlock two ballots that both hold its share lock
    Project.objects.filter(pk__in=[p.pk for p in chosen]).update(votes=F("votes") + 1)
    return ballot


@transaction.atomic
def vote(*, actor: Any, call: Call, project_ids: Iterable[Any], now: dt.datetime | None = None) -> Ballot:
    """A resident's online vote: once, whichever channel came first."""
    require(actor, "projects.vote", call)
    ballot = _cast(call.pk, resident=actor.resident, project_ids=project_ids, user=actor, channel=Ballot.Channel.ONLINE, now=now)
    record_audit(actor=actor, action="projects.vote", target=call, region_path=call.region_path, changes={"channel": "online"})
    return ballot


@transaction.atomic
def record_paper(*, actor: Any, call: Call, id_number: str, project_ids: Iterable[Any], slip: str,
                 now: dt.datetime | None = None) -> Ballot:
    """A paper ballot (纸质选票), entered by the desk: the voter found by ID number; refused if he
    has voted already (on his phone or on another slip)."""
    from linli.accounts.selectors import has_role

    from .rules import DESK_ROLES

    if not has_role(actor, DESK_ROLES):
        raise PermissionDenied("forbidden", _("您无权办理该事项"))
    slip = voting.normalise_slip(str(slip or ""))[:20]
    if len(slip) < 4:
        raise DomainError("invalid", _("请填写纸质选票编号"), field="slip")
    resident = regions.resident_by_id_number(str(id_number or "").strip().upper()[:18])
    # the desk of the call's area, or of the voter's own community (a street's call, a community's desk)
    if resident is None or not (actor.has_perm("projects.desk", call) or actor.has_perm("projects.desk", resident)):
        raise DomainError(Code.NOT_RESIDENT, _("未找到该身份证号的居民(或不在您的范围内)"), field="id_number")
    ballot = _cast(call.pk, resident=resident, project_ids=project_ids, user=None, channel=Ballot.Channel.PAPER,
                   entered_by=actor, slip=slip, now=now)
    _event(call, "paper", actor, slip, public=False)
    record_audit(actor=actor, action="projects.paper_ballot", target=call, region_path=call.region_path,
                 changes={"slip": slip})
    return ballot


# ---------------------------------------------------------------- the chosen list (公布选定项目)

def select(call: Call, projects: list[Project]) -> list[Project]:
    """The chosen projects: by votes (by the body's votes when there was no residents' vote), then
    the cheaper, then the earlier; each is taken if it still fits the budget (the greedy rule of
    participatory budgeting: a project that does not fit is passed over, the next may fit)."""
    def key(p: Project) -> tuple[Any, ...]:
        score = p.votes if call.vote_mode != VoteMode.NONE else max((r.votes_for for r in p.reviews.all()), default=0)
        return (-score, p.cost or Decimal(0), p.pk)

    left, chosen = call.budget, []
    for p in sorted(projects, key=key):
        if p.cost is not None and p.cost <= left:
            chosen.append(p)
            left -= p.cost
    return chosen


def chosen_text(call: Call) -> str:
    lines = [fill(_("%(c)s(%(n)s)总预算 %(b)s 元，"), {"c": call.title, "n": call.number, "b": yuan(call.budget)})
             + (fill(_("居民投票 %(v)d 人。"), {"v": call.ballots}) if call.vote_mode != VoteMode.NONE else str(_("经协商评审。"))),
             "", str(_("选定项目："))]
    for i, p in enumerate(call.projects.filter(status__in=[Status.CHOSEN, *RUNNING, *FINISHED]).order_by("-votes", "id"), 1):
        lines.append(fill(_("%(i)d. %(t)s(%(k)s，%(w)s)预算 %(c)s 元，工期 %(d)d 天%(v)s"), {
            "i": i, "t": p.title, "k": p.get_kind_display(), "w": p.community.name, "c": yuan(p.cost), "d": p.schedule_days or 0,
            "v": fill(_("，得票 %(v)d"), {"v": p.votes}) if call.vote_mode != VoteMode.NONE else ""}))
    lines += ["", fill(_("合计 %(t)s 元。"), {"t": yuan(call.chosen_total)})]
    others = list(call.projects.filter(status=Status.NOT_CHOSEN).order_by("-votes", "id"))
    if others:
        lines += ["", str(_("未选定的入围项目："))]
        lines += [fill(_("%(t)s(预算 %(c)s 元%(v)s)"), {"t": p.title, "c": yuan(p.cost), "v": fill(
            _("，得票 %(v)d"), {"v": p.votes}) if call.vote_mode != VoteMode.NONE else ""}) for p in others]
    return "\n".join(lines)


@transaction.atomic
def choose(*, actor: Any, call: Call, now: dt.datetime | None = None) -> Any:
    """公布: after the vote closes (or after the review when there is no vote), the chosen list is
    computed within the budget, each project learns its fate and is due ``schedule_days`` later, and
    the list is disclosed on the area's notice board."""
    call = _lock_call(call)
    require(actor, "projects.manage", call)
    CALL_LIFECYCLE.require(call.status, CallAction.CHOOSE)
    now = now or timezone.now()
    if call.status == CallStatus.REVIEW and call.vote_mode != VoteMode.NONE:
        raise Conflict(Code.NOT_VOTING, _("该征集须经居民投票后公布"))
    if call.status == CallStatus.VOTING and call.vote_closes and now < call.vote_closes:
        raise Conflict(Code.NOT_VOTING, _("投票尚未截止"))
    _shortlist_ready(call)
    call.ballots = Ballot.objects.filter(call=call).count()  # final: every ballot under way has committed
    shortlist = list(call.projects.filter(status=Status.SHORTLISTED).prefetch_related("reviews").select_related("community"))
    chosen = select(call, shortlist)
    chosen_ids = {p.pk for p in chosen}
    today = timezone.localdate()
    CALL_LIFECYCLE.apply(call, CallAction.CHOOSE, actor=actor, lock=False,
                         changes={"chosen": [p.number for p in chosen], "ballots": call.ballots})
    for p in shortlist:
        p = _lock(p)
        if p.pk in chosen_ids:
            LIFECYCLE.apply(p, Action.CHOOSE, actor=actor, lock=False, changes={"votes": p.votes})
            p.due_on = today + dt.timedelta(days=p.schedule_days or 30)
            p.owner = p.owner or (p.designer.organisation if p.designer is not None else "")
            p.save()
            tell(p, fill(_("“%(t)s”已选定实施，计划 %(d)s 前完成"), {"t": p.title, "d": p.due_on.isoformat()}))
            _follow_resolution(p, actor, "progress", str(_("已选定实施")), 20)
        else:
            LIFECYCLE.apply(p, Action.NOT_CHOOSE, actor=actor, lock=False, changes={"votes": p.votes})
            p.save()
            tell(p, fill(_("“%(t)s”未选定(预算内按得票排序)"), {"t": p.title}))
            _follow_resolution(p, actor, "infeasible", str(_("未选定(预算内按得票排序)")))
    call.chosen_total = sum((p.cost or Decimal(0)) for p in chosen)
    call.chosen_at = now
    d = disclosures.publish(actor=actor, kind="projects.chosen", region=call.region,
                            title=fill(_("微实事选定项目公示：%(t)s"), {"t": call.title})[:100], content=chosen_text(call),
                            source=call, source_label=call.number, source_url=call_url(call))
    call.disclosure_id = d.pk
    call.save()
    _event(call, "disclose", actor, d.title)
    return d


# ---------------------------------------------------------------- execution (实施)

@transaction.atomic
def progress(*, actor: Any, project: Project, percent: int, note: str, owner: str = "") -> Project:
    project = _lock(project)
    require(actor, "projects.desk", project)
    if not isinstance(percent, int) or not 0 <= percent <= 99:
        raise DomainError("invalid", _("进度须在0至99之间(完成请点“完成”)"), field="percent")
    note = _text(note, "note", _("进展情况"), low=4, high=1000, multiline=True)
    if owner:
        project.owner = _text(owner, "owner", _("实施单位"), high=100)
    before, project.progress = project.progress, percent  # the timeline shows the new percentage
    LIFECYCLE.apply(project, Action.PROGRESS, actor=actor, lock=False, note=note, changes={"progress": [before, percent]})
    project.save()
    tell(project, fill(_("“%(t)s”进度 %(p)d%%：%(n)s"), {"t": project.title, "p": percent, "n": note}))
    _follow_resolution(project, actor, "progress", note, max(20, percent))
    return project


@transaction.atomic
def add_photo(*, actor: Any, project: Project, phase: str, data: bytes, caption: str = "") -> Photo:
    """A photo of the site before, during or after the works (metadata stripped)."""
    project = _lock(project)
    require(actor, "projects.desk", project)
    if project.status not in (*RUNNING, Status.DONE):
        raise Conflict("illegal_transition", _("选定实施的项目方可上传现场照片"))
    if phase not in Photo.Phase.values:
        raise DomainError("invalid", _("请选择照片阶段"), field="phase")
    if project.photos.count() >= MAX_PHOTOS:
        raise DomainError("invalid", _("每个项目最多%(n)d张照片") % {"n": MAX_PHOTOS}, field="photo")
    clean, ext, content_type = clean_image(data, field="photo")
    from django.core.files.base import ContentFile

    row = Photo(project=project, phase=phase, content_type=content_type, by=actor,
                caption=clean_text(caption, collapse=True, limit=200))
    row.file.save(f"photo.{ext}", ContentFile(clean), save=False)
    row.save()
    phase = str(row.get_phase_display())
    note = fill(_("%(p)s照片：%(c)s"), {"p": phase, "c": row.caption}) if row.caption else fill(_("%(p)s照片"), {"p": phase})
    _event(project.call, "photo", actor, note, project=project)
    return row


def _close_call_if_done(call: Call, actor: Any) -> None:
    call = _lock_call(call)
    if call.status != CallStatus.CHOSEN or call.projects.filter(status__in=RUNNING).exists():
        return
    CALL_LIFECYCLE.apply(call, CallAction.CLOSE, actor=actor, lock=False)
    call.save()


@transaction.atomic
def finish(*, actor: Any, project: Project, note: str) -> Project:
    """完成: with photos of the site before and after; residents of the area are asked to rate it."""
    project = _lock(project)
    require(actor, "projects.desk", project)
    LIFECYCLE.require(project.status, Action.FINISH)
    phases = set(project.photos.values_list("phase", flat=True))
    if not {Photo.Phase.BEFORE, Photo.Phase.AFTER} <= phases:
        raise Conflict(Code.NO_PHOTOS, _("请先上传实施前和完成后的现场照片"))
    note = _text(note, "note", _("完成情况"), low=4, high=1000, multiline=True)
    project.progress, project.done_at = 100, timezone.now()
    LIFECYCLE.apply(project, Action.FINISH, actor=actor, lock=False, note=note)
    project.save()
    tell(project, fill(_("“%(t)s”已完成：%(n)s。请您对项目成效作出评价"), {"t": project.title, "n": note}))
    _follow_resolution(project, actor, "finish", note)
    _close_call_if_done(project.call, actor)
    return project


@transaction.atomic
def infeasible(*, actor: Any, project: Project, reason: str) -> Project:
    """无法实施: the reason is published on the project and told to its proposer and followers."""
    project = _lock(project)
    require(actor, "projects.manage", project)
    reason = _text(reason, "reason", _("无法实施的原因"), low=10, high=1000, multiline=True)
    LIFECYCLE.apply(project, Action.INFEASIBLE, actor=actor, lock=False, note=reason)
    project.infeasible_reason = reason
    project.save()
    tell(project, fill(_("“%(t)s”无法实施，原因：%(r)s"), {"t": project.title, "r": reason}))
    _follow_resolution(project, actor, "infeasible", reason)
    _close_call_if_done(project.call, actor)
    return project


# ---------------------------------------------------------------- rating (成效评价)

@transaction.atomic
def rate(*, actor: Any, project: Project, rating: int, comment: str = "") -> Rating:
    """成效评价 of a completed project, one per person and round; a bad rating opens the follow-up
    (core.followups), whose answer may reopen the works."""
    project = _lock(project)
    require(actor, "projects.rate", project)
    if project.status != Status.DONE:
        raise Conflict(Code.NOT_COMPLETED, _("项目完成后方可评价"))
    if rating not in RATING_LABELS:
        raise DomainError("invalid", _("请选择评价等级"), field="rating")
    try:
        with transaction.atomic():
            row = Rating.objects.create(project=project, user=actor, rating=rating, round=project.rating_round,
                                        comment=clean_text(comment, multiline=True, limit=500))
    except IntegrityError:
        raise Conflict(Code.ALREADY_RATED, _("您已评价过")) from None
    _event(project.call, "rate", actor, str(RATING_LABELS[rating]), project=project, public=False)
    task, opened = followups.open_for(project, rating=rating, region_path=project.region_path, round=project.rating_round)
    if opened and task is not None:
        _tell_staff(project.call, fill(_("微实事“%(t)s”收到差评，请于 %(d)s 前回访整改"), {
            "t": project.title, "d": task.due_date.isoformat()}), project)
    return row


@transaction.atomic
def answer_follow_up(*, actor: Any, project: Project, answer: str, reopen: bool = False) -> Any:
    task = followups.task_of(project)
    if task is None:
        raise NotFound("not_found", _("没有待回访的评价"))
    done = followups.answer(actor=actor, task=task, text=answer, reopen=reopen, can_reopen=True,
                            may_answer=lambda user, path: user.has_perm("projects.manage", project))
    record_audit(actor=actor, action="projects.follow_up", target=project, region_path=project.region_path,
                 changes={"reopen": bool(reopen)})
    if reopen:
        project = _lock(project)
        LIFECYCLE.apply(project, Action.REOPEN, actor=actor, lock=False, note=done.answer)
        project.rating_round += 1
        project.done_at = None
        project.due_on = max(project.due_on or timezone.localdate(), timezone.localdate() + dt.timedelta(days=30))
        project.save()
        tell(project, fill(_("“%(t)s”根据评价重新整改：%(a)s"), {"t": project.title, "a": done.answer}))
    else:
        tell(project, fill(_("“%(t)s”的评价已回访：%(a)s"), {"t": project.title, "a": done.answer}))
    return done


# ---------------------------------------------------------------- the supervision clock

def clock_told(items: list[Any], level: int) -> dict[int, list[Any]]:
    return consultation_services.clock_told(items, level)


def _clock_text(kind: str, level: int, actor: Any, note: str, p: Project) -> str:
    what = fill(_("微实事项目“%(t)s”"), {"t": p.title})
    if kind == "urge":
        who = getattr(actor, "display_name", "") or getattr(actor, "username", "")
        return fill(_("%(who)s督办：%(w)s：%(t)s"), {"who": who, "w": what, "t": note})
    if kind == "warn":
        return fill(_("%(w)s将于 %(d)s 到期，请抓紧办理"), {"w": what, "d": p.due_on.isoformat() if p.due_on else ""})
    return fill(_("%(w)s已超过期限，%(l)s"), {"w": what, "l": supervision.level_name(level)})


def clock_notify(pairs: list[tuple[Project, list[Any]]], *, kind: str, level: int, actor: Any = None, note: str = "") -> None:
    send_many("projects.supervision", [(u, _clock_text(kind, level, actor, note, p), p,
                                        reverse("projects:staff_detail", args=[p.pk])) for p, users in pairs for u in users])


def clock_timeline(items: list[Project], *, kind: str, level: int, actor: Any = None, note: str = "") -> None:
    label = {"warn": _("临近期限提醒"), "urge": _("督办")}.get(kind) or supervision.level_name(level)
    Event.objects.bulk_create([Event(call_id=p.call_id, project=p, action=f"clock_{kind}", actor=actor if getattr(actor, "pk", None) else None,
                                     note=fill(_("%(l)s：%(n)s"), {"l": str(label), "n": note}) if note else str(label), public=False)
                               for p in items])


def clock_handlers(project: Project) -> list[Any]:
    return _staff_of(project.region_path)


def urge(*, actor: Any, obj: Any, note: str) -> Any:
    return supervision.urge(actor=actor, obj=obj, note=note)
