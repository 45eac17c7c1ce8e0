"""Every write of community consultation. Each action checks the rule, moves the object through
its lifecycle (``states``), writes the timeline and the audit row in the same transaction, and
tells the proposer, the supporters and the followers after the commit: the heart of it is that
whoever proposed or supported a topic hears of every step until the result is rated."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.roles import Role
from linli.accounts.selectors import holders_by_path
from linli.core import calendar, followups, ratelimit, supervision
from linli.core.audit import record_audit
from linli.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from linli.core.images import named_document
from linli.core.numbers import next_value
from linli.core.ratings import RATING_LABELS
from linli.core.text import clean_text, fill
from linli.disclosures import services as disclosures
from linli.messaging.services import send, send_many
from linli.notices import services as notices
from linli.regions import selectors as regions
from linli.workorders import selectors as workorders
from linli.workorders import services as workorder_services

from .errors import Code
from .models import (
    IN_PERSON,
    Attendance,
    Body,
    BodyMember,
    Comment,
    Event,
    Follower,
    Form,
    Matter,
    Meeting,
    Rating,
    Resolution,
    ResolutionKind,
    ResolutionOrder,
    Settings,
    Source,
    Support,
    Topic,
)
from .states import (
    COMMENT_LIFECYCLE,
    LIFECYCLE,
    MEETING_LIFECYCLE,
    OPEN_FOR_ANSWER,
    RESOLUTION_LIFECYCLE,
    RUNNING,
    Action,
    CommentAction,
    MeetingAction,
    MeetingStatus,
    ResolutionAction,
    ResolutionStatus,
    Status,
)

ESCALATE_AFTER = {1: 0, 2: 2}  # a topic's answer or result disclosure: community at once, street 2 working days later
RESOLUTION_ESCALATE_AFTER = {1: 0, 2: 3, 3: 10}  # a resolution past its date: community, street after 3, district after 10
MAX_RESOLUTIONS = 20
DEFAULTS = Settings(support_threshold=10, answer_days=5, notice_days=3, disclosure_days=15)


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


def settings_for(community: Any) -> Settings:
    found = Settings.objects.filter(community_id=getattr(community, "pk", community)).first()
    return found or DEFAULTS


def _community(node: Any) -> Any:
    if node is None or getattr(node, "level", "") not in ("community", "grid"):
        raise DomainError(Code.NOT_COMMUNITY, _("请选择所在社区"), field="community")
    if node.level == "grid":
        node = node.parent
    return node


def topic_url(topic: Topic) -> str:
    return reverse("consultation:detail", args=[topic.pk])


def _event(topic: Topic, action: str, actor: Any, note: str = "", *, resolution: Resolution | None = None,
           progress: int | None = None, public: bool = True) -> Event:
    return Event.objects.create(topic=topic, resolution=resolution, actor=actor if getattr(actor, "pk", None) else None,
                                action=action, note=note[:1000], progress=progress, public=public)


def _timeline(obj: Any, *, action: str, actor: Any, before: str, after: str, note: str, public: bool) -> None:
    """The topic lifecycle's timeline callback (the topic's own steps)."""
    _event(obj, action, actor, note, public=public)


LIFECYCLE.timeline = _timeline


def audience(topic: Topic) -> list[int]:
    """Who hears of every step: the proposer, each supporter and each follower (user ids, once)."""
    ids = set(Support.objects.filter(topic=topic, user__isnull=False).values_list("user_id", flat=True))
    ids |= set(Follower.objects.filter(topic=topic).values_list("user_id", flat=True))
    if topic.proposer_id:
        ids.add(topic.proposer_id)
    return sorted(ids)


def tell(topic: Topic, text: str, *, skip: Any = None) -> None:
    """Tell the topic's audience after the commit (the actor, who knows, is left out)."""
    link = topic_url(topic)
    skip_id = getattr(skip, "pk", None)

    def go() -> None:
        ids = [i for i in audience(topic) if i != skip_id]
        send(_users(ids), "consultation.progress", text=text, target=topic, link=link)

    transaction.on_commit(go)


def _users(ids: Iterable[int]) -> Any:
    from linli.accounts.selectors import users_by_ids

    return users_by_ids(list(ids))


def _staff_of(path: str) -> list[Any]:
    office = holders_by_path((Role.COMMUNITY_ADMIN, Role.CASEWORKER), [path[:12]])
    return office.get(path[:12], [])


def _tell_staff(topic: Topic, text: str) -> None:
    transaction.on_commit(lambda: send(_staff_of(topic.region_path), "consultation.desk", text=text, target=topic,
                                       link=reverse("consultation:staff_detail", args=[topic.pk])))


def _lock(topic: Topic) -> Topic:
    return Topic.objects.select_for_update(of=("self",)).select_related("community", "matter", "body").get(pk=topic.pk)


# ---------------------------------------------------------------- matters and bodies

@transaction.atomic
def add_matter(*, actor: Any, region: Any, name: str, category: str, description: str = "", order: int = 100) -> Matter:
    if region is None or not getattr(region, "path", ""):
        raise DomainError("invalid", _("请选择适用范围"), field="region")
    from .models import Category

    if category not in Category.values:
        raise DomainError("invalid", _("请选择协商内容"), field="category")
    m = Matter(region_path=region.path, region_name=region.full_name or region.name, name=_text(name, "name", _("事项"), high=80),
               category=category, description=clean_text(description, collapse=True, limit=300), order=max(0, min(int(order), 999)))
    require(actor, "consultation.matters", m)
    if Matter.objects.filter(region_path=m.region_path, name=m.name).exists():
        raise Conflict("duplicate", _("该范围内已有同名事项"), field="name")
    m.save()
    record_audit(actor=actor, action="consultation.matter_add", target=m, region_path=m.region_path, changes={"name": m.name})
    return m


def seed_matters(city: Any) -> int:
    """Give a city the default list (``catalogue.DEFAULT_MATTERS``) when it has none; returns the rows made."""
    from .catalogue import DEFAULT_MATTERS

    if Matter.objects.filter(region_path=city.path).exists():
        return 0
    rows = [Matter(region_path=city.path, region_name=city.full_name or city.name, name=name, category=category,
                   description=description, order=n * 10) for n, (name, category, description) in enumerate(DEFAULT_MATTERS, 1)]
    Matter.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def set_matter_active(*, actor: Any, matter: Matter, active: bool) -> Matter:
    require(actor, "consultation.matters", matter)
    matter.active = bool(active)
    matter.save(update_fields=["active"])
    record_audit(actor=actor, action="consultation.matter_active", target=matter, region_path=matter.region_path,
                 changes={"active": matter.active})
    return matter


@transaction.atomic
def save_settings(*, actor: Any, community: Any, support_threshold: int, answer_days: int, notice_days: int,
                  disclosure_days: int) -> Settings:
    community = _community(community)
    s = Settings.objects.filter(community=community).first() or Settings(community=community, region_path=community.path)
    require(actor, "consultation.manage", s)
    for field, value, low, high in (("support_threshold", support_threshold, 1, 500), ("answer_days", answer_days, 1, 30),
                                    ("notice_days", notice_days, 1, 30), ("disclosure_days", disclosure_days, 1, 60)):
        if not isinstance(value, int) or not low <= value <= high:
            raise DomainError("invalid", _("取值须在%(a)d至%(b)d之间") % {"a": low, "b": high}, field=field)
        setattr(s, field, value)
    s.save()
    record_audit(actor=actor, action="consultation.settings", target=s, region_path=s.region_path, changes={
        "support_threshold": s.support_threshold, "answer_days": s.answer_days, "notice_days": s.notice_days,
        "disclosure_days": s.disclosure_days})
    return s


@transaction.atomic
def create_body(*, actor: Any, community: Any, kind: str, name: str, quorum_percent: int = 50,
                term_starts: dt.date | None = None, term_ends: dt.date | None = None) -> Body:
    from .models import BodyKind

    community = _community(community)
    if kind not in BodyKind.values:
        raise DomainError("invalid", _("请选择议事形式"), field="kind")
    if not isinstance(quorum_percent, int) or not 1 <= quorum_percent <= 100:
        raise DomainError("invalid", _("到会比例须在1至100之间"), field="quorum_percent")
    if term_starts and term_ends and term_ends < term_starts:
        raise DomainError("invalid", _("任期结束不能早于开始"), field="term_ends")
    body = Body(community=community, region_path=community.path, kind=kind, name=_text(name, "name", _("名称"), high=80),
                quorum_percent=quorum_percent, term_starts=term_starts, term_ends=term_ends)
    require(actor, "consultation.manage", body)
    body.save()
    record_audit(actor=actor, action="consultation.body_create", target=body, region_path=body.region_path,
                 changes={"kind": kind, "name": body.name})
    return body


@transaction.atomic
def add_member(*, actor: Any, body: Body, name: str, sector: str, organisation: str = "", username: str = "") -> BodyMember:
    from linli.accounts.selectors import active_user_by_username

    from .models import Sector

    require(actor, "consultation.manage", body)
    if sector not in Sector.values:
        raise DomainError("invalid", _("请选择界别"), field="sector")
    user = None
    if username.strip():
        user = active_user_by_username(username.strip()[:150])
        if user is None:
            raise DomainError("invalid", _("账号不存在"), field="username")
    if body.members.filter(active=True).count() >= 200:
        raise DomainError("invalid", _("一个机构最多200名成员"), field="name")
    m = BodyMember(body=body, name=_text(name, "name", _("姓名"), high=50), sector=sector,
                   organisation=clean_text(organisation, collapse=True, limit=100), user=user)
    try:
        with transaction.atomic():
            m.save()
    except IntegrityError:
        raise Conflict("duplicate", _("该账号已是本机构成员"), field="username") from None
    record_audit(actor=actor, action="consultation.member_add", target=body, region_path=body.region_path,
                 changes={"member": m.name, "sector": sector})
    return m


@transaction.atomic
def remove_member(*, actor: Any, member: BodyMember) -> BodyMember:
    require(actor, "consultation.manage", member.body)
    member.active = False
    member.save(update_fields=["active"])
    record_audit(actor=actor, action="consultation.member_remove", target=member.body, region_path=member.body.region_path,
                 changes={"member": member.name})
    return member


# ---------------------------------------------------------------- topics

def matters_for(path: str) -> list[Matter]:
    """The list of consultable matters of a community: every active row of its city, district,
    street or its own."""
    prefixes = {path[:n] for n in (2, 4, 6, 9, 12) if len(path) >= n}
    return list(Matter.objects.filter(region_path__in=prefixes, active=True).order_by("order", "id"))


def _matter(path: str, matter_id: int | None) -> Matter | None:
    if matter_id is None:
        return None
    found = next((m for m in matters_for(path) if m.pk == matter_id), None)
    if found is None:
        raise DomainError("invalid", _("所选协商事项不在本社区的清单上"), field="matter_id")
    return found


def _number() -> str:
    return f"YS{timezone.localdate():%Y%m%d}{next_value('consultation.topic'):06d}"


@transaction.atomic
def propose(*, actor: Any, community: Any, title: str, content: str, matter_id: int | None = None,
            on_behalf_of: str = "", on_behalf_user: Any = None, source: str | None = None,
            work_order_numbers: list[str] | None = None) -> Topic:
    """A topic. A resident proposes for his community (his household is its first support); staff
    enter a resident's proposal on his behalf (``on_behalf_of``: the name shown, logged as
    entered by them), or propose one of the community's own, or promote work orders to a topic —
    these two wait for an answer at once."""
    community = _community(community)
    cfg = settings_for(community)
    title = _text(title, "title", _("议题"), low=4, high=100)
    content = _text(content, "content", _("内容"), low=10, high=4000, multiline=True)
    topic = Topic(community=community, region_path=community.path, title=title, content=content,
                  matter=_matter(community.path, matter_id), threshold=cfg.support_threshold)
    orders: list[Any] = []
    if source is None:
        source = Source.OFFLINE if on_behalf_of else Source.RESIDENT
    if source == Source.RESIDENT:
        require(actor, "consultation.propose", topic)
        topic.proposer = actor
        topic.proposer_name = _public_name(actor)
    else:
        require(actor, "consultation.desk", topic)
        topic.entered_by = actor
        if source == Source.OFFLINE:
            topic.proposer_name = _text(on_behalf_of, "on_behalf_of", _("提议人"), high=50)
            topic.proposer = on_behalf_user
        elif source == Source.WORKORDER:
            numbers = [n.strip() for n in (work_order_numbers or []) if n.strip()][:50]
            orders = workorders.visible_by_numbers(actor, numbers)
            if not numbers or len(orders) != len(set(numbers)):
                raise DomainError("invalid", _("请填写本辖区的工单号"), field="work_orders")
            if any(not o.region_path.startswith(community.path) for o in orders):
                raise DomainError("invalid", _("工单须属于本社区"), field="work_orders")
            topic.work_orders = sorted(o.number for o in orders)
        elif source != Source.STAFF:
            raise DomainError("invalid", _("来源无效"), field="source")
    topic.source = source
    ratelimit.hit("proposal", actor)
    topic.number = _number()
    topic.save()
    _event(topic, "propose", actor, str(Source(source).label))
    record_audit(actor=actor, action="consultation.propose", target=topic, region_path=topic.region_path,
                 changes={"source": source, "title": title} | ({"on_behalf_of": topic.proposer_name} if source == Source.OFFLINE else {}))
    if source in (Source.STAFF, Source.WORKORDER):
        _submit(topic, actor, cfg)
    elif source == Source.RESIDENT:
        resident = getattr(actor, "resident", None)
        if resident is not None and resident.household_id is not None:
            _add_support(topic, actor, resident.household_id, cfg)
    topic.save()
    return topic


def _public_name(user: Any) -> str:
    """A proposer's name as residents see it (张*三; staff see the record)."""
    from linli.core.masking import mask_name

    resident = getattr(user, "resident", None)
    name = getattr(resident, "name", "") or getattr(user, "display_name", "") or ""
    return mask_name(name) if name else ""


def _submit(topic: Topic, actor: Any, cfg: Settings) -> None:
    note = fill(_("附议 %(n)d 户，达到门槛"), {"n": topic.supports}) if topic.source in (Source.RESIDENT, Source.OFFLINE) else ""
    LIFECYCLE.apply(topic, Action.SUBMIT, actor=actor, lock=False, audit=False, note=note)
    topic.submitted_at = timezone.now()
    topic.answer_due = calendar.add_working_days(timezone.localdate(), cfg.answer_days)
    topic.due_on = topic.answer_due
    supervision.new_round(topic)
    _tell_staff(topic, fill(_("议题“%(t)s”待答复，期限 %(d)s"), {"t": topic.title, "d": topic.answer_due.isoformat()}))


def _add_support(topic: Topic, user: Any, household_id: int, cfg: Settings | None = None, *, entered_by: Any = None) -> bool:
    """One household's support; the topic row is locked by the caller. True when the topic
    reached its threshold now."""
    try:
        with transaction.atomic():
            Support.objects.create(topic=topic, household_id=household_id, user=user, entered_by=entered_by)
    except IntegrityError:
        raise Conflict(Code.ALREADY_SUPPORTED, _("您家已附议过该议题")) from None
    topic.supports = F("supports") + 1
    topic.save(update_fields=["supports", "updated_at"])
    topic.refresh_from_db(fields=["supports"])
    if topic.status == Status.PROPOSED and topic.supports >= topic.threshold:
        _submit(topic, user or entered_by, cfg or settings_for(topic.community_id))
        topic.save()
        tell(topic, fill(_("议题“%(t)s”附议已达 %(n)d 户，已提交社区，%(d)s 前答复"), {
            "t": topic.title, "n": topic.supports, "d": topic.answer_due.isoformat() if topic.answer_due else ""}))
        return True
    return False


@transaction.atomic
def support(*, actor: Any, topic: Topic) -> Topic:
    """附议: one per household, while the topic gathers support (the row is locked, so the count
    is exact under any number of concurrent supports)."""
    topic = _lock(topic)
    require(actor, "consultation.support", topic)
    if topic.status not in OPEN_FOR_ANSWER:
        raise Conflict(Code.NOT_SUPPORTING, _("该议题已答复，不再征集附议"))
    _add_support(topic, actor, actor.resident.household_id)
    Follower.objects.get_or_create(topic=topic, user=actor)
    return topic


@transaction.atomic
def record_support(*, actor: Any, topic: Topic, household_number: str) -> Topic:
    """A household's support signed on the paper form (联名表), entered by the desk by its 户号."""
    topic = _lock(topic)
    require(actor, "consultation.desk", topic)
    if topic.status not in OPEN_FOR_ANSWER:
        raise Conflict(Code.NOT_SUPPORTING, _("该议题已答复，不再征集附议"))
    household = regions.household_by_number(household_number)
    if household is None or not household.region_path.startswith(topic.region_path):
        raise DomainError("invalid", _("请填写本社区住户的户号"), field="household_number")
    _add_support(topic, None, household.pk, entered_by=actor)
    record_audit(actor=actor, action="consultation.support_entered", target=topic, region_path=topic.region_path,
                 changes={"household": household.number})
    return topic


@transaction.atomic
def follow(*, actor: Any, topic: Topic) -> bool:
    require(actor, "consultation.follow_topic", topic)
    _row, made = Follower.objects.get_or_create(topic=topic, user=actor)
    return made


@transaction.atomic
def unfollow(*, actor: Any, topic: Topic) -> None:
    Follower.objects.filter(topic=topic, user=actor).delete()


@transaction.atomic
def withdraw(*, actor: Any, topic: Topic) -> Topic:
    topic = _lock(topic)
    require(actor, "consultation.withdraw", topic)
    LIFECYCLE.apply(topic, Action.WITHDRAW, actor=actor, lock=False)
    topic.save()
    tell(topic, fill(_("议题“%(t)s”已由提议人撤回"), {"t": topic.title}), skip=actor)
    return topic


def _answered(topic: Topic, actor: Any, action: str, answer: str, **changes: Any) -> None:
    LIFECYCLE.apply(topic, action, actor=actor, lock=False, note=answer, changes=changes)
    topic.answer, topic.answered_at = answer, timezone.now()
    topic.save()


@transaction.atomic
def take_up(*, actor: Any, topic: Topic, body_id: int, form: str, answer: str = "", off_list_reason: str = "",
            matter_id: int | None = None) -> Topic:
    """受理: the body and the form chosen; a topic outside the list needs its recorded reason."""
    topic = _lock(topic)
    require(actor, "consultation.manage", topic)
    if form not in Form.values:
        raise DomainError("invalid", _("请选择协商形式"), field="form")
    body = Body.objects.filter(pk=body_id, community_id=topic.community_id, active=True).first()
    if body is None:
        raise DomainError(Code.NO_BODY, _("请选择本社区的协商议事机构"), field="body_id")
    if matter_id is not None:
        topic.matter = _matter(topic.region_path, matter_id)
    if topic.matter is None:
        reason = clean_text(off_list_reason, collapse=True, limit=300)
        if len(reason) < 4:
            raise DomainError(Code.OFF_LIST, _("该议题不在协商事项清单内，请说明受理理由"), field="off_list_reason")
        topic.off_list_reason = reason
    topic.body, topic.form = body, form
    text = clean_text(answer, collapse=True, limit=1000) or _("社区已受理，将组织%(f)s进行协商") % {"f": Form(form).label}
    _answered(topic, actor, Action.TAKE_UP, text, body=body.name, form=form)
    tell(topic, fill(_("议题“%(t)s”已受理：%(a)s"), {"t": topic.title, "a": text}))
    return topic


@transaction.atomic
def merge(*, actor: Any, topic: Topic, into: Topic, answer: str) -> Topic:
    topic = _lock(topic)
    require(actor, "consultation.manage", topic)
    into = Topic.objects.select_for_update().filter(pk=into.pk).first() or into
    if into.pk == topic.pk or into.community_id != topic.community_id or into.status in (
            Status.MERGED, Status.DECLINED, Status.WITHDRAWN, Status.REFERRED):
        raise DomainError(Code.MERGE_TARGET, _("只能并入本社区另一个未结束的议题"), field="into")
    text = _text(answer, "answer", _("合并说明"), low=4, high=1000)
    topic.merged_into = into
    _answered(topic, actor, Action.MERGE, text, into=into.number)
    # the merged topic's people follow the topic it went into
    for uid in audience(topic):
        Follower.objects.get_or_create(topic=into, user_id=uid)
    _event(into, "merged_in", actor, topic.number)
    tell(topic, fill(_("议题“%(t)s”已并入议题“%(i)s”：%(a)s"), {"t": topic.title, "i": into.title, "a": text}))
    return topic


@transaction.atomic
def refer(*, actor: Any, topic: Topic, to: str, answer: str) -> Topic:
    topic = _lock(topic)
    require(actor, "consultation.manage", topic)
    topic.referred_to = _text(to, "to", _("转交单位"), high=100)
    text = _text(answer, "answer", _("转交理由"), low=4, high=1000)
    _answered(topic, actor, Action.REFER, text, to=topic.referred_to)
    tell(topic, fill(_("议题“%(t)s”已转交%(u)s：%(a)s"), {"t": topic.title, "u": topic.referred_to, "a": text}))
    return topic


@transaction.atomic
def decline(*, actor: Any, topic: Topic, answer: str) -> Topic:
    topic = _lock(topic)
    require(actor, "consultation.manage", topic)
    text = _text(answer, "answer", _("不予受理的理由"), low=4, high=1000)
    _answered(topic, actor, Action.DECLINE, text)
    tell(topic, fill(_("议题“%(t)s”不予受理：%(a)s"), {"t": topic.title, "a": text}))
    return topic


# ---------------------------------------------------------------- meetings

def _open_meeting(topic: Topic) -> Meeting | None:
    return topic.meetings.filter(status=MeetingStatus.SCHEDULED).first()


@transaction.atomic
def schedule_meeting(*, actor: Any, topic: Topic, starts_at: dt.datetime, ends_at: dt.datetime, place: str, agenda: str,
                     body_id: int | None = None, now: dt.datetime | None = None) -> Meeting:
    """Arrange the meeting (or the online deliberation's period) and invite: a notice with the
    agenda and materials to the community's households at least ``notice_days`` before, and each
    member of the body with an account in his inbox."""
    topic = _lock(topic)
    require(actor, "consultation.manage", topic)
    if topic.status != Status.TAKEN_UP:
        raise Conflict("illegal_transition", _("议题受理后、形成协商意见前方可安排会议"))
    if _open_meeting(topic) is not None:
        raise Conflict(Code.MEETING_OPEN, _("该议题已安排会议，请先确认纪要或取消"))
    body = topic.body if body_id is None else Body.objects.filter(pk=body_id, community_id=topic.community_id, active=True).first()
    if body is None:
        raise DomainError(Code.NO_BODY, _("请选择本社区的协商议事机构"), field="body_id")
    now = now or timezone.now()
    starts_at, ends_at = (timezone.make_aware(x) if x is not None and timezone.is_naive(x) else x for x in (starts_at, ends_at))
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        raise DomainError("invalid", _("结束时间须晚于开始时间"), field="ends_at")
    if ends_at - starts_at > dt.timedelta(days=31):
        raise DomainError("invalid", _("会议(或网上协商)最长31天"), field="ends_at")
    cfg = settings_for(topic.community_id)
    first_day = timezone.localdate(now) + dt.timedelta(days=cfg.notice_days)
    if timezone.localtime(starts_at).date() < first_day:
        raise DomainError(Code.TOO_SOON, _("须至少提前%(n)d天通知参加人员，最早 %(d)s") % {
            "n": cfg.notice_days, "d": first_day.isoformat()}, field="starts_at")
    place = clean_text(place, collapse=True, limit=120)
    if topic.form in IN_PERSON and len(place) < 2:
        raise DomainError("invalid", _("请填写会议地点"), field="place")
    agenda = _text(agenda, "agenda", _("议程与材料"), low=10, high=4000, multiline=True)
    members = list(body.members.filter(active=True))
    meeting = Meeting.objects.create(topic=topic, body=body, region_path=topic.region_path, form=topic.form,
                                     starts_at=starts_at, ends_at=ends_at, place=place, agenda=agenda,
                                     checkin_token=secrets.token_urlsafe(16), members_total=len(members),
                                     created_by=actor)
    when = timezone.localtime(starts_at).strftime("%Y-%m-%d %H:%M")
    title = fill(_("%(f)s通知：%(t)s"), {"f": str(Form(topic.form).label), "t": topic.title})[:100]
    body_text = fill(_("议题：%(t)s\n时间：%(w)s\n地点：%(p)s\n协商机构：%(b)s\n\n%(a)s\n\n欢迎居民列席或在网上发表意见。"), {
        "t": topic.title, "w": when, "p": place or _("网上"), "b": body.name, "a": agenda})
    notice = notices.create_draft(actor=actor, title=title, body=body_text[:4000], node=topic.community,
                                  valid_until=timezone.localtime(ends_at).date())
    notices.publish(actor=actor, notice=notice)
    meeting.notice_id = notice.pk
    meeting.save(update_fields=["notice_id"])
    _event(topic, "meeting", actor, fill(_("%(w)s %(p)s"), {"w": when, "p": place or str(Form(topic.form).label)}))
    record_audit(actor=actor, action="consultation.meeting_schedule", target=meeting, region_path=meeting.region_path,
                 changes={"starts_at": starts_at.isoformat(), "body": body.name, "notice": notice.pk})
    users = [m.user for m in members if m.user_id]
    link = reverse("consultation:meeting", args=[meeting.pk])
    text = fill(_("请参加%(b)s：%(t)s，%(w)s，%(p)s"), {"b": body.name, "t": topic.title, "w": when, "p": place or _("网上")})
    transaction.on_commit(lambda: send(users, "consultation.meeting", text=text, target=meeting, link=link))
    tell(topic, fill(_("议题“%(t)s”将于 %(w)s 协商，欢迎列席"), {"t": topic.title, "w": when}))
    return meeting


def _lock_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("topic", "body").get(pk=meeting.pk)


def _attendance_window(meeting: Meeting, now: dt.datetime) -> None:
    if meeting.status != MeetingStatus.SCHEDULED:
        raise Conflict("illegal_transition", _("会议已结束或已取消"))
    if not meeting.starts_at - dt.timedelta(hours=1) <= now <= meeting.ends_at + dt.timedelta(hours=2):
        raise Conflict(Code.NOT_MEETING_TIME, _("签到时间为会议开始前1小时至结束后2小时"))


def _count(meeting: Meeting) -> None:
    meeting.members_present = meeting.attendance.filter(member__isnull=False).count()
    meeting.others_present = meeting.attendance.filter(member__isnull=True).count()
    meeting.save(update_fields=["members_present", "others_present"])


@transaction.atomic
def record_attendance(*, actor: Any, meeting: Meeting, member_id: int | None = None, name: str = "",
                      now: dt.datetime | None = None) -> Attendance:
    """The desk signs in a member (or a resident attending, by name) who has no phone with him."""
    meeting = _lock_meeting(meeting)
    require(actor, "consultation.desk", meeting)
    _attendance_window(meeting, now or timezone.now())
    member = None
    if member_id is not None:
        member = meeting.body.members.filter(pk=member_id, active=True).first()
        if member is None:
            raise DomainError("invalid", _("该成员不在本机构"), field="member_id")
        name = member.name
    else:
        name = _text(name, "name", _("姓名"), high=50)
    try:
        with transaction.atomic():
            row = Attendance.objects.create(meeting=meeting, member=member, name=name, how=Attendance.How.STAFF,
                                            recorded_by=actor, user=member.user if member else None)
    except IntegrityError:
        raise Conflict(Code.ALREADY_PRESENT, _("已签到")) from None
    _count(meeting)
    return row


@transaction.atomic
def check_in(*, actor: Any, meeting: Meeting, token: str, now: dt.datetime | None = None) -> Attendance:
    """Signing in by the meeting's QR code: a member of the body with his account, or a resident
    of the community attending (列席)."""
    meeting = _lock_meeting(meeting)
    if not secrets.compare_digest(str(token or ""), meeting.checkin_token):
        raise NotFound("not_found", _("签到码无效"))
    member = meeting.body.members.filter(user=actor, active=True).first() if getattr(actor, "pk", None) else None
    if member is None and not actor.has_perm("consultation.follow_topic", meeting.topic):
        raise PermissionDenied("forbidden", _("仅本机构成员和本社区居民可签到"))
    _attendance_window(meeting, now or timezone.now())
    name = member.name if member else (getattr(getattr(actor, "resident", None), "name", "") or actor.get_username())
    try:
        with transaction.atomic():
            row = Attendance.objects.create(meeting=meeting, member=member, user=actor, name=name[:50], how=Attendance.How.QR)
    except IntegrityError:
        raise Conflict(Code.ALREADY_PRESENT, _("您已签到")) from None
    _count(meeting)
    if member is None:
        Follower.objects.get_or_create(topic=meeting.topic, user=actor)
    return row


def quorum_met(meeting: Meeting) -> bool:
    """More than ``quorum_percent`` of the body's members present (过半数 by default)."""
    return meeting.members_total > 0 and meeting.members_present * 100 > meeting.body.quorum_percent * meeting.members_total


@transaction.atomic
def close_meeting(*, actor: Any, meeting: Meeting, minutes: str, dissent: str = "",
                  scan: tuple[str, bytes] | None = None) -> Meeting:
    """协商纪要: the minutes, the dissenting opinions, and for a meeting in person the scan with
    the participants' signatures; the quorum must have been met."""
    meeting = _lock_meeting(meeting)
    require(actor, "consultation.manage", meeting)
    minutes = _text(minutes, "minutes", _("协商纪要"), low=10, high=8000, multiline=True)
    dissent = clean_text(dissent, multiline=True, limit=4000)
    if meeting.form in IN_PERSON:
        if not quorum_met(meeting):
            raise Conflict(Code.NO_QUORUM, _("到会成员%(p)d人，未超过应到%(t)d人的%(q)d%%，不能确认纪要") % {
                "p": meeting.members_present, "t": meeting.members_total, "q": meeting.body.quorum_percent})
        if scan is None or not scan[1]:
            raise DomainError(Code.NO_SCAN, _("请上传参加人员签字的纪要扫描件"), field="scan")
    if scan is not None and scan[1]:
        from django.core.files.base import ContentFile

        name, data = named_document(scan[0], scan[1], field="scan")
        meeting.minutes_scan.save(name, ContentFile(data), save=False)
    MEETING_LIFECYCLE.apply(meeting, MeetingAction.CLOSE, actor=actor, lock=False,
                            changes={"present": meeting.members_present, "total": meeting.members_total})
    meeting.minutes, meeting.dissent, meeting.closed_at = minutes, dissent, timezone.now()
    meeting.save()
    _event(meeting.topic, "minutes", actor, fill(_("到会成员 %(p)d/%(t)d，列席 %(o)d 人"), {
        "p": meeting.members_present, "t": meeting.members_total, "o": meeting.others_present}))
    tell(meeting.topic, fill(_("议题“%(t)s”的协商纪要已确认"), {"t": meeting.topic.title}))
    return meeting


def log_scan_view(*, actor: Any, meeting: Meeting) -> None:
    """A staff member opened the signed minutes (they bear the participants' names and signatures)."""
    from linli.core.models import SensitiveAccess
    from linli.core.services import record_sensitive_access

    require(actor, "consultation.read", meeting)
    record_sensitive_access(actor=actor, kind=SensitiveAccess.Kind.REVEAL, target=meeting, fields=["minutes_scan"],
                            reason=_("查看签字纪要"), region_path=meeting.region_path,
                            label=fill(_("%(t)s · 签字纪要"), {"t": meeting.topic.title}))


@transaction.atomic
def cancel_meeting(*, actor: Any, meeting: Meeting, reason: str) -> Meeting:
    meeting = _lock_meeting(meeting)
    require(actor, "consultation.manage", meeting)
    reason = _text(reason, "reason", _("取消原因"), low=4, high=300)
    MEETING_LIFECYCLE.apply(meeting, MeetingAction.CANCEL, actor=actor, lock=False, note=reason)
    meeting.cancel_reason = reason
    meeting.save()
    _event(meeting.topic, "meeting_cancel", actor, reason)
    tell(meeting.topic, fill(_("议题“%(t)s”的协商会议已取消：%(r)s"), {"t": meeting.topic.title, "r": reason}))
    return meeting


# ---------------------------------------------------------------- online opinions

COMMENTING = (Status.TAKEN_UP,)  # while the topic is consulted, before its outcome


@transaction.atomic
def comment(*, actor: Any, topic: Topic, text: str) -> Comment:
    """A resident's opinion online (网上协商, or for a meeting he cannot attend): waits for the
    desk to publish it."""
    topic = _lock(topic)
    require(actor, "consultation.follow_topic", topic)
    if topic.status not in COMMENTING:
        raise Conflict(Code.NOT_COMMENTING, _("议题受理后、形成协商意见前可以发表意见"))
    body = _text(text, "text", _("意见"), low=4, high=1000, multiline=True)
    ratelimit.hit("comment", actor)
    c = Comment.objects.create(topic=topic, region_path=topic.region_path, user=actor, name=_public_name(actor) or _("居民"),
                               text=body)
    Follower.objects.get_or_create(topic=topic, user=actor)
    _tell_staff(topic, fill(_("议题“%(t)s”有新的网上意见待审核"), {"t": topic.title}))
    return c


@transaction.atomic
def moderate(*, actor: Any, comment: Comment, publish: bool, reason: str = "") -> Comment:
    c = Comment.objects.select_for_update().select_related("topic").get(pk=comment.pk)
    require(actor, "consultation.desk", c.topic)
    if c.status != Comment.Status.PENDING:
        raise Conflict(Code.ALREADY_MODERATED, _("该意见已审核"))
    if not publish:
        c.reason = _text(reason, "reason", _("未发布原因"), low=2, high=300)
    COMMENT_LIFECYCLE.apply(c, CommentAction.PUBLISH if publish else CommentAction.REJECT, actor=actor, lock=False,
                            region_path=c.region_path, changes={"topic": c.topic_id} | ({"reason": c.reason} if c.reason else {}))
    c.moderated_by, c.moderated_at = actor, timezone.now()
    c.save()
    if not publish:
        transaction.on_commit(lambda: send([c.user], "consultation.progress", text=fill(
            _("您对议题“%(t)s”的意见未发布：%(r)s"), {"t": c.topic.title, "r": c.reason}), target=c.topic, link=topic_url(c.topic)))
    return c


# ---------------------------------------------------------------- outcome and resolutions

def _resolution(topic: Topic, position: int, item: dict[str, Any], today: dt.date) -> Resolution:
    kind = item.get("kind") or ""
    if kind not in ResolutionKind.values:
        raise DomainError("invalid", _("第%(n)d项：请选择落实方式") % {"n": position}, field="resolutions")
    due = item.get("due_on")
    if not isinstance(due, dt.date) or due < today or due > today + dt.timedelta(days=3 * 366):
        raise DomainError("invalid", _("第%(n)d项：完成期限须在今天至三年内") % {"n": position}, field="resolutions")
    title = clean_text(str(item.get("title") or ""), collapse=True)
    owner = clean_text(str(item.get("owner") or ""), collapse=True)
    if not 2 <= len(title) <= 200 or not 2 <= len(owner) <= 100:
        raise DomainError("invalid", _("第%(n)d项：请填写事项和责任单位") % {"n": position}, field="resolutions")
    return Resolution(topic=topic, region_path=topic.region_path, position=position, title=title, kind=kind, owner=owner,
                      due_on=due)


@transaction.atomic
def decide(*, actor: Any, topic: Topic, outcome: str, resolutions: list[dict[str, Any]]) -> Topic:
    """协商意见: the outcome with its resolutions, from a meeting whose minutes are confirmed; the
    result falls due for disclosure ``disclosure_days`` later (the supervision clock)."""
    topic = _lock(topic)
    require(actor, "consultation.manage", topic)
    LIFECYCLE.require(topic.status, Action.DECIDE)
    if not topic.meetings.filter(status=MeetingStatus.CLOSED).exists():
        raise Conflict(Code.NO_MINUTES, _("须在协商纪要确认后形成协商意见"))
    outcome = _text(outcome, "outcome", _("协商意见"), low=10, high=4000, multiline=True)
    if not 1 <= len(resolutions) <= MAX_RESOLUTIONS:
        raise DomainError(Code.NO_RESOLUTIONS, _("协商意见须有1至20项落实事项"), field="resolutions")
    today = timezone.localdate()
    rows = [_resolution(topic, n, item, today) for n, item in enumerate(resolutions, 1)]
    LIFECYCLE.apply(topic, Action.DECIDE, actor=actor, lock=False, changes={"resolutions": len(rows)})
    topic.outcome, topic.decided_at = outcome, timezone.now()
    topic.disclosure_due = today + dt.timedelta(days=settings_for(topic.community_id).disclosure_days)
    topic.due_on = topic.disclosure_due
    supervision.new_round(topic)
    topic.save()
    Resolution.objects.bulk_create(rows)
    tell(topic, fill(_("议题“%(t)s”已形成协商意见：%(o)s"), {"t": topic.title, "o": outcome[:120]}))
    return topic


@transaction.atomic
def add_resolution(*, actor: Any, topic: Topic, title: str, kind: str, owner: str, due_on: dt.date) -> Resolution:
    """One more resolution of a topic being carried out (a reopened result gets its new step so)."""
    topic = _lock(topic)
    require(actor, "consultation.manage", topic)
    if topic.status != Status.IMPLEMENTING:
        raise Conflict("illegal_transition", _("落实中的议题方可增加落实事项"))
    position = (topic.resolutions.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    if position > MAX_RESOLUTIONS:
        raise DomainError(Code.NO_RESOLUTIONS, _("协商意见须有1至20项落实事项"), field="title")
    row = _resolution(topic, position, {"title": title, "kind": kind, "owner": owner, "due_on": due_on}, timezone.localdate())
    row.save()
    _event(topic, "resolution_add", actor, row.title, resolution=row, progress=0)
    record_audit(actor=actor, action="consultation.resolution_add", target=row, region_path=row.region_path,
                 changes={"title": row.title, "due_on": row.due_on.isoformat()})
    tell(topic, fill(_("议题“%(t)s”增加落实事项：%(r)s"), {"t": topic.title, "r": row.title}))
    return row


def _lock_resolution(resolution: Resolution) -> Resolution:
    return Resolution.objects.select_for_update(of=("self",)).select_related("topic").get(pk=resolution.pk)


@transaction.atomic
def progress(*, actor: Any, resolution: Resolution, percent: int, note: str) -> Resolution:
    """A step of progress with its percentage (0–99; 100 is the finish)."""
    resolution = _lock_resolution(resolution)
    require(actor, "consultation.desk", resolution)
    if not isinstance(percent, int) or not 0 <= percent <= 99:
        raise DomainError("invalid", _("进度须在0至99之间(完成请点“完成”)"), field="percent")
    note = _text(note, "note", _("进展情况"), low=4, high=1000, multiline=True)
    RESOLUTION_LIFECYCLE.apply(resolution, ResolutionAction.PROGRESS, actor=actor, lock=False, note=note,
                               changes={"progress": [resolution.progress, percent]})
    resolution.progress = percent
    resolution.save()
    _event(resolution.topic, "progress", actor, note, resolution=resolution, progress=percent)
    tell(resolution.topic, fill(_("“%(r)s”进度 %(p)d%%：%(n)s"), {"r": resolution.title, "p": percent, "n": note}))
    return resolution


def _finish(resolution: Resolution, actor: Any, note: str) -> None:
    RESOLUTION_LIFECYCLE.apply(resolution, ResolutionAction.FINISH, actor=actor, lock=False, note=note)
    resolution.progress, resolution.done_at = 100, timezone.now()
    resolution.save()
    _event(resolution.topic, "finish", actor, note, resolution=resolution, progress=100)
    tell(resolution.topic, fill(_("“%(r)s”已完成：%(n)s"), {"r": resolution.title, "n": note}))
    _complete_if_done(resolution.topic, actor)


@transaction.atomic
def finish(*, actor: Any, resolution: Resolution, note: str) -> Resolution:
    resolution = _lock_resolution(resolution)
    require(actor, "consultation.desk", resolution)
    if resolution.kind == ResolutionKind.WORK_ORDER and (
            not resolution.orders.exists() or resolution.orders.filter(closed=False).exists()):
        raise Conflict(Code.ORDERS_OPEN, _("该事项转工单办理，工单办结后自动完成"))
    if resolution.kind == ResolutionKind.DEPARTMENT and resolution.orders.filter(closed=False).exists():
        raise Conflict(Code.ORDERS_OPEN, _("已提请部门办理，部门办结后自动完成"))
    _finish(resolution, actor, _text(note, "note", _("完成情况"), low=2, high=1000, multiline=True))
    return resolution


@transaction.atomic
def infeasible(*, actor: Any, resolution: Resolution, reason: str) -> Resolution:
    """无法落实: the reason is published on the topic and told to everyone following it."""
    resolution = _lock_resolution(resolution)
    require(actor, "consultation.manage", resolution)
    reason = _text(reason, "reason", _("无法落实的原因"), low=10, high=1000, multiline=True)
    RESOLUTION_LIFECYCLE.apply(resolution, ResolutionAction.INFEASIBLE, actor=actor, lock=False, note=reason)
    resolution.infeasible_reason = reason
    resolution.save()
    _event(resolution.topic, "infeasible", actor, reason, resolution=resolution)
    tell(resolution.topic, fill(_("“%(r)s”无法落实，原因：%(n)s"), {"r": resolution.title, "n": reason}))
    _complete_if_done(resolution.topic, actor)
    return resolution


def _complete_if_done(topic: Topic, actor: Any) -> None:
    topic = _lock(topic)
    if topic.status != Status.IMPLEMENTING or topic.resolutions.filter(status__in=RUNNING).exists():
        return
    LIFECYCLE.apply(topic, Action.COMPLETE, actor=actor, lock=False)
    topic.completed_at = timezone.now()
    topic.save()
    tell(topic, fill(_("议题“%(t)s”已办结，请您对协商成效作出评价"), {"t": topic.title}))


@transaction.atomic
def create_work_order(*, actor: Any, resolution: Resolution, category_code: str, description: str, address: str = "") -> Any:
    """A resolution carried out by the work-order system: the order is submitted (channel 协商转办)
    and registered and dispatched at once when the actor may; the resolution follows it and is
    done when every order it created is closed. A request to a department (提请部门办理) goes the
    same way: the order's category routes it to the department that handles such matters, which
    answers on the order's own clock."""
    resolution = _lock_resolution(resolution)
    require(actor, "consultation.manage", resolution)
    if resolution.kind not in (ResolutionKind.WORK_ORDER, ResolutionKind.DEPARTMENT):
        raise DomainError(Code.NOT_WORK_ORDER, _("该事项不是转工单或提请部门办理"), field="kind")
    if resolution.status not in RUNNING:
        raise Conflict("illegal_transition", _("该事项已完成或无法落实"))
    category = workorders.leaf_categories().filter(code=str(category_code or "")[:40]).first()  # not the intake cache: rarely used
    if category is None:
        raise DomainError("invalid", _("请选择具体的诉求分类"), field="category")
    topic = resolution.topic
    head = _("【提请部门办理 %(n)s】%(r)s：%(d)s") if resolution.kind == ResolutionKind.DEPARTMENT else _("【协商转办 %(n)s】%(r)s：%(d)s")
    text = fill(head, {"n": topic.number, "r": resolution.title,
                                                 "d": clean_text(description, multiline=True, limit=3800)})
    order = workorder_services.submit_order(actor=actor, channel="consult", category=category, description=text,
                                            region=topic.community, address=address, anonymous=True, reporter=None)
    if actor.has_perm("workorders.dispatch", order):
        order = workorder_services.register(actor=actor, order=order)
    ResolutionOrder.objects.create(resolution=resolution, order_id=order.pk, number=order.number)
    if resolution.status == ResolutionStatus.PLANNED:
        RESOLUTION_LIFECYCLE.apply(resolution, ResolutionAction.PROGRESS, actor=actor, lock=False, note=order.number)
        resolution.save()
    _event(topic, "work_order", actor, order.number, resolution=resolution, progress=resolution.progress)
    tell(topic, fill(_("“%(r)s”已转诉求工单 %(n)s 办理"), {"r": resolution.title, "n": order.number}))
    return order


def order_moved(order: Any, *, action: str, before: str, after: str, actor: Any) -> None:
    """The work-order lifecycle's listener: an order a resolution created closed (or reopened);
    the resolution's timeline says so and, when it was the last open one, the resolution is done."""
    closed = after in ("closed", "rated")
    if closed == (before in ("closed", "rated")):
        return
    order_id = order.pk

    def go() -> None:
        with transaction.atomic():
            link = ResolutionOrder.objects.select_for_update().select_related("resolution").filter(order_id=order_id).first()
            if link is None or link.closed == closed:
                return
            link.closed = closed
            link.save(update_fields=["closed"])
            resolution = _lock_resolution(link.resolution)
            topic = resolution.topic
            if closed:
                _event(topic, "work_order_closed", actor, link.number, resolution=resolution, progress=resolution.progress)
                if resolution.status in RUNNING and not resolution.orders.filter(closed=False).exists():
                    _finish(resolution, actor, fill(_("工单 %(n)s 已办结"), {"n": link.number}))
                else:
                    tell(topic, fill(_("“%(r)s”的工单 %(n)s 已办结"), {"r": resolution.title, "n": link.number}))
            else:
                _event(topic, "work_order_reopened", actor, link.number, resolution=resolution)

    transaction.on_commit(go)


# ---------------------------------------------------------------- disclosure and rating

def result_text(topic: Topic) -> str:
    lines = [fill(_("议题：%(t)s(%(n)s)"), {"t": topic.title, "n": topic.number}), "",
             fill(_("协商意见：%(o)s"), {"o": topic.outcome}), "", str(_("落实事项："))]
    for r in topic.resolutions.order_by("position"):
        line = fill(_("%(i)d. %(t)s —— %(o)s，%(d)s 前，%(s)s %(p)d%%"), {
            "i": r.position, "t": r.title, "o": r.owner, "d": r.due_on.isoformat(), "s": r.get_status_display(), "p": r.progress})
        if r.status == ResolutionStatus.INFEASIBLE:
            line += fill(_("(原因：%(r)s)"), {"r": r.infeasible_reason})
        lines.append(line)
    return "\n".join(lines)


@transaction.atomic
def disclose(*, actor: Any, topic: Topic) -> Any:
    """公示 the result: the outcome and every resolution with its state, as a disclosure of the
    community (residents may object there, answered on its clock)."""
    topic = _lock(topic)
    require(actor, "consultation.manage", topic)
    if topic.status not in (Status.IMPLEMENTING, Status.COMPLETED):
        raise Conflict(Code.NOT_DECIDED, _("形成协商意见后方可公示结果"))
    if topic.disclosure_id:
        raise Conflict(Code.ALREADY_DISCLOSED, _("结果已公示；如需更正，请在公示中更正"))
    d = disclosures.publish(actor=actor, kind="consultation.result", region=topic.community,
                            title=fill(_("协商结果公示：%(t)s"), {"t": topic.title})[:100], content=result_text(topic),
                            source=topic, source_label=topic.number, source_url=topic_url(topic))
    topic.disclosure_id, topic.disclosed_at = d.pk, timezone.now()
    topic.save(update_fields=["disclosure_id", "disclosed_at", "updated_at"])
    _event(topic, "disclose", actor, d.title)
    record_audit(actor=actor, action="consultation.disclose", target=topic, region_path=topic.region_path,
                 changes={"disclosure": d.pk})
    tell(topic, fill(_("议题“%(t)s”的协商结果已公示"), {"t": topic.title}))
    return d


@transaction.atomic
def rate(*, actor: Any, topic: Topic, rating: int, comment: str = "") -> Rating:
    """成效评价 of a completed topic, one per person and round; a bad rating opens the follow-up
    (core.followups), whose answer may reopen the topic."""
    topic = _lock(topic)
    require(actor, "consultation.rate", topic)
    if topic.status != Status.COMPLETED:
        raise Conflict(Code.NOT_COMPLETED, _("议题办结后方可评价"))
    if rating not in RATING_LABELS:
        raise DomainError("invalid", _("请选择评价等级"), field="rating")
    try:
        with transaction.atomic():
            row = Rating.objects.create(topic=topic, user=actor, rating=rating, round=topic.rating_round,
                                        comment=clean_text(comment, multiline=True, limit=500))
    except IntegrityError:
        raise Conflict(Code.ALREADY_RATED, _("您已评价过")) from None
    _event(topic, "rate", actor, str(RATING_LABELS[rating]), public=False)
    task, opened = followups.open_for(topic, rating=rating, region_path=topic.region_path, round=topic.rating_round)
    if opened and task is not None:
        _tell_staff(topic, fill(_("议题“%(t)s”收到差评，请于 %(d)s 前回访整改"), {"t": topic.title, "d": task.due_date.isoformat()}))
    return row


@transaction.atomic
def answer_follow_up(*, actor: Any, topic: Topic, answer: str, reopen: bool = False) -> Any:
    task = followups.task_of(topic)
    if task is None:
        raise NotFound("not_found", _("没有待回访的评价"))
    done = followups.answer(actor=actor, task=task, text=answer, reopen=reopen, can_reopen=True,
                            may_answer=lambda user, path: user.has_perm("consultation.manage", topic))
    record_audit(actor=actor, action="consultation.follow_up", target=topic, region_path=topic.region_path,
                 changes={"reopen": bool(reopen)})
    if reopen:
        topic = _lock(topic)
        LIFECYCLE.apply(topic, Action.REOPEN, actor=actor, lock=False, note=done.answer)
        topic.rating_round += 1
        topic.completed_at = None
        topic.save()
        tell(topic, fill(_("议题“%(t)s”根据评价重新落实：%(a)s"), {"t": topic.title, "a": done.answer}))
    else:
        tell(topic, fill(_("议题“%(t)s”的评价已回访：%(a)s"), {"t": topic.title, "a": done.answer}))
    return done


@transaction.atomic
def reopen_resolution(*, actor: Any, resolution: Resolution, note: str) -> Resolution:
    resolution = _lock_resolution(resolution)
    require(actor, "consultation.manage", resolution)
    if resolution.topic.status != Status.IMPLEMENTING:
        raise Conflict("illegal_transition", _("议题重新落实时方可重新落实该事项"))
    note = _text(note, "note", _("说明"), low=4, high=1000, multiline=True)
    RESOLUTION_LIFECYCLE.apply(resolution, ResolutionAction.REOPEN, actor=actor, lock=False, note=note)
    resolution.done_at = None
    resolution.save()
    _event(resolution.topic, "resolution_reopen", actor, note, resolution=resolution, progress=resolution.progress)
    return resolution


# ---------------------------------------------------------------- supervision clocks

def clock_told(items: list[Any], level: int) -> dict[int, list[Any]]:
    """Who a clock tells: the community's staff (the warning), its admins (1), the street's (2),
    the district's (3)."""
    if level == 0:
        return {o.pk: _staff_of(o.region_path) for o in items}
    role = {1: Role.COMMUNITY_ADMIN, 2: Role.STREET_ADMIN}.get(level, Role.DISTRICT_ADMIN)
    office = holders_by_path((role,), {supervision.office_path(o.region_path, level) for o in items})
    return {o.pk: office.get(supervision.office_path(o.region_path, level), []) for o in items}


def _clock_text(kind: str, level: int, actor: Any, note: str, what: str, due: dt.date | None) -> str:
    if kind == "urge":
        who = getattr(actor, "display_name", "") or getattr(actor, "username", "")
        return fill(_("%(who)s督办：%(w)s：%(t)s"), {"who": who, "w": what, "t": note})
    if kind == "warn":
        return fill(_("%(w)s将于 %(d)s 到期，请抓紧办理"), {"w": what, "d": due.isoformat() if due else ""})
    return fill(_("%(w)s已超过期限，%(l)s"), {"w": what, "l": supervision.level_name(level)})


def topic_step(topic: Topic) -> str:
    if topic.status == Status.SUBMITTED:
        return fill(_("议题“%(t)s”的答复"), {"t": topic.title})
    return fill(_("议题“%(t)s”的结果公示"), {"t": topic.title})


def topic_due(topic: Topic) -> dt.date | None:
    return topic.due_on


def clock_notify(pairs: list[tuple[Topic, list[Any]]], *, kind: str, level: int, actor: Any = None, note: str = "") -> None:
    send_many("consultation.supervision", [
        (u, _clock_text(kind, level, actor, note, topic_step(t), topic_due(t)), t,
         reverse("consultation:staff_detail", args=[t.pk])) for t, users in pairs for u in users])


def clock_timeline(items: list[Topic], *, kind: str, level: int, actor: Any = None, note: str = "") -> None:
    label = {"warn": _("临近期限提醒"), "urge": _("督办")}.get(kind) or supervision.level_name(level)
    Event.objects.bulk_create([Event(topic=t, action=f"clock_{kind}", actor=actor if getattr(actor, "pk", None) else None,
                                     note=fill(_("%(s)s：%(l)s%(n)s"), {"s": topic_step(t), "l": str(label), "n": note and f" {note}" or ""}),
                                     public=False) for t in items])


def clock_handlers(topic: Topic) -> list[Any]:
    return _staff_of(topic.region_path)


def resolution_notify(pairs: list[tuple[Resolution, list[Any]]], *, kind: str, level: int, actor: Any = None,
                      note: str = "") -> None:
    send_many("consultation.supervision", [
        (u, _clock_text(kind, level, actor, note, fill(_("落实事项“%(r)s”"), {"r": r.title}), r.due_on), r,
         reverse("consultation:staff_detail", args=[r.topic_id])) for r, users in pairs for u in users])


def resolution_timeline(items: list[Resolution], *, kind: str, level: int, actor: Any = None, note: str = "") -> None:
    label = {"warn": _("临近期限提醒"), "urge": _("督办")}.get(kind) or supervision.level_name(level)
    Event.objects.bulk_create([Event(topic_id=r.topic_id, resolution=r, action=f"clock_{kind}",
                                     actor=actor if getattr(actor, "pk", None) else None,
                                     note=fill(_("落实事项“%(r)s”：%(l)s%(n)s"), {"r": r.title, "l": str(label), "n": note and f" {note}" or ""}),
                                     public=False) for r in items])


def resolution_handlers(resolution: Resolution) -> list[Any]:
    return _staff_of(resolution.region_path)


def urge(*, actor: Any, obj: Any, note: str) -> Any:
    return supervision.urge(actor=actor, obj=obj, note=note)


# ---------------------------------------------------------------- a resolution carried out as a micro-project

@transaction.atomic
def project_moved(*, resolution_id: int, actor: Any, step: str, note: str, percent: int = 0, project_number: str = "") -> None:
    """A resolution of kind “列入微实事项目” follows its project (``linli.projects`` calls this in
    its own transaction): ``step`` is ``"progress"`` (listed, chosen, a step of the works), ``"finish"``
    or ``"infeasible"``. The topic's audience hears of each step as of any other resolution's."""
    resolution = Resolution.objects.select_for_update(of=("self",)).select_related("topic").filter(pk=resolution_id).first()
    if resolution is None or resolution.kind != ResolutionKind.PROJECT or resolution.status not in RUNNING:
        return
    note = fill(_("微实事项目 %(n)s：%(t)s"), {"n": project_number, "t": clean_text(note, multiline=True, limit=900)})
    if step == "finish":
        _finish(resolution, actor, note)
    elif step == "infeasible":
        RESOLUTION_LIFECYCLE.apply(resolution, ResolutionAction.INFEASIBLE, actor=actor, lock=False, note=note)
        resolution.infeasible_reason = note
        resolution.save()
        _event(resolution.topic, "infeasible", actor, note, resolution=resolution)
        tell(resolution.topic, fill(_("“%(r)s”无法落实，原因：%(n)s"), {"r": resolution.title, "n": note}))
        _complete_if_done(resolution.topic, actor)
    else:
        percent = max(0, min(int(percent), 99))
        RESOLUTION_LIFECYCLE.apply(resolution, ResolutionAction.PROGRESS, actor=actor, lock=False, note=note,
                                   changes={"progress": [resolution.progress, percent]})
        resolution.progress = percent
        resolution.save()
        _event(resolution.topic, "progress", actor, note, resolution=resolution, progress=percent)
        tell(resolution.topic, fill(_("“%(r)s”进度 %(p)d%%：%(n)s"), {"r": resolution.title, "p": percent, "n": note}))


# ---------------------------------------------------------------- a resolution put to the owners' assembly

@transaction.atomic
def submit_to_assembly(*, actor: Any, resolution: Resolution, compound_id: int, item: int, convener: str, convener_name: str,
                       opens_at: dt.datetime, closes_at: dt.datetime, body: str = "") -> Any:
    """提交业主大会表决: the resolution becomes the matter of a draft owners' assembly of the
    compound (``linli.assemblies``: the roll, the notice, the vote and the decision follow there,
    under that app's rules); the resolution follows the assembly — done when the decision
    announces the matter passed, not feasible (with the result) when it did not pass."""
    from linli.assemblies import services as assemblies

    resolution = _lock_resolution(resolution)
    require(actor, "consultation.manage", resolution)
    if resolution.kind != ResolutionKind.ASSEMBLY:
        raise DomainError("invalid", _("该事项不是提交业主大会表决"), field="kind")
    if resolution.status not in RUNNING:
        raise Conflict("illegal_transition", _("该事项已完成或无法落实"))
    if resolution.assembly_id:
        raise Conflict(Code.ALREADY_SUBMITTED, _("该事项已提交业主大会"))
    compound = regions.compound_by_pk(compound_id) if isinstance(compound_id, int) else None
    if compound is None or not compound.region_path.startswith(resolution.region_path):
        raise DomainError("invalid", _("请选择本社区的小区"), field="compound_id")
    topic = resolution.topic
    text = clean_text(body, multiline=True, limit=4000) or fill(_("议题“%(t)s”(%(n)s)协商意见：%(o)s"), {
        "t": topic.title, "n": topic.number, "o": topic.outcome})
    assembly = assemblies.create_assembly(
        actor=actor, compound_id=compound.pk, title=fill(_("%(c)s业主大会：%(t)s"), {"c": compound.name, "t": resolution.title})[:120],
        convener=convener, convener_name=convener_name, opens_at=opens_at, closes_at=closes_at,
        matters=[{"item": item, "title": resolution.title[:200], "body": text}])
    resolution.assembly_id = assembly.pk
    note = fill(_("已提交%(a)s"), {"a": assembly.title})
    if resolution.status == ResolutionStatus.PLANNED:
        RESOLUTION_LIFECYCLE.apply(resolution, ResolutionAction.PROGRESS, actor=actor, lock=False, note=note)
    resolution.save()
    _event(topic, "assembly", actor, note, resolution=resolution, progress=resolution.progress)
    record_audit(actor=actor, action="consultation.assembly", target=resolution, region_path=resolution.region_path,
                 changes={"assembly": assembly.pk})
    tell(topic, fill(_("“%(r)s”已提交业主大会表决"), {"r": resolution.title}))
    return assembly


def assembly_moved(assembly: Any, *, action: str, before: str, after: str, actor: Any) -> None:
    """The owners' assembly lifecycle's listener: an assembly a resolution was put to is called,
    votes, announces its decision or is cancelled; the resolution's timeline says so, and the
    decision finishes it (the matter passed) or makes it not feasible (it did not)."""
    if after not in ("called", "voting", "announced", "cancelled"):
        return
    assembly_id, title = assembly.pk, assembly.title

    def go() -> None:
        from linli.assemblies import selectors as assemblies

        with transaction.atomic():
            r = Resolution.objects.select_for_update(of=("self",)).select_related("topic").filter(assembly_id=assembly_id).first()
            if r is None or r.status not in RUNNING:
                return
            topic = r.topic
            if after == "announced":
                found = assemblies.matters_of(assembly_id)
                passed = bool(found) and all((m.result or {}).get("passed") for m in found)
                if passed:
                    _finish(r, actor, fill(_("%(a)s决定公告：表决通过"), {"a": title}))
                else:
                    reason = fill(_("%(a)s决定公告：表决未通过"), {"a": title})
                    RESOLUTION_LIFECYCLE.apply(r, ResolutionAction.INFEASIBLE, actor=actor, lock=False, note=reason)
                    r.infeasible_reason = reason
                    r.save()
                    _event(topic, "infeasible", actor, reason, resolution=r)
                    tell(topic, fill(_("“%(r)s”无法落实，原因：%(n)s"), {"r": r.title, "n": reason}))
                    _complete_if_done(topic, actor)
                return
            if after == "cancelled":  # the community may put it to a new assembly
                r.assembly_id = None
                r.save(update_fields=["assembly_id"])
            label = {"called": _("已发布召开公告"), "voting": _("开始投票"), "cancelled": _("已取消")}[after]
            note = fill(_("%(a)s%(s)s"), {"a": title, "s": str(label)})
            _event(topic, "assembly", actor, note, resolution=r, progress=r.progress)
            tell(topic, fill(_("“%(r)s”：%(n)s"), {"r": r.title, "n": note}))

    transaction.on_commit(go)
