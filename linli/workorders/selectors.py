"""Reads of work orders, narrowed to what the actor may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.roles import REGISTRY_ROLES, Role
from linli.accounts.selectors import scope_paths, scope_q
from linli.core.errors import NotFound
from linli.core.lifecycle import Actions
from linli.core.models import FollowUp
from linli.core.ratings import BAD_AT_MOST, fraction

from . import states
from .models import Category, HandlingUnit, WorkOrder, WorkOrderEvent

STAFF_VIEW_ROLES = (*REGISTRY_ROLES,)


def categories() -> QuerySet[Category]:
    return Category.objects.filter(active=True).select_related("parent")


def leaf_categories() -> QuerySet[Category]:
    return categories().filter(children__isnull=True)


def patrol_category_codes(actor: Any, *, days: int = 90, limit: int = 8) -> list[str]:
    """The categories a grid worker reported most on patrol lately, most frequent first."""
    since = timezone.now() - dt.timedelta(days=days)
    rows = (WorkOrderEvent.objects.filter(actor=actor, action="submit", at__gte=since, order__channel=WorkOrder.Channel.PATROL)
            .values("order__category__code").annotate(n=Count("id")).order_by("-n")[:limit])
    return [r["order__category__code"] for r in rows]


def patrol_today(actor: Any) -> list[WorkOrder]:
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    ids = WorkOrderEvent.objects.filter(actor=actor, action="submit", at__gte=start).values("order_id")
    return list(WorkOrder.objects.filter(pk__in=ids, channel=WorkOrder.Channel.PATROL)
                .select_related("category", "region").order_by("-id")[:50])


def orders_for(actor: Any, *, status: str = "", region: Any = None, overdue: bool = False, near_limit: bool = False,
               unit: HandlingUnit | None = None, mine: bool = False, q: str = "") -> QuerySet[WorkOrder]:
    """Staff see their area's orders; handlers also every order dispatched to their units;
    residents only their own."""
    now = timezone.now()
    if mine:
        qs = WorkOrder.objects.filter(Q(reporter=actor) | Q(merged_into__isnull=False, reporter=actor))
    else:
        area = scope_q(scope_paths(actor, STAFF_VIEW_ROLES))
        units = Q(unit__members=actor) if getattr(actor, "is_authenticated", False) else Q(pk__in=[])
        qs = WorkOrder.objects.filter(area | units).distinct() if not getattr(actor, "is_superuser", False) else WorkOrder.objects.all()
    if status == "open":
        qs = qs.filter(status__in=states.OPEN)
    elif status:
        qs = qs.filter(status=status)
    if region is not None:
        qs = qs.filter(region_path__startswith=region.path)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if overdue:
        qs = qs.filter(status__in=states.CLOCK_RUNNING, due_at__lt=now)
    if near_limit:  # in the last fifth of its time (see services.WARN_SHARE)
        qs = qs.filter(status__in=states.CLOCK_RUNNING, warn_at__lte=now, due_at__gte=now)
    if q:
        qs = qs.filter(Q(number__startswith=q) | Q(description__contains=q) | Q(address__contains=q))
    return qs.select_related("category__parent", "unit", "region").order_by("-id")


def order_for(actor: Any, pk: int) -> WorkOrder:
    order = WorkOrder.objects.select_related("category__parent", "unit", "region", "reporter", "merged_into").filter(pk=pk).first()
    if order is None or not actor.has_perm("workorders.view", order):
        raise NotFound("not_found", _("工单不存在或您无权查看"))
    return order


def visible_by_numbers(actor: Any, numbers: list[str]) -> list[WorkOrder]:
    """The orders of ``numbers`` the actor may see (a topic promoted from a pattern of orders)."""
    found = WorkOrder.objects.select_related("category", "region").filter(number__in=numbers[:50])
    return [o for o in found if actor.has_perm("workorders.view", o)]


def states_of(ids: list[int]) -> dict[int, tuple[str, str, str]]:
    """Each order's (number, status, status label), for a page that follows orders it created."""
    return {o.pk: (o.number, o.status, o.get_status_display())
            for o in WorkOrder.objects.filter(pk__in=ids).only("number", "status")}


def followable(actor: Any, pk: int) -> WorkOrder:
    """An open order the actor may follow (one of their community's), though not yet theirs to view."""
    order = WorkOrder.objects.select_related("category", "unit", "region").filter(pk=pk).first()
    if order is None or not actor.has_perm("workorders.follow", order):
        raise NotFound("not_found", _("工单不存在或您无权查看"))
    return order


def timeline(order: WorkOrder, *, staff: bool) -> QuerySet[WorkOrderEvent]:
    qs = order.events.select_related("actor")
    return qs if staff else qs.filter(public=True)


def as_outsider(order: WorkOrder) -> WorkOrder:
    """The order as someone sees it who did not report it and does not handle it (a follower, the
    reporter of a merged duplicate, a neighbour offered similar orders): a copy without the
    reporter's words, typed address, contact, rating comment and account — where (the
    community or grid), what kind, how far along and the result."""
    import copy

    out = copy.copy(order)  # its own field cache (Model.__getstate__): the original keeps its reporter
    out.description = out.address = out.contact_name = out.contact_phone = out.rating_comment = ""
    out.lat = out.lng = None
    out.reporter_id = None
    out._state.fields_cache.pop("reporter", None)
    return out


def visible_order(actor: Any, order: WorkOrder) -> WorkOrder:
    """What ``actor`` may read of ``order``: all of it (reporter, staff of the area, the handling
    unit) or the outsider's copy. Pages and API both show this."""
    return order if sees_everything(actor, order) else as_outsider(order)


@dataclass
class OrderView:
    order: WorkOrder  # the whole order, or the outsider's copy (see visible_order)
    full: bool  # reporter, staff of the area, the handling unit
    staff: bool  # staff: internal steps and who took each step
    events: list[WorkOrderEvent]
    photos: list[Any]


def order_view(actor: Any, order: WorkOrder) -> OrderView:
    """The one decision of what the order page and ``GET /orders/{id}`` show to ``actor``.
    Residents (the reporter too) see the public steps without staff names; outsiders (followers,
    merged reporters) also lose the reporter's name on the timeline and the rating comment."""
    import copy

    from linli.core.ratings import RATING_LABELS

    full = sees_everything(actor, order)
    staff = full and order.reporter_id != getattr(actor, "pk", None)
    events = list(timeline(order, staff=staff))
    if not staff:
        shown = []
        for e in events:
            e = copy.copy(e)
            e.actor = None
            if not full and e.action == states.Action.RATE:
                e.note = str(RATING_LABELS.get(order.rating, "")) if order.rating else ""
            shown.append(e)
        events = shown
    return OrderView(order=order if full else as_outsider(order), full=full, staff=staff, events=events,
                     photos=list(order.photos.all()) if full else [])


def similar_open(actor: Any, *, region: Any, category: Category, limit: int = 5) -> list[WorkOrder]:
    """Open orders of the same category in the same community, offered before saving a new one
    (to follow instead). Only those who see the whole order (staff whose area covers it, its
    handlers, its reporter) read its description and address; everyone else the outsider's copy:
    where (community or grid), what kind and how far along."""
    rows = list(WorkOrder.objects.filter(region_path__startswith=region.path[:12], category=category, status__in=states.OPEN,
                                         merged_into__isnull=True).select_related("category", "region", "unit")
                .order_by("-id")[:limit])
    return [visible_order(actor, row) for row in rows]


def followed_by(actor: Any, *, limit: int = 50) -> list[WorkOrder]:
    """Orders the person follows instead of reporting them again, as they may see them
    (visible_order: without the reporter's words, address and contact)."""
    rows = WorkOrder.objects.filter(followers__user=actor).select_related("category", "unit", "region").order_by("-id")[:limit]
    return [visible_order(actor, o) for o in rows]


def sees_everything(actor: Any, order: WorkOrder) -> bool:
    """The reporter and staff see the whole order; a follower (or the reporter of a duplicate
    merged into it) sees its progress, not another person's words, photos or contact."""
    if order.reporter_id is not None and order.reporter_id == getattr(actor, "pk", None):
        return True
    if getattr(actor, "is_superuser", False):
        return True
    if any(order.region_path.startswith(p) for p in scope_paths(actor, STAFF_VIEW_ROLES)):
        return True
    return bool(order.unit_id and order.unit is not None and order.unit.members.filter(pk=actor.pk).exists())


def public_orders(*, community: Any) -> QuerySet[WorkOrder]:
    """For the public transparency page: no personal data is selected at all."""
    return (
        WorkOrder.objects.filter(region_path__startswith=community.path, merged_into__isnull=True)
        .exclude(status__in=[states.Status.WITHDRAWN])
        .select_related("category", "reporter", "region")
        # no typed address (it names flats and people): the place is the grid or community
        .only("number", "category__name", "region__name", "region__level", "status", "created_at", "closed_at", "due_at",
              "region_path", "anonymous", "contact_name", "reporter__display_name")  # the name only for public_name's surname
        .order_by("-id")
    )


def follow_ups_for(actor: Any, *, open_only: bool = True) -> QuerySet[FollowUp]:
    qs = FollowUp.objects.of_model(WorkOrder).filter(scope_q(scope_paths(actor, (Role.COMMUNITY_ADMIN, Role.CASEWORKER, Role.STREET_ADMIN,
                                                               Role.DISTRICT_ADMIN, Role.CITY_ADMIN))))
    if open_only:
        qs = qs.filter(status=FollowUp.Status.OPEN)
    return qs.prefetch_related(GenericPrefetch("target", [WorkOrder.objects.select_related("category")])).order_by("due_date")  # type: ignore[type-var]


def notifications_for(actor: Any, *, unread: bool = False) -> QuerySet[Any]:
    """The person's inbox (messaging) as the work-order notifications API has always listed it."""
    from linli.messaging.selectors import messages_for

    return messages_for(actor, unread=unread)


def units_for(actor: Any) -> QuerySet[HandlingUnit]:
    return HandlingUnit.objects.filter(active=True).order_by("region_path", "name")


def active_unit(pk: Any) -> HandlingUnit | None:
    try:
        return HandlingUnit.objects.filter(pk=int(pk), active=True).first() if pk else None
    except (TypeError, ValueError):
        return None


@dataclass
class Figures:
    """Counts are ints; every rate a fraction (0–1, ``percent`` shows it), None when nothing was
    closed or rated (core.ratings.share)."""

    received: int
    closed: int
    on_time: int
    on_time_rate: float | None
    avg_hours: float | None
    rated: int
    satisfied: int
    satisfaction_rate: float | None
    overdue_open: int


def figures(actor: Any, *, start: dt.date, end: dt.date, region: Any = None) -> Figures:
    """Received, closed, on-time rate, average handling time and satisfaction for an area and period."""
    qs = orders_for(actor, region=region).order_by()
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end, dt.time.max, tzinfo=tz)
    received = qs.filter(created_at__range=(lo, hi)).count()
    closed_qs = qs.filter(closed_at__range=(lo, hi), registered_at__isnull=False)
    agg = closed_qs.aggregate(
        n=Count("id"), on_time=Count("id", filter=Q(closed_at__lte=F("due_at"))),
        avg=Avg(ExpressionWrapper(F("closed_at") - F("registered_at"), output_field=DurationField())),
        rated=Count("id", filter=Q(rating__isnull=False)), satisfied=Count("id", filter=Q(rating__gt=BAD_AT_MOST)),
    )
    avg = agg["avg"]
    return Figures(
        received=received, closed=agg["n"], on_time=agg["on_time"],
        on_time_rate=fraction(agg["on_time"], agg["n"]),
        avg_hours=round(avg.total_seconds() / 3600, 1) if avg else None,
        rated=agg["rated"], satisfied=agg["satisfied"],
        satisfaction_rate=fraction(agg["satisfied"], agg["rated"]),
        overdue_open=qs.filter(status__in=states.CLOCK_RUNNING, due_at__lt=timezone.now()).count(),
    )


A = states.Action
PERM_FOR_ACTION = {
    A.REGISTER: "workorders.dispatch", A.REFUSE: "workorders.dispatch", A.WITHDRAW: "workorders.report",
    A.MERGE: "workorders.dispatch", A.DISPATCH: "workorders.dispatch", A.REROUTE: "workorders.dispatch",
    A.ACCEPT: "workorders.handle", A.SEND_BACK: "workorders.handle", A.REPORT_DONE: "workorders.handle",
    A.VERIFY_PASS: "workorders.dispatch", A.VERIFY_FAIL: "workorders.dispatch", A.RATE: "workorders.report",
    "urge": "workorders.supervise", "extend": "workorders.supervise",  # 督办, 延期: no step of the lifecycle
}
SUPERVISOR_ACTIONS = ("urge", "extend")

# reopening (重新办理) goes through a follow-up (回访), never a button of its own
ORDER_ACTIONS = Actions(PERM_FOR_ACTION, lifecycle=states.LIFECYCLE, when={
    A.RATE: lambda order: order.rating is None,
    "urge": lambda order: order.status in states.OPEN,
    "extend": lambda order: order.status in states.OPEN and order.status != states.Status.SUBMITTED
    and order.due_at is not None,
})


def available_actions(actor: Any, order: WorkOrder) -> list[str]:
    """What this actor can do to this order now (state and permission): the order page's buttons
    and the API's ``actions``; the services refuse everything else."""
    return ORDER_ACTIONS.for_(actor, order)


def supervisor_actions(actor: Any, order: WorkOrder) -> list[str]:
    """What a supervisor may do to an order running late: 改派 (reroute), 督办 (urge), 延期 (extend).
    From the actor's role assignments alone (no query per order)."""
    return ORDER_ACTIONS.for_(actor, order, only=(A.REROUTE, *SUPERVISOR_ACTIONS))


def caller_lookup(actor: Any, phone: str) -> dict[str, Any]:
    """Hotline: who is calling (a resident in the operator's area, masked) and their recent orders."""
    from django.contrib.auth import get_user_model

    from linli.core.crypto import lookup_hash
    from linli.regions.selectors import residents_for

    if not phone:
        return {"residents": [], "orders": []}
    residents = list(residents_for(actor, q=phone)[:5])
    users = get_user_model().objects.filter(phone_hash=lookup_hash(phone))
    # only the orders the operator's own area covers (a district hotline sees its district's)
    orders = list(orders_for(actor).filter(reporter__in=users)[:10])
    return {"residents": residents, "orders": orders}


_LEAF_CACHE: dict[str, Any] = {"at": 0.0, "by_code": {}}
LEAF_CACHE_SECONDS = 60.0


def leaf_category(code: str) -> Category | None:
    """A leaf category by code, from a per-process copy refreshed every minute (intake reads it
    on every request; the tree changes a few times a year, in admin)."""
    import time

    now = time.monotonic()
    if now - _LEAF_CACHE["at"] > LEAF_CACHE_SECONDS:
        leaves = list(leaf_categories())
        for c in leaves:
            c._known_leaf = True  # type: ignore[attr-defined]  # read from the leaf query: no second check
        _LEAF_CACHE["by_code"] = {c.code: c for c in leaves}
        _LEAF_CACHE["at"] = now
    return _LEAF_CACHE["by_code"].get(code)


def forget_categories() -> None:
    _LEAF_CACHE["at"] = 0.0


# ---------------------------------------------------------------- the public portal (core.registry)

class _Area:
    def __init__(self, path: str) -> None:
        self.path = path


def portal_orders(region_path: str, limit: int) -> list[Any]:
    """The portal's 诉求公开 section: the area's latest orders as the public page shows them —
    number, category, place (grid or community), state and date; never a name or a phone."""
    return [_portal_item(o) for o in public_orders(community=_Area(region_path))[:limit]]


def _portal_item(o: WorkOrder) -> Any:
    from django.urls import reverse

    from linli.core.registry import PortalItem

    url = reverse("workorders:public", args=[o.region_path[:12]]) + f"#o{o.number}"
    return PortalItem(title=f"{o.category.name} · {o.region.name}", url=url, when=o.created_at,
                      summary=o.number, badge=o.get_status_display())


def portal_search(region_path: str, q: str, limit: int) -> list[Any]:
    """The portal's search over the area's public orders: only what the public list shows — the
    number, the category, the place (grid or community) and the state. Never the description, the
    address or anything of the reporter, so a search cannot find an order by a name or a phone."""
    q = (q or "").strip()[:30]
    if not q or not region_path:
        return []
    match = Q(number__icontains=q) | Q(category__name__icontains=q) | Q(region__name__icontains=q)
    states_named = [value for value, label in states.Status.choices if q in str(label)]
    if states_named:
        match |= Q(status__in=states_named)
    rows = public_orders(community=_Area(region_path)).filter(match)[:max(0, min(int(limit), 100))]
    return [_portal_item(o) for o in rows]


def portal_more(region_path: str) -> str:
    from django.urls import reverse

    return reverse("workorders:public", args=[region_path if len(region_path) == 12 else region_path.ljust(12, "0")])
