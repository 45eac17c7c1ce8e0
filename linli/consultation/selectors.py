"""Every read of consultation. Topics, meetings, outcomes and their progress are public (the
community's portal shows them; a proposer shows masked); the desk, the attendance list, the
minutes' scan and the clocks are for the staff of the area."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.selectors import scope_paths, scope_q
from linli.core import supervision
from linli.core.errors import NotFound
from linli.core.lifecycle import Actions
from linli.core.registry import PortalItem
from linli.regions import selectors as regions
from linli.workorders import selectors as workorders

from .models import (
    Body,
    BodyMember,
    Event,
    Follower,
    Matter,
    Meeting,
    Resolution,
    ResolutionKind,
    Support,
    Topic,
)
from .rules import FOLLOW_ROLES
from .services import matters_for, quorum_met, settings_for
from .states import (
    CLOSED,
    DECIDED,
    LIFECYCLE,
    OPEN_FOR_ANSWER,
    RESOLUTION_LIFECYCLE,
    RUNNING,
    MeetingStatus,
    Status,
)

_NOT_FOUND = "议题不存在或不在您的范围内"

TOPIC_ACTIONS = Actions(
    {"support": "consultation.support", "support_paper": "consultation.desk", "follow": "consultation.follow_topic", "withdraw": "consultation.withdraw",
     "take_up": "consultation.manage", "merge": "consultation.manage", "refer": "consultation.manage",
     "decline": "consultation.manage", "schedule": "consultation.manage", "decide": "consultation.manage",
     "disclose": "consultation.manage", "add_resolution": "consultation.manage", "rate": "consultation.rate",
     "urge": "consultation.supervise", "comment": "consultation.follow_topic"},
    lifecycle=LIFECYCLE,
    when={
        "support": lambda t: t.status in OPEN_FOR_ANSWER,
        "support_paper": lambda t: t.status in OPEN_FOR_ANSWER,
        "follow": lambda t: t.status not in CLOSED,
        "schedule": lambda t: t.status == Status.TAKEN_UP and not t.meetings.filter(status=MeetingStatus.SCHEDULED).exists(),
        "decide": lambda t: t.meetings.filter(status=MeetingStatus.CLOSED).exists(),
        "disclose": lambda t: t.status in DECIDED and not t.disclosure_id,
        "add_resolution": lambda t: t.status == Status.IMPLEMENTING,
        "rate": lambda t: t.status == Status.COMPLETED,
        "comment": lambda t: t.status == Status.TAKEN_UP,
        "urge": lambda t: t.status == Status.SUBMITTED or (t.status in DECIDED and not t.disclosure_id),
    },
)
RESOLUTION_ACTIONS = Actions(
    {"progress": "consultation.desk", "finish": "consultation.desk", "infeasible": "consultation.manage",
     "work_order": "consultation.manage", "assembly": "consultation.manage", "reopen": "consultation.manage",
     "urge": "consultation.supervise"},
    lifecycle=RESOLUTION_LIFECYCLE,
    when={
        "work_order": lambda r: r.kind in (ResolutionKind.WORK_ORDER, ResolutionKind.DEPARTMENT) and r.status in RUNNING,
        "assembly": lambda r: r.kind == ResolutionKind.ASSEMBLY and r.status in RUNNING and not r.assembly_id,
        # a resolution that follows a work order or an assembly finishes with it
        "finish": lambda r: r.kind != ResolutionKind.WORK_ORDER and not (r.kind == ResolutionKind.ASSEMBLY and r.assembly_id),
        "reopen": lambda r: r.topic.status == Status.IMPLEMENTING,
        "urge": lambda r: r.status in RUNNING,
    },
)


def available_actions(actor: Any, topic: Topic) -> list[str]:
    return TOPIC_ACTIONS.for_(actor, topic)


def resolution_actions(actor: Any, resolution: Resolution) -> list[str]:
    return RESOLUTION_ACTIONS.for_(actor, resolution)


# ---------------------------------------------------------------- topics

def _topics() -> QuerySet[Topic]:
    return Topic.objects.select_related("community", "matter", "body")


def topics_for(actor: Any, *, status: str = "", overdue: bool = False, q: str = "", region: Any = None) -> QuerySet[Topic]:
    """The desk: topics of the staff member's area, those waiting longest for an answer first."""
    qs = _topics().filter(scope_q(scope_paths(actor, FOLLOW_ROLES)))
    if region is not None:
        qs = qs.filter(region_path__startswith=region.path)
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(due_on__lt=timezone.localdate()).filter(
            Q(status=Status.SUBMITTED) | Q(status__in=DECIDED, disclosure_id__isnull=True))
    if q:
        q = q.strip()[:40]
        qs = qs.filter(Q(number__startswith=q) | Q(title__icontains=q))
    return qs.order_by("due_on", "-created_at", "-id") if (status in (Status.SUBMITTED, "") and overdue) else qs.order_by("-created_at", "-id")


def public_topics(community_path: str, *, status: str = "") -> QuerySet[Topic]:
    """A community's topics as its portal lists them: open and decided ones, newest first."""
    qs = _topics().filter(region_path=community_path).exclude(status=Status.WITHDRAWN)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def topic(pk: int) -> Topic:
    """A topic as the public reads it."""
    found = _topics().filter(pk=pk).first()
    if found is None:
        raise NotFound("not_found", _(_NOT_FOUND))
    return found


def staff_topic(actor: Any, pk: int) -> Topic:
    found = _topics().filter(pk=pk).first()
    if found is None or not actor.has_perm("consultation.read", found):
        raise NotFound("not_found", _(_NOT_FOUND))
    return found


def my_topics(actor: Any) -> QuerySet[Topic]:
    """What a resident proposed, supported or follows."""
    if not getattr(actor, "pk", None):
        return Topic.objects.none()
    mine = Q(proposer=actor) | Q(Exists(Support.objects.filter(topic=OuterRef("pk"), user=actor))) | Q(
        Exists(Follower.objects.filter(topic=OuterRef("pk"), user=actor)))
    return _topics().filter(mine).order_by("-updated_at", "-id")


@dataclass
class TopicView:
    topic: Topic
    actions: list[str]
    supported: bool
    following: bool
    timeline: list[Event]
    resolutions: list[dict[str, Any]]
    meetings: list[Meeting]
    rating: Any = None
    follow_up: Any = None
    comments: list[Any] = field(default_factory=list)
    mine: dict[str, Any] = field(default_factory=dict)


def timeline(t: Topic, *, staff: bool) -> list[Event]:
    qs = t.events.select_related("resolution").order_by("at", "id")
    if not staff:
        qs = qs.filter(public=True)
    return list(qs)


def resolutions_of(t: Topic, actor: Any) -> list[dict[str, Any]]:
    rows = list(t.resolutions.prefetch_related("orders").order_by("position"))
    order_ids = [o.order_id for r in rows for o in r.orders.all()]
    states = workorders.states_of(order_ids) if order_ids else {}
    out = []
    for r in rows:
        r.topic = t
        orders = [{"number": o.number, "closed": o.closed, "status": states.get(o.order_id, ("", "", ""))[2]} for o in r.orders.all()]
        out.append({"r": r, "orders": orders, "actions": resolution_actions(actor, r), "overdue":
                    r.status in RUNNING and r.due_on < timezone.localdate()})
    return out


def topic_view(actor: Any, t: Topic, *, staff: bool = False) -> TopicView:
    uid: int = getattr(actor, "pk", None) or 0
    from linli.core import followups

    from .models import Rating

    household = getattr(getattr(actor, "resident", None), "household_id", None) if uid else None
    supported = bool(uid) and Support.objects.filter(Q(user_id=uid) | Q(household_id=household or 0), topic=t).exists()
    return TopicView(
        topic=t, actions=available_actions(actor, t), supported=supported,
        following=bool(uid) and Follower.objects.filter(topic=t, user_id=uid).exists(),
        timeline=timeline(t, staff=staff), resolutions=resolutions_of(t, actor),
        meetings=list(t.meetings.select_related("body").order_by("starts_at")),
        rating=Rating.objects.filter(topic=t, user_id=uid, round=t.rating_round).first() if uid else None,
        follow_up=followups.task_of(t) if staff else None, comments=comments_of(t, actor, staff=staff),
    )


def comments_of(t: Topic, actor: Any, *, staff: bool) -> list[Any]:
    """Published opinions; the staff see every one (the pending to moderate), a resident his own too."""
    from .models import Comment

    qs = Comment.objects.filter(topic=t)
    if not staff:
        uid = getattr(actor, "pk", None) or 0
        qs = qs.filter(Q(status=Comment.Status.PUBLISHED) | Q(user_id=uid))
    return list(qs.order_by("at", "id")[:500])


def comment_for(actor: Any, pk: int) -> Any:
    from .models import Comment

    found = Comment.objects.select_related("topic").filter(pk=pk).first()
    if found is None or not actor.has_perm("consultation.desk", found.topic):
        raise NotFound("not_found", _("意见不存在或不在您的范围内"))
    return found


def ratings_summary(t: Topic) -> dict[str, Any]:
    from django.db.models import Count

    from linli.core.ratings import BAD_AT_MOST, share

    from .models import Rating

    rows = Rating.objects.filter(topic=t, round=t.rating_round)
    agg = rows.aggregate(n=Count("pk"), bad=Count("pk", filter=Q(rating__lte=BAD_AT_MOST)), good=Count("pk", filter=Q(rating__gte=4)))
    return {"count": agg["n"], "bad": agg["bad"], "satisfied": share(agg["good"], agg["n"])}


# ---------------------------------------------------------------- resolutions, meetings, bodies

def resolutions_for(actor: Any, *, overdue: bool = False, status: str = "", region: Any = None) -> QuerySet[Resolution]:
    """The resolution tracker of an area: the running ones by due date; ``overdue`` those past it."""
    qs = Resolution.objects.select_related("topic__community").filter(scope_q(scope_paths(actor, FOLLOW_ROLES)))
    if region is not None:
        qs = qs.filter(region_path__startswith=region.path)
    if overdue:
        qs = qs.filter(status__in=RUNNING, due_on__lt=timezone.localdate())
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("due_on", "id")


def resolution_for(actor: Any, pk: int) -> Resolution:
    found = Resolution.objects.select_related("topic__community").filter(pk=pk).first()
    if found is None or not actor.has_perm("consultation.read", found):
        raise NotFound("not_found", _("落实事项不存在或不在您的范围内"))
    return found


def meeting(pk: int) -> Meeting:
    found = Meeting.objects.select_related("topic__community", "body").filter(pk=pk).first()
    if found is None:
        raise NotFound("not_found", _("会议不存在"))
    return found


def staff_meeting(actor: Any, pk: int) -> Meeting:
    found = meeting(pk)
    if not actor.has_perm("consultation.read", found):
        raise NotFound("not_found", _("会议不存在"))
    return found


def meeting_desk(m: Meeting) -> dict[str, Any]:
    present = {a.member_id for a in m.attendance.all() if a.member_id}
    members = list(m.body.members.filter(active=True).order_by("id"))
    return {"members": [{"m": x, "present": x.pk in present} for x in members],
            "others": [a for a in m.attendance.all() if a.member_id is None], "quorum": quorum_met(m)}


def bodies_for(actor: Any) -> QuerySet[Body]:
    return Body.objects.select_related("community").filter(scope_q(scope_paths(actor, FOLLOW_ROLES))).order_by("region_path", "kind", "id")


def body_for(actor: Any, pk: int) -> Body:
    found = Body.objects.select_related("community").filter(pk=pk).first()
    if found is None or not actor.has_perm("consultation.read", found):
        raise NotFound("not_found", _("机构不存在或不在您的范围内"))
    return found


def bodies_of(community_id: int) -> list[Body]:
    return list(Body.objects.filter(community_id=community_id, active=True).order_by("kind", "id"))


def members_of(body: Body) -> list[BodyMember]:
    return list(body.members.filter(active=True).order_by("id"))


def member_for(actor: Any, pk: int) -> BodyMember:
    found = BodyMember.objects.select_related("body").filter(pk=pk).first()
    if found is None or not actor.has_perm("consultation.read", found.body):
        raise NotFound("not_found", _("成员不存在"))
    return found


def matters_of(actor: Any) -> QuerySet[Matter]:
    """The list kept by the staff member's area and what applies above it."""
    paths = scope_paths(actor, FOLLOW_ROLES)
    prefixes = {p[:n] for p in paths for n in (2, 4, 6, 9, 12) if len(p) >= n}
    return Matter.objects.filter(scope_q(paths) | Q(region_path__in=prefixes)).order_by("region_path", "order", "id")


def matter_for(actor: Any, pk: int) -> Matter:
    found = Matter.objects.filter(pk=pk).first()
    if found is None or not actor.has_perm("consultation.matters", found):
        raise NotFound("not_found", _("事项不存在或不在您的范围内"))
    return found


def community_matters(community: Any) -> list[Matter]:
    return matters_for(community.path)


def community_settings(community: Any) -> Any:
    return settings_for(community)


def communities_for(actor: Any) -> list[Any]:
    """The communities the staff member manages (for the desk's forms)."""
    from .rules import DESK_ROLES

    out: dict[str, Any] = {}
    for path in scope_paths(actor, DESK_ROLES):
        for node in regions.communities_under(path)[:500]:
            out.setdefault(node.path, node)
    return list(out.values())[:500]


def overdue_counts(actor: Any) -> dict[str, int]:
    today = timezone.localdate()
    paths = scope_paths(actor, FOLLOW_ROLES)
    return {
        "answer": Topic.objects.filter(scope_q(paths), status=Status.SUBMITTED, due_on__lt=today).count(),
        "resolution": Resolution.objects.filter(scope_q(paths), status__in=RUNNING, due_on__lt=today).count(),
    }


def may_urge(actor: Any, obj: Any) -> bool:
    return supervision.may_urge(actor, obj)


# ---------------------------------------------------------------- the public portal

def _item(t: Topic) -> PortalItem:
    return PortalItem(title=t.title, url=reverse("consultation:detail", args=[t.pk]), when=t.created_at.date(),
                      summary=t.number, badge=t.get_status_display())


def portal_topics(region_path: str, limit: int) -> list[PortalItem]:
    qs = _topics().filter(region_path__startswith=region_path or "").exclude(status=Status.WITHDRAWN)
    return [_item(t) for t in qs.order_by("-created_at", "-id")[:max(0, min(int(limit), 100))]]


def portal_search(region_path: str, q: str, limit: int) -> list[PortalItem]:
    q = (q or "").strip()[:60]
    if not q:
        return []
    qs = (_topics().filter(region_path__startswith=region_path or "").exclude(status=Status.WITHDRAWN)
          .filter(Q(title__icontains=q) | Q(outcome__icontains=q)))
    return [_item(t) for t in qs.order_by("-created_at", "-id")[:max(0, min(int(limit), 100))]]


def portal_more(region_path: str) -> str:
    """A community's portal links its topic list; a street's or district's has none of its own."""
    return reverse("consultation:public", args=[region_path[:12]]) if len(region_path) >= 12 else ""



# ---------------------------------------------------------------- for small public projects

def active_body(pk: Any, under_path: str) -> Body | None:
    """An active consultation body inside ``under_path`` (a call's street or community), or None."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return Body.objects.filter(pk=pk, active=True, region_path__startswith=under_path or "~").first()


def project_resolution(pk: Any) -> Resolution | None:
    """A resolution to be carried out as a micro-project (落实方式“列入微实事项目”), still running."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (Resolution.objects.select_related("topic__community")
            .filter(pk=pk, kind=ResolutionKind.PROJECT, status__in=RUNNING).first())
