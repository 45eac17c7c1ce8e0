"""Reads of the one-window services, always scoped: staff see matters accepted in their area
(region_path = the accepting community), applicants their own."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.selectors import has_role, in_scope, scope_paths, scope_q
from linli.core import calendar
from linli.core.errors import NotFound
from linli.core.lifecycle import Actions
from linli.core.models import FollowUp
from linli.core.ratings import BAD_AT_MOST, fraction

from . import states
from .models import (
    Application,
    Certificate,
    CertificateKind,
    Forwarding,
    OpeningHours,
    ServiceCentre,
    ServiceItem,
)
from .rules import CASE_ROLES
from .services import NEAR_LIMIT_DAYS, decision
from .states import Action, CertificateAction, Status

# ---------------------------------------------------------------- what a person may do now

APPLICATION_ACTIONS = Actions({
    Action.ACCEPT: "affairs.handle", Action.REFUSE: "affairs.handle", Action.REQUEST_CORRECTION: "affairs.handle",
    Action.SUPPLY: "affairs.supply", Action.PROCESS: "affairs.handle", Action.FORWARD: "affairs.handle",
    Action.RETURN: "affairs.handle", Action.COMPLETE: "affairs.handle", Action.WITHDRAW: "affairs.withdraw",
    "rate": "affairs.apply",  # 好差评: no step of the lifecycle, once after completion
}, lifecycle=states.LIFECYCLE, when={
    # 一次性告知: one correction notice per matter
    Action.REQUEST_CORRECTION: lambda app: not app.correction_notified,
    # a matter the street or a department decides: completed only with their decision recorded
    Action.COMPLETE: lambda app: app.finish_at == ServiceItem.Finish.COMMUNITY or decision(app) is not None,
    "rate": lambda app: app.status == Status.COMPLETED and app.rating is None,
})

CERTIFICATE_ACTIONS = Actions({
    CertificateAction.ISSUE: "affairs.handle", CertificateAction.REFUSE: "affairs.handle",
    CertificateAction.REVOKE: "affairs.handle",
}, lifecycle=states.CERTIFICATE_LIFECYCLE, when={
    CertificateAction.ISSUE: lambda cert: cert.kind.active,  # taken off the published list: refuse only
})


def available_actions(actor: Any, obj: Application | Certificate) -> list[str]:
    """What ``actor`` may do to an application or a certificate now: the buttons of its page, the
    ``actions`` of its API answer; the services refuse everything else."""
    if isinstance(obj, Certificate):
        return CERTIFICATE_ACTIONS.for_(actor, obj)
    return APPLICATION_ACTIONS.for_(actor, obj)


def catalogue(*, q: str = "", category: str = "", online: bool | None = None) -> QuerySet[ServiceItem]:
    qs = ServiceItem.objects.filter(active=True)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(code__iexact=q) | Q(conditions__contains=q))
    if category:
        qs = qs.filter(category=category)
    if online is not None:
        qs = qs.filter(online=online)
    return qs.prefetch_related("materials")


def item_by_code(code: str) -> ServiceItem:
    item = ServiceItem.objects.filter(code=code, active=True).prefetch_related("materials").first()
    if item is None:
        raise NotFound("not_found", _("事项不存在"))
    return item


def centres(*, under: str = "") -> QuerySet[ServiceCentre]:
    qs = ServiceCentre.objects.select_related("region").prefetch_related("hours")
    return qs.filter(region_path__startswith=under) if under else qs


# ---------------------------------------------------------------- area picker (public: the region tree's names)

def districts() -> list[Any]:
    from linli.regions.selectors import Level, nodes

    return list(nodes(level=Level.DISTRICT).only("code", "path", "name"))


def area_children(node: Any) -> list[Any]:
    """Streets of a district, communities of a street."""
    from linli.regions.selectors import nodes

    if node is None:
        return []
    return list(nodes(parent=node).only("code", "path", "name", "level"))


def area_node(code: str, level: str) -> Any:
    """The region node of ``level`` with this code (the 12-digit statistical code or its path), or None."""
    from linli.regions.selectors import node_by_code_or_path

    code = (code or "").strip()
    if not code.isdigit() or len(code) > 15:
        return None
    return node_by_code_or_path(code, level=level)


def centres_for(actor: Any) -> QuerySet[ServiceCentre]:
    """The windows the caseworker works at."""
    return ServiceCentre.objects.filter(scope_q(scope_paths(actor, CASE_ROLES))).select_related("region").order_by("region_path")


def is_caseworker(actor: Any) -> bool:
    return has_role(actor, CASE_ROLES)


_ID_RUN = re.compile(r"(?<![A-Za-z0-9])\d{15,}")  # 15 digits or more not part of a receipt number like A20261201…


def looks_like_id_number(value: str) -> bool:
    """An ID number (or most of one): it must never travel in a URL (PIPL; URLs end up in logs and histories)."""
    return bool(_ID_RUN.search((value or "").replace(" ", "")))


def item_choices() -> QuerySet[ServiceItem]:
    return ServiceItem.objects.filter(active=True).only("code", "name").order_by("sort", "code")


def queue(actor: Any, *, status: str = "", flt: str = "", item: str = "", q: str = "",
          centre: ServiceCentre | None = None, id_hash: str = "") -> QuerySet[Application]:
    """The workbench: every item across the window's intake. ``q`` is a receipt number or a name;
    an applicant is found by ID number only through ``id_hash`` (the lookup hash of a number sent
    by POST), never by a number in the query string."""
    qs = Application.objects.filter(scope_q(scope_paths(actor, CASE_ROLES)))
    if status == "open":
        qs = qs.filter(status__in=states.OPEN)
    elif status:
        qs = qs.filter(status=status)
    today = timezone.localdate()
    if flt == "overdue":
        qs = qs.filter(status__in=states.CLOCK_RUNNING, due_date__lt=today)
    elif flt == "near":
        qs = qs.filter(status__in=states.CLOCK_RUNNING, due_date__gte=today,
                       due_date__lte=calendar.add_working_days(today, NEAR_LIMIT_DAYS))
    elif flt == "correction":
        qs = qs.filter(status=states.Status.CORRECTION)
    elif flt == "forward_overdue":  # the department has not answered by the date it was given
        qs = qs.filter(status=states.Status.FORWARDED, forwardings__returned_at__isnull=True, forwardings__due_date__lt=today)
    if item:
        qs = qs.filter(item__code=item)
    if centre is not None:
        qs = qs.filter(centre=centre)
    if id_hash:
        qs = qs.filter(applicant_id_hash=id_hash)
    q = (q or "").strip()
    if q and not looks_like_id_number(q):
        qs = qs.filter(number=q) if q[:1] == "A" and q[1:].isdigit() else qs.filter(applicant_name=q)
    return qs.select_related("centre").order_by("-id")


def application_for(actor: Any, pk: int) -> Application:
    app = Application.objects.select_related("item", "centre", "caseworker", "resident").filter(pk=pk).first()
    if app is None or not actor.has_perm("affairs.view", app):
        raise NotFound("not_found", _("办件不存在或无权查看"))
    return app


def mine(actor: Any) -> QuerySet[Application]:
    return Application.objects.filter(applicant_user=actor).order_by("-id")


def history(actor: Any, app: Application) -> list[Application]:
    """The applicant's other matters the caseworker may see (by ID number)."""
    if not app.applicant_id_hash:
        return []
    return list(Application.objects.filter(scope_q(scope_paths(actor, CASE_ROLES)), applicant_id_hash=app.applicant_id_hash)
                .exclude(pk=app.pk).order_by("-id")[:20])


def timeline(app: Application, *, staff: bool) -> QuerySet[Any]:
    qs = app.events.select_related("actor")
    return qs if staff else qs.filter(public=True)


def forwardings(app: Application) -> list[Forwarding]:
    """The matter's hand-overs to departments (转办), oldest first."""
    return list(app.forwardings.select_related("sent_by", "returned_by"))


def by_token(token: str) -> Application:
    app = Application.objects.filter(public_token=token).first()
    if app is None:
        raise NotFound("not_found", _("查询码无效"))
    return app


def rectifications_for(actor: Any, *, state: str = "open") -> QuerySet[FollowUp]:
    qs = FollowUp.objects.of_model(Application).filter(scope_q(scope_paths(actor, CASE_ROLES))).prefetch_related("target")
    return qs.filter(status=state) if state else qs


def certificate_kinds() -> QuerySet[CertificateKind]:
    return CertificateKind.objects.filter(active=True)


def certificates_for(actor: Any, *, state: str = "") -> QuerySet[Certificate]:
    qs = Certificate.objects.filter(scope_q(scope_paths(actor, CASE_ROLES))).select_related("kind")
    return (qs.filter(state=state) if state else qs).order_by("-id")


def certificate_for(actor: Any, pk: int) -> Certificate:
    cert = Certificate.objects.select_related("kind").filter(pk=pk).first()
    if cert is not None and (cert.requester_id == getattr(actor, "pk", None) or in_scope(actor, CASE_ROLES, cert.region_path)):
        return cert
    raise NotFound("not_found", _("证明不存在或无权查看"))


def my_certificates(actor: Any) -> QuerySet[Certificate]:
    return Certificate.objects.filter(requester=actor).select_related("kind").order_by("-id")


def verify(code: str) -> Certificate | None:
    code = (code or "").strip().upper()
    if not code or len(code) > 12:
        return None
    return Certificate.objects.select_related("kind").filter(verify_code=code).exclude(state__in=("requested", "refused")).first()


@dataclass
class Figures:
    received: int
    completed: int
    on_time: int
    on_time_rate: float | None
    rated: int
    average_rating: float | None
    bad_ratings: int
    overdue_open: int


def figures(actor: Any, *, path: str = "", item: str = "", centre: ServiceCentre | None = None,
            start: Any = None, end: Any = None) -> Figures:
    """好差评 and timeliness per region node, item and window."""
    qs = Application.objects.filter(scope_q(scope_paths(actor, CASE_ROLES))).exclude(status=states.Status.SUBMITTED)
    if path:
        qs = qs.filter(region_path__startswith=path)
    if item:
        qs = qs.filter(item__code=item)
    if centre is not None:
        qs = qs.filter(centre=centre)
    if start:
        qs = qs.filter(accepted_on__gte=start)
    if end:
        qs = qs.filter(accepted_on__lte=end)
    agg = qs.aggregate(
        received=Count("id"),
        completed=Count("id", filter=Q(status=states.Status.COMPLETED)),
        on_time=Count("id", filter=Q(status=states.Status.COMPLETED, completed_at__date__lte=F("due_date"))),
        rated=Count("id", filter=Q(rating__isnull=False)),
        avg=Avg("rating"),
        bad=Count("id", filter=Q(rating__lte=BAD_AT_MOST)),
        overdue=Count("id", filter=Q(status__in=states.CLOCK_RUNNING, due_date__lt=timezone.localdate())),
    )
    return Figures(received=agg["received"], completed=agg["completed"], on_time=agg["on_time"],
                   on_time_rate=fraction(agg["on_time"], agg["completed"]),
                   rated=agg["rated"], average_rating=round(agg["avg"], 2) if agg["avg"] is not None else None,
                   bad_ratings=agg["bad"], overdue_open=agg["overdue"])


def _breakdown(actor: Any, keys: tuple[str, ...], path: str = "") -> list[dict[str, Any]]:
    qs = Application.objects.filter(scope_q(scope_paths(actor, CASE_ROLES))).exclude(status=states.Status.SUBMITTED)
    if path:
        qs = qs.filter(region_path__startswith=path)
    rows = list(qs.values(*keys).annotate(
        received=Count("id"), completed=Count("id", filter=Q(status=states.Status.COMPLETED)),
        on_time=Count("id", filter=Q(status=states.Status.COMPLETED, completed_at__date__lte=F("due_date"))),
        avg=Avg("rating"), bad=Count("id", filter=Q(rating__lte=BAD_AT_MOST))).order_by("-received")[:100])
    for row in rows:
        row["on_time_rate"] = fraction(row["on_time"], row["completed"])
    return rows


def figures_by_item(actor: Any, *, path: str = "") -> list[dict[str, Any]]:
    return _breakdown(actor, ("item__code", "item_name"), path)


def figures_by_centre(actor: Any, *, path: str = "") -> list[dict[str, Any]]:
    """Per window (受理窗口); online applications not yet at a window are left out."""
    return [r for r in _breakdown(actor, ("centre_id", "centre__name"), path) if r["centre_id"]]


# ---------------------------------------------------------------- figures per region node

NEXT_WIDTH = {0: 6, 4: 6, 6: 9, 9: 12, 12: 12}  # city → districts, district → streets, street → communities
LEVEL_OF_WIDTH = {6: "district", 9: "street", 12: "community"}


@dataclass
class RegionFigures:
    path: str
    name: str
    level: str
    received: int
    completed: int
    on_time: int
    on_time_rate: float | None
    average_rating: float | None
    bad_ratings: int
    overdue_open: int


def figures_area(actor: Any, code: str) -> Any:
    """A region node inside the actor's area to narrow the figures to, by code or path; NotFound otherwise."""
    from linli.regions.selectors import node_by_code_or_path

    code = (code or "").strip()
    node = node_by_code_or_path(code) if code.isdigit() and len(code) <= 15 else None
    if node is None or not in_scope(actor, CASE_ROLES, node.path):
        raise NotFound("not_found", _("区划不存在或不在您的辖区"))
    return node


def figures_by_region(actor: Any, *, path: str = "") -> list[RegionFigures]:
    """The figures of the actor's area one level down: per district for the city, per street for a
    district admin, per community for a street admin (or under ``path``, a node inside the area).
    Every node of that level in the area is listed, with zeros where nothing was accepted."""
    from linli.regions.selectors import nodes as region_nodes

    paths = scope_paths(actor, CASE_ROLES)
    if not paths:
        return []
    if path:
        if not any(path.startswith(p) for p in paths):
            return []
        bases = [path]
    else:
        bases = paths
    width = NEXT_WIDTH.get(min(len(b) for b in bases), 12)
    level = LEVEL_OF_WIDTH[width]
    qs = Application.objects.filter(scope_q(paths)).exclude(status=states.Status.SUBMITTED)
    if path:
        qs = qs.filter(region_path__startswith=path)
    today = timezone.localdate()
    agg = {r["area"]: r for r in qs.order_by().annotate(area=Substr("region_path", 1, width)).values("area").annotate(
        received=Count("id"), completed=Count("id", filter=Q(status=states.Status.COMPLETED)),
        on_time=Count("id", filter=Q(status=states.Status.COMPLETED, completed_at__date__lte=F("due_date"))),
        avg=Avg("rating"), bad=Count("id", filter=Q(rating__lte=BAD_AT_MOST)),
        overdue=Count("id", filter=Q(status__in=states.CLOCK_RUNNING, due_date__lt=today)))}
    nodes = region_nodes(within=bases, level=level).values_list("path", "name")
    names = dict(nodes[:2000])
    out = []
    for area in sorted(set(names) | set(agg)):
        r = agg.get(area, {})
        completed = r.get("completed", 0)
        out.append(RegionFigures(
            path=area, name=names.get(area, area), level=level, received=r.get("received", 0), completed=completed,
            on_time=r.get("on_time", 0), on_time_rate=fraction(r.get("on_time", 0), completed),
            average_rating=round(r["avg"], 2) if r.get("avg") is not None else None, bad_ratings=r.get("bad", 0),
            overdue_open=r.get("overdue", 0)))
    return out


# ---------------------------------------------------------------- the public portal (core.registry)

def _above(path: str) -> list[str]:
    """The paths of the nodes above ``path`` (city, district, street)."""
    return [path[:n] for n in (4, 6, 9) if n < len(path)]


def _days(days: list[int]) -> str:
    """周一至周五, 周二、周四: runs of three or more weekdays as a range."""
    names = dict(OpeningHours.WEEKDAYS)
    runs: list[list[int]] = []
    for d in sorted(days):
        if runs and d == runs[-1][-1] + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(_("%(a)s至%(b)s") % {"a": names[run[0]], "b": names[run[-1]]})
        else:
            parts += [str(names[d]) for d in run]
    return str(_("、")).join(parts)


def hours_text(hours: list[Any]) -> str:
    """A centre's opening hours in one line, each period with its weekdays:
    "周一至周五 09:00–18:00；周二、周四 18:00–20:30（错时服务）"."""
    by_slot: dict[tuple[Any, Any, bool], list[int]] = {}
    for h in hours:
        by_slot.setdefault((h.opens, h.closes, h.extended), []).append(h.weekday)
    slots = sorted(by_slot.items(), key=lambda kv: (min(kv[1]), kv[0][0]))
    return str(_("；")).join(
        f"{_days(days)} {opens:%H:%M}–{closes:%H:%M}" + (_("（%(what)s）") % {"what": _("错时服务")} if extended else "")
        for (opens, closes, extended), days in slots)


def portal_centres(region_path: str, limit: int) -> list[Any]:
    """The portal's 服务中心 section: the windows of the node, of the nodes above it (a street's
    centre serves its communities) and below it, each with its address and opening hours
    (错时服务 marked). Public data only: the centre's name, address and its own enquiry line."""
    from django.urls import reverse

    from linli.core.registry import PortalItem

    qs = centres().filter(Q(region_path__startswith=region_path) | Q(region_path__in=_above(region_path)))
    out = []
    base = reverse("affairs:catalogue")
    for c in qs.order_by("region_path", "name")[:limit]:
        hours = list(c.hours.all())
        text = hours_text(hours) or str(_("开放时间未公布"))
        query = f"?district={c.region_path[:6]}" + (f"&street={c.region_path[:9]}" if len(c.region_path) >= 9 else "")
        out.append(PortalItem(title=c.name, url=base + query, summary=f"{c.address} · {text}",
                              badge=str(_("错时服务")) if any(h.extended for h in hours) else ""))
    return out


def portal_items_search(region_path: str, q: str, limit: int) -> list[Any]:
    """The portal's search over the service catalogue (事项 are the same everywhere)."""
    from django.urls import reverse

    from linli.core.registry import PortalItem

    return [PortalItem(title=i.name, url=reverse("affairs:item", args=[i.code]), summary=i.get_category_display())
            for i in catalogue(q=q).order_by("code")[:limit]]


def portal_more(region_path: str) -> str:
    from django.urls import reverse

    query = f"?district={region_path[:6]}" + (f"&street={region_path[:9]}" if len(region_path) >= 9 else "")
    return reverse("affairs:catalogue") + query
