"""Reads of the reservation engine: offered slots with their free seats, a person's bookings, a
resource's day for its staff."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.selectors import scope_paths, scope_q
from linli.core import calendar
from linli.core.errors import NotFound
from linli.core.lifecycle import Actions
from linli.core.memo import Memo

from . import availability
from .models import ExtraOpening, OpeningRule, Reservation, Resource, Slot, Suspension
from .rules import MANAGE_ROLES, check_in_open, started
from .states import LIFECYCLE, LIVE, RESOURCE_LIFECYCLE, Action, ResourceAction

# The values of a resource's settings, its hours and a booking's state (choices classes, no table),
# for the capabilities that offer resources: they name a kind or a status without the models.
ResourceKind = Resource.Kind
Audience = Resource.Audience
Asks = Resource.Asks
Season = OpeningRule.Season
WEEKDAYS = OpeningRule.WEEKDAYS
ReservationStatus = Reservation.Status

_schedules = Memo("booking.schedule", ttl=60)  # edits call forget_schedule(): at once everywhere with Redis
_resources = Memo("booking.resource", ttl=60)


def forget_schedule(resource_id: int) -> None:
    """Called when a resource, its rules, terms, closures or openings change: at once, and again
    when the change commits (a process reading in between would otherwise keep the old data)."""
    def forget() -> None:
        _schedules.forget(resource_id)
        _resources.forget(resource_id)

    forget()
    transaction.on_commit(forget)


_suspensions = Memo("booking.suspensions", ttl=60)


def _build_suspensions() -> dict[int, dt.datetime]:
    latest: dict[int, dt.datetime] = {}
    for user_id, until in Suspension.objects.filter(until__gt=timezone.now()).values_list("user_id", "until"):
        if user_id not in latest or until > latest[user_id]:
            latest[user_id] = until
    return latest


def suspended_until(user: Any, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the person's booking suspension ends, or None. Suspensions in force are few (repeated
    no-shows), so the whole list is kept in the process and checked without a query."""
    until = cast(dict[int, dt.datetime], _suspensions.get("active", _build_suspensions)).get(user.pk)
    return until if until is not None and until > (now or timezone.now()) else None


def forget_suspensions() -> None:
    _suspensions.forget("active")
    transaction.on_commit(lambda: _suspensions.forget("active"))


@dataclass(frozen=True)
class Schedule:
    rules: tuple[availability.Rule, ...]
    terms: tuple[tuple[dt.date, dt.date], ...]
    closures: tuple[availability.Period, ...]
    extra: tuple[tuple[dt.date, dt.time, dt.time], ...] = ()
    # the periods of each day asked for, computed once for this version of the schedule
    days: dict[tuple, tuple[availability.Period, ...]] = field(default_factory=dict, compare=False, repr=False)


def _build_schedule(resource_id: int) -> Schedule:
    from .models import Closure, ExtraOpening, OpeningRule, TermPeriod

    since = timezone.now() - dt.timedelta(days=1)
    return Schedule(
        rules=tuple(availability.Rule(r.weekday, r.opens, r.closes, r.season)
                    for r in OpeningRule.objects.filter(resource_id=resource_id)),
        terms=tuple((t.start, t.end) for t in TermPeriod.objects.filter(resource_id=resource_id)),
        closures=tuple(availability.Period(c.starts_at, c.ends_at)
                       for c in Closure.objects.filter(resource_id=resource_id, ends_at__gt=since)),
        extra=tuple((e.date, e.opens, e.closes)
                    for e in ExtraOpening.objects.filter(resource_id=resource_id, date__gte=since.date())))


def schedule(resource: Resource) -> Schedule:
    """The resource's rules, terms and (future) closures and openings, kept in the process while
    unchanged: every booking checks its slot against them."""
    return cast(Schedule, _schedules.get(resource.pk, lambda: _build_schedule(resource.pk)))


def slot_periods(resource: Resource, day: dt.date) -> list[availability.Period]:
    sched = schedule(resource)
    working = calendar.is_working_day(day)
    key = (day, working, resource.slot_minutes, resource.buffer_minutes)
    periods = sched.days.get(key)
    if periods is None:
        periods = tuple(availability.slots_on(
            day, rules=sched.rules, terms=sched.terms, working_day=working, closures=sched.closures, extra=sched.extra,
            slot_minutes=resource.slot_minutes, buffer_minutes=resource.buffer_minutes, tz=timezone.get_current_timezone()))
        if len(sched.days) < 400:
            sched.days[key] = periods
    return list(periods)


@dataclass
class SlotView:
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    booked: int
    waiting: int
    mine: str  # the viewer's reservation status in it, or ""
    bookable: bool

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)


# Written out rather than built with the ORM: every day view runs it, and building and compiling
# the equivalent queryset (with its subquery) cost more than the query itself.
DAY_SLOTS = """
SELECT s.id, s.starts_at, s.capacity, s.booked,
       (SELECT r.status FROM booking_reservation r
         WHERE r.slot_id = s.id AND r.user_id = %s AND r.status IN ('requested', 'confirmed', 'waiting', 'attended')
         ORDER BY r.id DESC LIMIT 1)
  FROM booking_slot s
 WHERE s.resource_id = %s AND s.starts_at >= %s AND s.starts_at <= %s"""


def _aware(value: Any) -> dt.datetime:
    """A stored start as an aware datetime (SQLite gives it back naive, in UTC)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)


def day_view(resource: Resource, day: dt.date, *, viewer: Any = None, now: dt.datetime | None = None) -> list[SlotView]:
    now = now or timezone.now()
    periods = slot_periods(resource, day)
    if not periods:
        return []
    # one statement: the day's slot rows and, for a signed-in viewer, their own booking in each
    viewer_id = viewer.pk if viewer is not None and getattr(viewer, "is_authenticated", False) else None
    adapt = connection.ops.adapt_datetimefield_value  # the stored form (SQLite: UTC text)
    with connection.cursor() as cur:
        cur.execute(DAY_SLOTS, [viewer_id, resource.pk, adapt(periods[0].start), adapt(periods[-1].start)])
        rows = {_aware(start): {"pk": pk, "capacity": cap, "booked": booked, "mine": mine or ""}
                for pk, start, cap, booked, mine in cur.fetchall()}
    waiting: dict[int, int] = {}
    full = [r["pk"] for r in rows.values() if r["booked"] >= r["capacity"]]  # only a full slot has a queue
    if full:
        waiting = dict(Reservation.objects.filter(slot_id__in=full, status=Reservation.Status.WAITING)
                       .values_list("slot_id").annotate(n=Count("id")).values_list("slot_id", "n"))
    mine = {r["pk"]: r["mine"] for r in rows.values()}
    horizon = now + dt.timedelta(days=resource.book_ahead_days)
    out = []
    for p in periods:
        row = rows.get(p.start)
        pk = row["pk"] if row else 0
        out.append(SlotView(p.start, p.end, row["capacity"] if row else resource.capacity, row["booked"] if row else 0,
                            waiting.get(pk, 0), mine.get(pk, ""), now < p.start <= horizon and resource.active))
    return out


def resources(*, kind: str = "", under: str = "") -> QuerySet[Resource]:
    qs = Resource.objects.filter(active=True)
    if kind:
        qs = qs.filter(kind=kind)
    if under:
        qs = qs.filter(region_path__startswith=under)
    return qs.select_related("region").order_by("name")


def _build_resource(pk: int) -> Resource | None:
    found = Resource.objects.filter(pk=pk, active=True).prefetch_related("served").first()
    if found is not None:
        found.served_paths = [n.path for n in found.served.all()]  # type: ignore[attr-defined]
    return found


def resource(pk: int) -> Resource:
    """An open resource (with the communities it serves), kept in the process like its
    schedule. The object is shared by the process's requests: read it, never change it."""
    found = _resources.get(pk, lambda: _build_resource(pk))
    if found is None:
        raise NotFound("not_found", _("预约项目不存在"))
    return cast(Resource, found)


def managed_resources(actor: Any) -> QuerySet[Resource]:
    named = Q(managers=actor) if getattr(actor, "is_authenticated", False) else Q(pk__in=[])
    return Resource.objects.filter(scope_q(scope_paths(actor, MANAGE_ROLES)) | named).distinct().order_by("name")


def mine(actor: Any, *, upcoming: bool = True, past: bool = False) -> QuerySet[Reservation]:
    """The person's bookings: those not yet over (default), those over (``past``), or all."""
    qs = Reservation.objects.filter(user=actor).select_related("resource", "slot")
    if past:
        qs = qs.filter(slot__ends_at__lt=timezone.now())
    elif upcoming:
        qs = qs.filter(slot__ends_at__gte=timezone.now())
    return qs.order_by("starts_at")


def reservation_for(actor: Any, pk: int) -> Reservation:
    res = Reservation.objects.select_related("resource", "slot", "user").filter(pk=pk).first()
    if res is None or not actor.has_perm("booking.view_reservation", res):
        raise NotFound("not_found", _("预约不存在或无权查看"))
    return res


def resource_day(actor: Any, res: Resource, day: dt.date) -> QuerySet[Reservation]:
    """A resource's bookings of one day, for its staff."""
    if not actor.has_perm("booking.manage", res):
        raise NotFound("not_found", _("预约项目不存在"))
    lo = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return (Reservation.objects.filter(resource=res, starts_at__gte=lo, starts_at__lt=lo + dt.timedelta(days=1))
            .select_related("user", "slot", "resource").order_by("starts_at", "created_at"))


def live_future_count(resource: Resource, *, now: dt.datetime | None = None) -> int:
    """Bookings, requests and waiting places of ``resource`` not yet begun."""
    return Reservation.objects.filter(resource=resource, status__in=LIVE, starts_at__gt=now or timezone.now()).count()


def next_open_day(resource: Resource, *, after: dt.date, now: dt.datetime | None = None) -> dt.date | None:
    """The first day after ``after`` (within how far ahead one may book) with a slot one can
    still book: offered by the schedule and with a free seat."""
    now = now or timezone.now()
    last = timezone.localtime(now + dt.timedelta(days=resource.book_ahead_days)).date()
    day = after + dt.timedelta(days=1)
    while day <= last:
        if any(s.bookable and s.free for s in day_view(resource, day, now=now)):
            return day
        day += dt.timedelta(days=1)
    return None


# ---------------------------------------------------------------- what a person may do now

# a reservation's steps a person takes (promote and expire are the engine's own); the rules
# permission says who, the lifecycle in which states, ``when`` the moment
RESERVATION_ACTIONS = Actions({
    Action.APPROVE: "booking.decide_reservation",
    Action.REJECT: "booking.decide_reservation",
    Action.CANCEL: "booking.cancel_reservation",
    Action.CHECK_IN: "booking.check_in",
    Action.NO_SHOW: "booking.mark_no_show",
}, lifecycle=LIFECYCLE, when={Action.CHECK_IN: check_in_open, Action.NO_SHOW: started})

# a resource: book it, run its day sheet and check-in (manage), set its hours (edit_schedule),
# close it or open it again
RESOURCE_ACTIONS = Actions({
    "book": "booking.book",
    "manage": "booking.manage",
    "edit_schedule": "booking.edit_schedule",
    ResourceAction.CLOSE: "booking.manage",
    ResourceAction.REOPEN: "booking.manage",
}, lifecycle=RESOURCE_LIFECYCLE, when={"book": lambda r: bool(r.active)})

STAFF_ACTIONS = ("manage", "edit_schedule", ResourceAction.CLOSE, ResourceAction.REOPEN)


def available_actions(actor: Any, obj: Reservation | Resource, *, only: Any = None) -> list[str]:
    """What ``actor`` may do with a reservation or a resource now: pages show buttons from it,
    the API returns it as ``actions``."""
    if isinstance(obj, Reservation):
        return RESERVATION_ACTIONS.for_(actor, obj, only=only)
    return RESOURCE_ACTIONS.for_(actor, obj, only=only)


def note_named(actor: Any, resources: Any, named: set[int] | None = None) -> None:
    """Leave on each resource whether ``actor`` is one of its named managers, asked once for the
    whole list (``rules.is_manager`` reads it instead of a query per row)."""
    if named is None:
        named = set(actor.managed_resources.values_list("pk", flat=True)) if getattr(actor, "is_authenticated", False) else set()
    for r in resources:
        r._linli_named = (getattr(actor, "pk", None), r.pk in named)


def note_named_once(holder: Any, actor: Any, resource: Resource) -> None:
    """As ``note_named`` for a list read row by row (an API page): the person's named resources
    are asked at most once, kept on ``holder`` (the request), and only if a rule needs them."""
    def named() -> bool:
        ids = getattr(holder, "_linli_named_resources", None)
        if ids is None:
            ids = set(actor.managed_resources.values_list("pk", flat=True))
            holder._linli_named_resources = ids
        return resource.pk in ids

    resource._linli_named = (getattr(actor, "pk", None), named)  # type: ignore[attr-defined]


def request_actor(context: Any) -> Any:
    """The signed-in person of an API response's validation context, or None."""
    request = (context or {}).get("request")
    actor = getattr(request, "auth", None) or getattr(request, "user", None)
    return actor if getattr(actor, "is_authenticated", False) else None


def staff_resources(actor: Any, *, limit: int = 500) -> list[Resource]:
    """The resources a person runs (``managed_resources``), each with its ``actions`` for them."""
    rows = list(managed_resources(actor)[:limit])
    note_named(actor, rows)
    for r in rows:
        r.actions = available_actions(actor, r, only=STAFF_ACTIONS)  # type: ignore[attr-defined]
    return rows


# ---------------------------------------------------------------- reads for the capabilities that offer resources


def own_reservation(user_id: Any, pk: Any) -> Reservation | None:
    """The person's own booking ``pk`` (with its resource), or None."""
    return Reservation.objects.filter(pk=pk, user_id=user_id).select_related("resource").first()


def reservation_for_update(pk: Any) -> Reservation:
    """A booking (with its resource) locked for the rest of the caller's transaction."""
    return Reservation.objects.select_for_update().select_related("resource").get(pk=pk)


def reservations_of(resource_id: Any) -> QuerySet[Reservation]:
    """The bookings of a resource by its id (an ``OuterRef`` in a subquery)."""
    return Reservation.objects.filter(resource_id=resource_id)


def reservations_on(resource_ids: list[int], day: dt.date) -> QuerySet[Reservation]:
    """The bookings of one day of these resources (with the person), by time and then as made."""
    lo = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return (Reservation.objects.filter(resource_id__in=resource_ids, starts_at__gte=lo, starts_at__lt=lo + dt.timedelta(days=1))
            .select_related("user").order_by("starts_at", "created_at"))


def open_on(day: dt.date, *, resource: str = "resource_id") -> Any:
    """For a subquery over rows naming a resource in the field ``resource``: whether a weekly rule
    of that weekday or an extra opening that day is recorded for it (a cheap first cut)."""
    return (Exists(OpeningRule.objects.filter(resource_id=OuterRef(resource), weekday=day.weekday()))
            | Exists(ExtraOpening.objects.filter(resource_id=OuterRef(resource), date=day)))


def seats_taken(resource_ids: list[int], lo: dt.datetime, hi: dt.datetime) -> list[tuple[int, dt.datetime, int]]:
    """(resource id, start, seats booked) of the slots of these resources starting from ``lo`` to ``hi``."""
    return list(Slot.objects.filter(resource_id__in=resource_ids, starts_at__gte=lo, starts_at__lte=hi)
                .values_list("resource_id", "starts_at", "booked"))
