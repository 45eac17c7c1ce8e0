"""The bookable resource itself: created, changed, closed and reopened, and who manages it.

The capabilities that offer something to book (a provider's service, a shared space) keep their
own records and call these services for the resource behind them; they never write booking's
rows. Each service checks, writes and audits in one transaction. Who may do it:

- create: the staff of the resource's area (``MANAGE_ROLES`` over its region) or one of the
  people named as its managers (a provider's staff opening their own offering);
- everything else: ``booking.manage`` on the resource (its area's staff or its named managers).

The capability checks its own rules first (a provider approved, a venue's owner); these are the
engine's own checks, so no caller can skip them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from linli.accounts.selectors import in_scope
from linli.core.errors import DomainError, PermissionDenied
from linli.core.services import diff, record_audit
from linli.core.text import clean_text

from . import selectors
from .models import OpeningRule, Resource
from .rules import MANAGE_ROLES
from .services import apply_capacity, can_manage, cancel_for_resource
from .states import RESOURCE_LIFECYCLE, ResourceAction

# the settings a capability may change after creating the resource
EDITABLE = ("name", "capacity", "slot_minutes", "buffer_minutes", "approval_required", "audience", "asks", "tags",
            "book_ahead_days", "cancel_before_hours", "weekly_limit", "no_show_limit", "suspend_days")


def _check(fields: dict[str, Any]) -> None:
    if "name" in fields and not fields["name"]:
        raise DomainError("invalid", _("请填写名称"), field="name")
    if "capacity" in fields and not (1 <= int(fields["capacity"]) <= 1000):
        raise DomainError("invalid", _("名额须在1到1000之间"), field="capacity")
    if "slot_minutes" in fields and not (5 <= int(fields["slot_minutes"]) <= 1440):
        raise DomainError("invalid", _("每段时长须在5到1440分钟之间"), field="slot_minutes")
    if "audience" in fields and fields["audience"] not in Resource.Audience.values:
        raise DomainError("invalid", _("请选择可预约人群"), field="audience")
    if "asks" in fields and fields["asks"] not in Resource.Asks.values:
        raise DomainError("invalid", _("请选择预约时须填写的内容"), field="asks")


def _lock(resource: Resource) -> None:
    """Lock the resource's row and read its open/closed state as stored (the lifecycle's field is
    the ``state`` property over ``active``, so ``RESOURCE_LIFECYCLE.apply`` runs with ``lock=False``)."""
    Resource.objects.select_for_update().filter(pk=resource.pk).exists()
    resource.refresh_from_db(fields=["active"])


def _require_manage(actor: Any, resource: Resource) -> None:
    if not can_manage(actor, resource):
        raise PermissionDenied("forbidden", _("您无权管理该预约项目"))


def _state(res: Resource) -> dict[str, Any]:
    state = {key: getattr(res, key) for key in EDITABLE}
    state["served"] = sorted(n.code for n in res.served.all())
    return state


@transaction.atomic
def create_resource(*, actor: Any, name: str, region: Any, kind: str = Resource.Kind.SERVICE, served: Iterable[Any] = (),
                    managers: Iterable[Any] = (), hours: Iterable[tuple[int, dt.time, dt.time]] = (),
                    **fields: Any) -> Resource:
    """A new bookable resource in ``region``, open to the ``served`` communities, run by
    ``managers``; ``hours`` (weekday, opens, closes) all year round (seasons and terms: the
    schedule services). ``fields``: any of ``EDITABLE``."""
    managers = list(managers)
    if not (in_scope(actor, MANAGE_ROLES, region.path) or any(u.pk == actor.pk for u in managers)):
        raise PermissionDenied("forbidden", _("您无权在该区域设立预约项目"))
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not a resource setting: {sorted(unknown)}")
    if kind not in Resource.Kind.values:
        raise DomainError("invalid", _("请选择类型"), field="kind")
    name = clean_text(name, collapse=True, limit=100)
    _check({"name": name, **fields})
    res = Resource.objects.create(name=name, kind=kind, region=region, region_path=region.path, **fields)
    res.served.set(list(served))
    if managers:
        res.managers.set(managers)
    rules = [OpeningRule(resource=res, weekday=d, opens=a, closes=b) for d, a, b in sorted(set(hours))]
    if any(r.weekday not in range(7) or r.closes <= r.opens for r in rules):
        raise DomainError("invalid", _("请填写正确的开放时间"), field="hours")
    OpeningRule.objects.bulk_create(rules)
    record_audit(actor=actor, action="booking.resource_create", target=res, region_path=res.region_path,
                 changes={"kind": kind, "capacity": res.capacity})
    return res


@transaction.atomic
def update_resource(*, actor: Any, resource: Resource, served: Iterable[Any] | None = None, **fields: Any) -> Resource:
    """Change the settings named in ``fields`` (and the communities served, when given). The
    ``resource`` passed in is updated too. Fewer seats take none from anyone already booked."""
    Resource.objects.select_for_update().filter(pk=resource.pk).exists()
    _require_manage(actor, resource)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not a resource setting: {sorted(unknown)}")
    if "name" in fields:
        fields["name"] = clean_text(fields["name"], collapse=True, limit=100)
    _check(fields)
    before = _state(resource)
    for key, value in fields.items():
        setattr(resource, key, value)
    if fields:
        resource.save(update_fields=[*fields, "updated_at"])
    if served is not None:
        resource.served.set(list(served))
    if before["capacity"] != resource.capacity:
        apply_capacity(resource)
    selectors.forget_schedule(resource.pk)
    changes = diff(before, _state(resource))
    if changes:
        record_audit(actor=actor, action="booking.resource_update", target=resource, region_path=resource.region_path,
                     changes=changes)
    return resource


@transaction.atomic
def close_resource(*, actor: Any, resource: Resource, reason: str = "", cancel_bookings: bool = True) -> int:
    """No new bookings. With ``cancel_bookings`` every live future booking and waiting place is
    cancelled too and each person told ``reason`` (which is then required); without, the
    bookings already made stay and are served. Returns how many were cancelled."""
    _lock(resource)
    _require_manage(actor, resource)
    reason = clean_text(reason, limit=200)
    if cancel_bookings and not reason:
        raise DomainError("invalid", _("请填写取消原因"), field="reason")
    # closing a closed resource again only cancels the bookings it still has
    was_open = RESOURCE_LIFECYCLE.can(resource.state, ResourceAction.CLOSE)
    if was_open:
        RESOURCE_LIFECYCLE.apply(resource, ResourceAction.CLOSE, actor=actor, lock=False)
        resource.save(update_fields=["active", "updated_at"])
    cancelled = cancel_for_resource(actor=actor, resource=resource, reason=reason) if cancel_bookings else 0
    selectors.forget_schedule(resource.pk)
    if was_open or cancelled:
        record_audit(actor=actor, action="booking.resource_close", target=resource, region_path=resource.region_path,
                     changes={"reason": reason, "cancelled": cancelled})
    return cancelled


@transaction.atomic
def reopen_resource(*, actor: Any, resource: Resource) -> Resource:
    """Bookable again (a closed resource's cancelled bookings stay cancelled)."""
    _lock(resource)
    _require_manage(actor, resource)
    if RESOURCE_LIFECYCLE.can(resource.state, ResourceAction.REOPEN):  # reopening an open one changes nothing
        RESOURCE_LIFECYCLE.apply(resource, ResourceAction.REOPEN, actor=actor, lock=False)
        resource.save(update_fields=["active", "updated_at"])
        selectors.forget_schedule(resource.pk)
        record_audit(actor=actor, action="booking.resource_reopen", target=resource, region_path=resource.region_path)
    return resource


def _managers_changed(actor: Any, resource: Resource, before: set[int]) -> None:
    after = set(resource.managers.values_list("pk", flat=True))
    if after != before:
        record_audit(actor=actor, action="booking.managers", target=resource, region_path=resource.region_path,
                     changes={"added": sorted(after - before), "removed": sorted(before - after)})


@transaction.atomic
def set_managers(*, actor: Any, resource: Resource, users: Iterable[Any]) -> Resource:
    """The people named as the resource's managers (besides the staff of its area): exactly ``users``."""
    chosen = list(users)
    return _change_managers(actor, resource, lambda managers: managers.set(chosen))


@transaction.atomic
def add_manager(*, actor: Any, resource: Resource, user: Any) -> Resource:
    return _change_managers(actor, resource, lambda managers: managers.add(user))


@transaction.atomic
def remove_manager(*, actor: Any, resource: Resource, user: Any) -> Resource:
    return _change_managers(actor, resource, lambda managers: managers.remove(user))


def _change_managers(actor: Any, resource: Resource, change: Any) -> Resource:
    """One change of the named managers, on the locked resource, audited when it changed anything."""
    Resource.objects.select_for_update().filter(pk=resource.pk).exists()
    _require_manage(actor, resource)
    before = set(resource.managers.values_list("pk", flat=True))
    change(resource.managers)
    _managers_changed(actor, resource, before)
    return resource
