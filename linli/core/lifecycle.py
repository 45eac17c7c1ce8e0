"""One mechanism for every lifecycle (work orders, applications, reservations, providers,
certificates, venues, follow-ups): a transition map from (status, action) to the next status, one
refusal — the same error code and message, in the user's language, naming the state and the
action — wherever a step is not allowed, and one transition function that checks the map, locks
the row, writes the timeline event and the audit row.

An app declares its lifecycle once::

    LIFECYCLE = Lifecycle(TRANSITIONS, Status, Action, field="status", audit="booking.reservation",
                          timeline=write_event)   # timeline: optional, for apps with an event table

and moves an object only through ``LIFECYCLE.apply(obj, action, actor=…, note=…)`` inside the
service's transaction; the caller saves the object with the other fields it sets. No status is
assigned by hand anywhere else.

Which buttons a person sees comes from ``Actions`` (below): each action names its rules
permission (role and area) and the lifecycle that says in which states it exists, so a page, the
API's ``actions`` list and the service agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from .audit import record_audit
from .errors import Conflict

Timeline = Callable[..., Any]  # (obj, *, action, actor, before, after, note, public) -> Any

DECLARED: list[Lifecycle] = []  # every lifecycle that audits its steps (the audit-label test reads it)


class Lifecycle:
    def __init__(self, transitions: dict[tuple[str, str], str], status: type[models.TextChoices],
                 action: type[models.TextChoices], *, field: str = "status", audit: str = "",
                 timeline: Timeline | None = None) -> None:
        self.transitions = transitions
        self.status = status
        self.action = action
        self.field = field
        self.audit = audit  # audit code prefix: "<audit>.<action>"; "" = the caller audits itself
        self.timeline = timeline
        self.listeners: list[Callable[..., Any]] = []
        if audit:
            DECLARED.append(self)

    def subscribe(self, listener: Callable[..., Any]) -> None:
        """Call ``listener(obj, action=, before=, after=, actor=)`` after every step, inside the
        mover's transaction (a listener that writes elsewhere does it in ``transaction.on_commit``).
        A capability above follows another's objects this way (a consultation's resolution its work
        orders) without the lower one knowing it; subscribing the same function again is a no-op."""
        key = (getattr(listener, "__module__", ""), getattr(listener, "__qualname__", repr(listener)))
        self.listeners[:] = [fn for fn in self.listeners
                             if (getattr(fn, "__module__", ""), getattr(fn, "__qualname__", repr(fn))) != key]
        self.listeners.append(listener)

    def audit_codes(self) -> list[str]:
        """Every audit action ``apply`` can write: ``<audit>.<action>`` for each action of the map."""
        return sorted({f"{self.audit}.{a}" for (_s, a) in self.transitions}) if self.audit else []

    def next(self, status: str, action: str) -> str | None:
        return self.transitions.get((status, action))

    def allowed(self, status: str) -> list[str]:
        return [a for (s, a) in self.transitions if s == status]

    def can(self, status: str, action: str) -> bool:
        return (status, action) in self.transitions

    def require(self, status: str, action: str) -> str:
        """The next status, or Conflict("illegal_transition")."""
        target = self.next(status, action)
        if target is None:
            label = str(self.action(action).label) if action in self.action.values else action
            state = str(self.status(status).label) if status in self.status.values else status
            raise Conflict("illegal_transition", _("当前状态“%(s)s”下不能执行“%(a)s”") % {
                "s": state, "a": label}, current_status=status, action=action)
        return target

    def apply(self, obj: models.Model, action: str, *, actor: Any, note: str = "", to: str | None = None,
              lock: bool = True, public: bool = True, region_path: str | None = None,
              changes: dict[str, Any] | None = None, audit: bool = True) -> str:
        """Move ``obj`` by ``action``: check the map against the status as stored (the row is
        locked first unless the caller already holds the lock, ``lock=False``), set the new status
        on ``obj`` (``to`` overrides the map's target, e.g. resuming the status before a
        correction request — it must be a status of the lifecycle), write the timeline event and
        the audit row. Returns the status before. Must run inside the service's transaction; the
        caller saves ``obj``."""
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("Lifecycle.apply runs inside the service's transaction")
        if lock and obj.pk is not None:
            stored = type(obj)._default_manager.select_for_update().values_list(self.field, flat=True).get(pk=obj.pk)
            setattr(obj, self.field, stored)
        before = getattr(obj, self.field)
        target = self.require(before, action)
        if to is not None:
            if to not in self.status.values:
                raise ValueError(f"{to!r} is not a status of this lifecycle")
            target = to
        setattr(obj, self.field, target)
        if self.timeline is not None:
            self.timeline(obj, action=action, actor=actor, before=before, after=target, note=note, public=public)
        if audit and self.audit:
            record_audit(actor=actor, action=f"{self.audit}.{action}", target=obj,
                         region_path=region_path if region_path is not None else getattr(obj, "region_path", ""),
                         changes={self.field: [before, target]} | ({"note": note[:200]} if note else {}) | (changes or {}))
        for listener in self.listeners:
            listener(obj, action=action, before=before, after=target, actor=actor)
        return before


class Actions:
    """What a person may do with an object now. Each action names the rules permission that
    decides who (role over the object's area, ownership …) and, when the lifecycle has it, the
    states in which it exists; ``when`` adds a test of the object alone (e.g. "has a slot left").

    ``for_(actor, obj)`` is the app's ``available_actions``: pages show buttons from it, the API
    returns it, and the app's rules grid tests it for every role in every state."""

    def __init__(self, perms: dict[str, str], *, lifecycle: Lifecycle | None = None,
                 when: dict[str, Callable[[Any], bool]] | None = None) -> None:
        self.perms = perms
        self.lifecycle = lifecycle
        self.when = when or {}

    def _in_state(self, obj: Any, action: str) -> bool:
        lc = self.lifecycle
        if lc is None or action not in lc.action.values:
            return True  # not a step of the lifecycle (e.g. 督办, edit): the permission decides
        return lc.can(getattr(obj, lc.field), action)

    def for_(self, actor: Any, obj: Any, *, only: Iterable[str] | None = None) -> list[str]:
        names = list(self.perms) if only is None else [a for a in self.perms if a in set(only)]
        out = []
        for action in names:
            if not self._in_state(obj, action):
                continue
            test = self.when.get(action)
            if test is not None and not test(obj):
                continue
            if actor is not None and actor.has_perm(self.perms[action], obj):
                out.append(action)
        return out

    def may(self, actor: Any, obj: Any, action: str) -> bool:
        return action in self.for_(actor, obj, only=[action])
