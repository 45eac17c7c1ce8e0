"""The supervision clock (督办): one sweep for everything that has a deadline.

An app registers each kind of thing with a deadline once, in its ``AppConfig.ready``::

    supervision.register(
        "workorders.order", running=WorkOrder.objects.filter(status__in=CLOCK_RUNNING),
        deadline="due_at", unit=supervision.DAYS, steps={1: 0, 2: 1, 3: 3}, warn_at="warn_at",
        round="clock_round", level="escalation_level", fields=("number", "unit_id"),
        told=told, notify=notify, timeline=timeline,
        supervise="workorders.supervise", handlers=handlers, audit="workorder")

- ``running``: the items whose clock runs; ``deadline``: a date or datetime field; ``unit``:
  whether ``steps`` and ``warn_before`` count working days or working hours (the official
  calendar, ``core.calendar``).
- ``steps``: level → how far past the deadline the level is raised (1 社区督办, 2 街道督办,
  3 区级督办; names in ``LEVELS``). An item found late enough for a higher level goes straight
  there; the levels it skipped are not recorded.
- ``warn_before`` (working days/hours before the deadline) or ``warn_at`` (a field holding the
  moment the item is near its limit): one warning per round.
- ``round``: the field counting clock rounds (``new_round(obj)`` when the deadline starts afresh:
  supervision counts again from level 1); ``level``: a field mirroring the level reached, for
  lists and badges.
- ``told(items, level)`` → ``{item pk: [users]}`` (level 0: the warning); ``notify(pairs, *, kind,
  level, actor, note)`` sends each ``(item, users)`` pair the app's own text through the app's
  notify function; ``timeline(items, *, kind, level, actor, note)`` writes the app's event rows.
- ``supervise``: the rules permission for a supervisor's 督办 (``urge``), ``handlers(obj)`` who
  it reaches, ``audit`` the audit code prefix (``<audit>.urge``).

Every warning, level and 督办 is a ``core.Escalation`` row; its unique constraint (target, round,
level, kind) makes a warning or a level happen once per round, however many sweeps run. Rows are
taken with ``select_for_update(skip_locked=True)`` and the condition is checked again under the
lock; the insert tells which rows were recorded and only those are raised.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import calendar
from .errors import Conflict, DomainError, PermissionDenied
from .text import clean_text

log = logging.getLogger("linli.supervision")

DAYS, HOURS = "days", "hours"
BATCH = 2000


@dataclass(frozen=True)
class Level:
    number: int
    name: Any
    width: int  # the office of the level: the first ``width`` characters of the region path


LEVELS: dict[int, Level] = {
    1: Level(1, _("社区督办"), 12),
    2: Level(2, _("街道督办"), 9),
    3: Level(3, _("区级督办"), 6),
}


def level_name(level: int) -> str:
    """The level's name in the reader's language ("" for none)."""
    found = LEVELS.get(level)
    return str(found.name) if found is not None else ""


def office_path(region_path: str, level: int) -> str:
    """The region path of the office that supervises at ``level``."""
    return region_path[:LEVELS[level].width]


@dataclass(frozen=True)
class Clock:
    name: str
    running: models.QuerySet
    deadline: str
    unit: str
    steps: dict[int, float]
    told: Callable[[list[Any], int], dict[Any, list[Any]]]
    notify: Callable[..., Any]
    timeline: Callable[..., Any] | None = None
    region: str = "region_path"
    round: str | None = None
    level: str | None = None
    warn_before: float | None = None
    warn_at: str | None = None
    fields: tuple[str, ...] = ()
    supervise: str | None = None
    handlers: Callable[[Any], Iterable[Any]] | None = None
    audit: str = ""
    closed: tuple[str, Any] = ("not_running", _("已办结，无需督办"))
    every: str | None = None  # setting: the least seconds between two sweeps of this clock by the periodic task
    chase: Callable[[dt.datetime], Any] | None = None  # the app's own step reminders, run by the same sweep
    dated: bool = field(default=False)

    @property
    def model(self) -> type[models.Model]:
        return self.running.model

    def items(self) -> models.QuerySet:
        return self.running.all()

    # -- the moments the conditions compare the deadline with --------------------------------

    def late_by(self, amount: float, now: dt.datetime) -> dt.datetime | dt.date:
        """An item whose deadline is before this is at least ``amount`` working days/hours late."""
        if self.unit == HOURS:
            return calendar.subtract_working_hours(now, amount)
        today = timezone.localdate(now)
        if self.dated:
            return calendar.add_working_days(today, -int(amount)) if amount else today
        if not amount:
            return now
        day = calendar.add_working_days(today, -int(amount))
        return timezone.make_aware(dt.datetime.combine(day, timezone.localtime(now).time()))

    def near(self, now: dt.datetime) -> dict[str, Any]:
        """The filter of items near their limit now (not yet past it)."""
        d = self.deadline
        not_past = {f"{d}__gte": timezone.localdate(now)} if self.dated else {f"{d}__gt": now}
        if self.warn_at:
            return not_past | {f"{self.warn_at}__lte": now}
        amount = float(self.warn_before or 0)
        if self.unit == HOURS:
            ahead: Any = calendar.add_working_hours(now, amount)
        elif self.dated:
            ahead = calendar.add_working_days(timezone.localdate(now), int(amount))
        else:
            day = calendar.add_working_days(timezone.localdate(now), int(amount))
            ahead = timezone.make_aware(dt.datetime.combine(day, timezone.localtime(now).time()))
        return not_past | {f"{d}__lte": ahead}


_clocks: dict[str, Clock] = {}


def register(name: str, *, running: models.QuerySet, deadline: str, steps: Mapping[int, float],
             told: Callable[[list[Any], int], dict[Any, list[Any]]], notify: Callable[..., Any],
             unit: str = DAYS, **options: Any) -> Clock:
    """Register a kind of thing with a deadline (see the module's documentation). Registering the
    same name again replaces it."""
    if unit not in (DAYS, HOURS):
        raise ValueError(f"unit must be {DAYS!r} or {HOURS!r}")
    if not steps or any(level not in LEVELS for level in steps):
        raise ValueError(f"steps must name levels of {sorted(LEVELS)}")
    deadline_field = running.model._meta.get_field(deadline)
    dated = not isinstance(deadline_field, models.DateTimeField)
    if dated and unit == HOURS:
        raise ValueError("working hours need a datetime deadline")
    clock = Clock(name=name, running=running, deadline=deadline, unit=unit, steps=dict(steps), told=told,
                  notify=notify, dated=dated, **options)
    _clocks[name] = clock
    return clock


def clocks() -> list[Clock]:
    return list(_clocks.values())


def clock_for(obj_or_model: Any) -> Clock:
    model: Any = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    model = model._meta.concrete_model
    for clock in _clocks.values():
        if clock.model._meta.concrete_model is model:
            return clock
    raise LookupError(f"no supervision clock is registered for {model._meta.label}")


def _content_type(model: type[models.Model]) -> Any:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model)


def round_of(clock: Clock, obj: Any) -> int:
    return int(getattr(obj, clock.round)) if clock.round else 0


def new_round(obj: Any) -> None:
    """The deadline of ``obj`` starts afresh (registration, reopening, an extension): a new round,
    warned and supervised again from the first level. The caller saves ``obj``."""
    clock = clock_for(obj)
    if clock.round:
        setattr(obj, clock.round, getattr(obj, clock.round) + 1)
    if clock.level:
        setattr(obj, clock.level, 0)


def records(obj: Any, *, kind: str | None = None) -> models.QuerySet:
    """The supervision records of ``obj`` (all rounds), newest first."""
    from .models import Escalation

    qs = Escalation.objects.for_target(obj)
    return qs.filter(kind=kind) if kind else qs


# ---------------------------------------------------------------- the sweep

def _recorded(clock: Clock, kind: str, level: int | None = None) -> Exists:
    from .models import Escalation

    found = Escalation.objects.filter(content_type=_content_type(clock.model), object_id=OuterRef("pk"), kind=kind)
    found = found.filter(round=OuterRef(clock.round)) if clock.round else found.filter(round=0)
    if level is not None:
        found = found.filter(level__gte=level)
    return Exists(found)


def _insert(clock: Clock, items: list[Any], *, kind: str, level: int, now: dt.datetime) -> set[int]:
    """One record per item (ON CONFLICT DO NOTHING); the ids of the items actually recorded."""
    from .models import Escalation

    if not items:
        return set()
    ct = _content_type(clock.model).pk
    meta = Escalation._meta
    cols = ["content_type_id", "object_id", "round", "level", "kind", "region_path", "note", "created_at"]
    stamp = connection.ops.adapt_datetimefield_value(now)
    params: list[Any] = []
    for item in items:
        path = getattr(item, clock.region) or ""
        params += [ct, item.pk, round_of(clock, item), level, kind,
                   office_path(path, level) if kind == "escalate" else path[:15], "", stamp]
    row = "(" + ", ".join(["%s"] * len(cols)) + ")"
    qn = connection.ops.quote_name
    table, columns, values = qn(meta.db_table), ", ".join(qn(c) for c in cols), ", ".join([row] * len(items))
    # names from the model, every value a parameter
    sql = f"INSERT INTO {table} ({columns}) VALUES {values} ON CONFLICT DO NOTHING RETURNING {qn('object_id')}"  # noqa: S608
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return {r[0] for r in cur.fetchall()}


def _pass(clock: Clock, candidates: models.QuerySet, *, kind: str, level: int, now: dt.datetime) -> int:
    """Raise (or warn) the candidates in batches: lock the rows (skipping rows another sweep
    holds), check the condition again under the lock, record, then mirror, timeline and tell."""
    load = {clock.model._meta.pk.name, clock.region, clock.deadline, *clock.fields} | ({clock.round} if clock.round else set())
    done, last = 0, 0
    while True:
        ids = list(candidates.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return done
        last = ids[-1]
        with transaction.atomic():
            locked = list(clock.model._default_manager.select_for_update(skip_locked=True)
                          .filter(pk__in=ids).values_list("pk", flat=True))
            items = list(candidates.filter(pk__in=locked).only(*load).order_by("pk")) if locked else []
            recorded = _insert(clock, items, kind=kind, level=level, now=now)
            items = [i for i in items if i.pk in recorded]
            if not items:
                continue
            if kind == "escalate" and clock.level:
                changes: dict[str, Any] = {clock.level: level}
                if any(f.name == "updated_at" for f in clock.model._meta.concrete_fields):
                    changes["updated_at"] = now
                clock.model._default_manager.filter(pk__in=[i.pk for i in items]).update(**changes)
                for i in items:
                    setattr(i, clock.level, level)
            if clock.timeline is not None:
                clock.timeline(items, kind=kind, level=level, actor=None, note="")
            told = clock.told(items, level if kind == "escalate" else 0)
            clock.notify([(i, list(told.get(i.pk, []))) for i in items], kind=kind, level=level, actor=None, note="")
            done += len(items)


def _sweep_clock(clock: Clock, now: dt.datetime) -> dict[int, int]:
    raised: dict[int, int] = {}
    for level in sorted(clock.steps, reverse=True):
        candidates = clock.items().filter(**{f"{clock.deadline}__lt": clock.late_by(clock.steps[level], now)})
        if clock.level:
            candidates = candidates.filter(**{f"{clock.level}__lt": level})
        candidates = candidates.exclude(_recorded(clock, "escalate", level))
        raised[level] = _pass(clock, candidates, kind="escalate", level=level, now=now)
    if clock.warn_before is not None or clock.warn_at:
        candidates = clock.items().filter(**clock.near(now)).exclude(_recorded(clock, "warn"))
        warned = _pass(clock, candidates, kind="warn", level=0, now=now)
        if warned:
            log.info("%s: %s near their limit warned", clock.name, warned)
    if clock.chase is not None:
        clock.chase(now)
    return raised


def sweep(now: dt.datetime | None = None, *, names: Iterable[str] | None = None) -> dict[str, dict[int, int]]:
    """One pass over every registered clock (or those named): near-limit warnings once per round,
    each level of 督办 once per round. Safe to run twice, or on two workers at once. Returns, per
    clock, how many items were raised to each level."""
    now = now or timezone.now()
    wanted = set(names) if names is not None else None
    return {clock.name: _sweep_clock(clock, now) for clock in clocks() if wanted is None or clock.name in wanted}


def due_clocks() -> list[str]:
    """The clocks the periodic task sweeps now: each at most once per its ``every`` setting."""
    from django.conf import settings
    from django.core.cache import cache

    out = []
    for clock in clocks():
        every = int(getattr(settings, clock.every, 0)) if clock.every else 0
        if every <= 0 or cache.add(f"linli:supervision:{clock.name}", 1, timeout=every):
            out.append(clock.name)
    return out


# ---------------------------------------------------------------- a supervisor's 督办

@transaction.atomic
def urge(*, actor: Any, obj: Any, note: str) -> Any:
    """督办 by a supervisor with a note: the registration's permission over the item's area, a
    running clock, a note of at least two characters. Recorded (``core.Escalation``, kind urge),
    on the item's timeline and the audit log; the handlers are told."""
    from .models import Escalation
    from .services import record_audit

    clock = clock_for(obj)
    if clock.supervise is None or not actor.has_perm(clock.supervise, obj):
        raise PermissionDenied("forbidden", _("您无权督办该事项"))
    locked = clock.model._default_manager.select_for_update().filter(pk=obj.pk).values_list("pk", flat=True).first()
    if locked is None or not clock.items().filter(pk=obj.pk).exists():
        code, message = clock.closed
        raise Conflict(code, str(message))
    note = clean_text(note)
    if len(note) < 2:
        raise DomainError("reason_required", _("请填写督办意见"), field="note")
    note = note[:300]
    if clock.round:
        setattr(obj, clock.round, getattr(clock.model._default_manager.only(clock.round).get(pk=obj.pk), clock.round))
    path = getattr(obj, clock.region) or ""
    record = Escalation.objects.create(content_type=_content_type(clock.model), object_id=obj.pk, round=round_of(clock, obj),
                                       kind=Escalation.Kind.URGE, region_path=path[:15], actor=actor, note=note)
    if clock.timeline is not None:
        clock.timeline([obj], kind="urge", level=0, actor=actor, note=note)
    record_audit(actor=actor, action=f"{clock.audit}.urge", target=obj, region_path=path,
                 changes={"note": note} | ({"status": obj.status} if hasattr(obj, "status") else {}))
    if any(f.name == "updated_at" for f in clock.model._meta.concrete_fields):
        clock.model._default_manager.filter(pk=obj.pk).update(updated_at=timezone.now())
    handlers = [u for u in (clock.handlers(obj) if clock.handlers is not None else []) if u.pk != actor.pk]
    clock.notify([(obj, handlers)], kind="urge", level=0, actor=actor, note=note)
    return record


def may_urge(actor: Any, obj: Any) -> bool:
    """Whether ``actor`` may 督办 ``obj`` now (its permission and a running clock): for buttons."""
    clock = clock_for(obj)
    return bool(clock.supervise and actor.has_perm(clock.supervise, obj) and clock.items().filter(pk=obj.pk).exists())
