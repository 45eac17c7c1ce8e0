"""Every read of small public projects. Calls, designs, the shortlist, the chosen list, progress and
photos are public (each community's portal shows its own and its street's); the desk, paper ballots,
reviews' counts and the designers' contacts are for the staff of the area. Who voted for what is
never shown: only the counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.selectors import scope_paths, scope_q
from linli.core import supervision
from linli.core.errors import NotFound
from linli.core.registry import PortalItem

from .models import Ballot, Call, Designer, Event, Follower, Photo, Project, Rating, VoteMode
from .rules import READ_ROLES
from .states import CALL_LIFECYCLE, FINISHED, LIFECYCLE, RUNNING, CallStatus, Status

PUBLIC_STATUSES = [s for s in Status.values if s != Status.WITHDRAWN]

def call_actions(actor: Any, call: Call) -> list[str]:
    """The buttons of a call for this person (the rule and the state agree with the service)."""
    found = []
    if actor.has_perm("projects.manage", call):
        found += [a for a in ("design", "review", "vote", "choose", "cancel") if CALL_LIFECYCLE.can(call.status, a)]
        if call.status == CallStatus.REVIEW:  # a residents' vote, or the body's shortlist published at once
            found.remove("choose" if call.vote_mode != VoteMode.NONE else "vote")
        if call.status == CallStatus.VOTING and call.vote_closes is not None and timezone.now() < call.vote_closes:
            found.remove("choose")  # the list is published once the vote has closed
        if call.status == CallStatus.IDEAS and timezone.localdate() <= call.ideas_until:
            found.append("from_resolution")
    if call.status == CallStatus.IDEAS and timezone.localdate() <= call.ideas_until:
        if desk_communities(actor, call):
            found.append("propose_desk")
        elif actor.has_perm("projects.propose", call):
            found.append("propose")
    if call.status == CallStatus.VOTING and voting_open(call):
        if desk_communities(actor, call):
            found.append("paper")
        if actor.has_perm("projects.vote", call):
            found.append("ballot")
    return found


def desk_communities(user: Any, call: Call) -> list[Any]:
    """The communities of the call where the user keeps the desk: the call's own desk keeps all of
    them; a community's caseworker keeps his own in his street's call (ideas entered for its
    residents, their paper ballots — as ``services.propose`` and ``record_paper`` accept)."""
    from linli.accounts.selectors import has_role
    from linli.regions import selectors as regions

    from .rules import DESK_ROLES

    if not getattr(user, "is_authenticated", False) or not has_role(user, DESK_ROLES):
        return []
    found = list(regions.communities_under(call.region_path)[:300])
    if user.has_perm("projects.desk", call):
        return found
    return [c for c in found if user.has_perm("projects.desk", c)]


def project_actions(actor: Any, p: Project) -> list[str]:
    found = []
    call_status = p.call.status
    if actor.has_perm("projects.manage", p):
        if LIFECYCLE.can(p.status, "assign") and call_status in (CallStatus.IDEAS, CallStatus.DESIGN):
            found.append("assign")
        if call_status in (CallStatus.DESIGN, CallStatus.REVIEW) and p.status in (Status.IDEA, Status.DESIGNING, Status.DESIGNED):
            found.append("review")
        if LIFECYCLE.can(p.status, "infeasible"):
            found.append("infeasible")
    if actor.has_perm("projects.design", p) and LIFECYCLE.can(p.status, "design") and call_status in (
            CallStatus.IDEAS, CallStatus.DESIGN, CallStatus.REVIEW):
        found.append("design")
    if actor.has_perm("projects.desk", p):
        if LIFECYCLE.can(p.status, "progress"):
            found += ["progress", "photo"]
        elif p.status == Status.DONE:
            found.append("photo")  # the site after the works, a reopened defect's repair
        if LIFECYCLE.can(p.status, "finish"):
            found.append("finish")
    if actor.has_perm("projects.withdraw", p) and LIFECYCLE.can(p.status, "withdraw"):
        found.append("withdraw")
    if p.status == Status.DONE and actor.has_perm("projects.rate", p) and not Rating.objects.filter(
            project=p, user=actor, round=p.rating_round).exists():
        found.append("rate")
    if actor.has_perm("projects.follow", p):
        found.append("unfollow" if Follower.objects.filter(project=p, user=actor).exists() else "follow")
    if supervision.may_urge(actor, p) and p.status in RUNNING:
        found.append("urge")
    return found


def tally_public(c: Call) -> bool:
    """The votes are public once the list is published (no running tally while residents vote);
    the staff of the area see them throughout."""
    return c.status in (CallStatus.CHOSEN, CallStatus.CLOSED)


def ballot_count(c: Call) -> int:
    """Ballots cast: stored on the call once its list is published, counted while the vote runs."""
    return c.ballots if c.status in (CallStatus.CHOSEN, CallStatus.CLOSED) else Ballot.objects.filter(call=c).count()


def voting_open(call: Call, now: Any = None) -> bool:
    now = now or timezone.now()
    return call.status == CallStatus.VOTING and call.vote_opens is not None and call.vote_opens <= now < call.vote_closes


# ---------------------------------------------------------------- calls

def _calls() -> QuerySet[Call]:
    return Call.objects.select_related("region")


def calls_for(actor: Any, *, status: str = "", region: Any = None) -> QuerySet[Call]:
    """The desk: calls of the staff member's area (a street's calls show to its communities' staff
    too, since their residents' ideas are in them)."""
    paths = scope_paths(actor, READ_ROLES)
    q = scope_q(paths) | Q(region_path__in={p[:9] for p in paths if len(p) >= 12})
    qs = _calls().filter(q)
    if region is not None:
        qs = qs.filter(region_path__startswith=region.path[:9] if region.level == "community" else region.path)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def public_calls(path: str) -> QuerySet[Call]:
    """The calls a community's residents take part in: their community's and their street's."""
    return _calls().filter(region_path__in=[path[:9], path[:12]]).exclude(status=CallStatus.CANCELLED).order_by("-created_at", "-id")


def call(pk: Any) -> Call:
    found = _calls().filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound("not_found", _("征集不存在"))
    return found


def staff_call(actor: Any, pk: Any) -> Call:
    found = call(pk)
    if not actor.has_perm("projects.read", found) and not _reads_street(actor, found):
        raise NotFound("not_found", _("征集不存在"))
    return found


def _reads_street(actor: Any, c: Call) -> bool:
    """A community's staff reads its street's calls (the desk of its residents' ideas)."""
    return len(c.region_path) == 9 and any(p[:9] == c.region_path for p in scope_paths(actor, READ_ROLES) if len(p) >= 12)


def projects_of(c: Call, *, public: bool) -> list[Project]:
    qs = c.projects.select_related("community", "designer").order_by("-votes", "id")
    if public:
        qs = qs.exclude(status=Status.WITHDRAWN)
    return list(qs)


def budget_summary(c: Call) -> dict[str, Any]:
    rows = list(c.projects.filter(status__in=[Status.SHORTLISTED, Status.CHOSEN, *RUNNING, *FINISHED]).values_list("status", "cost"))
    shortlisted = sum((cost or Decimal(0)) for s, cost in rows if s == Status.SHORTLISTED)
    return {"budget": c.budget, "chosen": c.chosen_total, "left": c.budget - c.chosen_total, "shortlisted": shortlisted,
            "ideas": c.projects.exclude(status=Status.WITHDRAWN).count()}


# ---------------------------------------------------------------- projects

def _projects() -> QuerySet[Project]:
    return Project.objects.select_related("call__region", "community", "designer")


def project(pk: Any) -> Project:
    found = _projects().filter(pk=pk).exclude(status=Status.WITHDRAWN).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound("not_found", _("项目不存在"))
    return found


def staff_project(actor: Any, pk: Any) -> Project:
    found = _projects().filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None or not (actor.has_perm("projects.read", found) or actor.has_perm("projects.design", found)):
        raise NotFound("not_found", _("项目不存在"))
    return found


def projects_for(actor: Any, *, status: str = "", overdue: bool = False) -> QuerySet[Project]:
    qs = _projects().filter(scope_q(scope_paths(actor, READ_ROLES)))
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status__in=RUNNING, due_on__lt=timezone.localdate())
    return qs.order_by("due_on", "id") if overdue else qs.order_by("-created_at", "-id")


def my_design_work(actor: Any) -> QuerySet[Project]:
    """A designer's projects (for the designer's own page)."""
    if not getattr(actor, "is_authenticated", False):
        return Project.objects.none()
    return _projects().filter(designer__user=actor).order_by("-created_at", "-id")


def timeline(p: Project, *, staff: bool) -> list[Event]:
    qs = p.events.select_related("actor").order_by("at", "id")
    return list(qs if staff else qs.filter(public=True))


def photos_of(p: Project) -> dict[str, list[Photo]]:
    found: dict[str, list[Photo]] = {k: [] for k in Photo.Phase.values}
    for ph in p.photos.order_by("at", "id"):
        found[ph.phase].append(ph)
    return found


def photo(p: Project, pk: Any) -> Photo:
    found = p.photos.filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound("not_found", _("照片不存在"))
    return found


def ratings_summary(p: Project) -> dict[str, Any]:
    rows = list(Rating.objects.filter(project=p, round=p.rating_round).values_list("rating", flat=True))
    return {"count": len(rows), "average": round(sum(rows) / len(rows), 1) if rows else None}


def my_ballot(actor: Any, c: Call) -> Ballot | None:
    resident = getattr(actor, "resident", None) if getattr(actor, "is_authenticated", False) else None
    if resident is None:
        return None
    return Ballot.objects.filter(call=c, resident_id=resident.pk).prefetch_related("projects").first()


@dataclass
class ProjectView:
    project: Project
    actions: list[str]
    timeline: list[Event]
    photos: dict[str, list[Photo]]
    ratings: dict[str, Any]
    reviews: list[Any] = field(default_factory=list)


def project_view(actor: Any, p: Project, *, staff: bool = False) -> ProjectView:
    return ProjectView(project=p, actions=project_actions(actor, p), timeline=timeline(p, staff=staff), photos=photos_of(p),
                       ratings=ratings_summary(p), reviews=list(p.reviews.order_by("at", "id")))


# ---------------------------------------------------------------- designers

def designers_for(actor: Any) -> QuerySet[Designer]:
    """The registry as the staff member reads it: those registered in his area and those serving his streets."""
    paths = scope_paths(actor, READ_ROLES)
    q = scope_q(paths)
    streets = {p[:9] for p in paths if len(p) >= 9}
    if streets:
        q |= Q(streets__path__in=streets)
    if any(len(p) < 9 for p in paths):  # a district or the city sees every designer serving a street of its area
        for p in paths:
            if len(p) < 9:
                q |= Q(streets__path__startswith=p)
    return Designer.objects.filter(q).distinct().prefetch_related("streets").order_by("name", "id")


def designers_serving(street_path: str) -> list[Designer]:
    return list(Designer.objects.filter(active=True, streets__path=street_path[:9]).order_by("name", "id"))


def designer_for(actor: Any, pk: Any) -> Designer:
    found = designers_for(actor).filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound("not_found", _("设计师不存在或不在您的范围内"))
    return found


def designer_projects(d: Designer) -> list[Project]:
    return list(d.projects.select_related("call").order_by("-created_at")[:50])


# ---------------------------------------------------------------- the public portal

def _item(c: Call) -> PortalItem:
    return PortalItem(title=c.title, url=reverse("projects:call", args=[c.pk]), when=c.created_at.date(),
                      summary=c.number, badge=c.get_status_display())


def portal_items(region_path: str, limit: int) -> list[PortalItem]:
    path = region_path or ""
    qs = _calls().exclude(status=CallStatus.CANCELLED)
    qs = qs.filter(region_path__in=[path[:9], path[:12]]) if len(path) >= 12 else qs.filter(region_path__startswith=path)
    return [_item(c) for c in qs.order_by("-created_at", "-id")[:max(0, min(int(limit), 100))]]


def portal_more(region_path: str) -> str:
    return reverse("projects:public", args=[region_path[:12]]) if len(region_path) >= 12 else ""


def overdue_count(actor: Any) -> int:
    return projects_for(actor, overdue=True).count()
