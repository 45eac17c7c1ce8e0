"""What the capabilities that offer a resource add to booking's own pages, registered in their
``AppConfig.ready()``: booking imports none of them and tests no kind of its own.

- ``register_reservation_extras(fn)``: ``fn(reservation, viewer, staff_view)`` returns the
  links its owner adds to a reservation (a review link after an attended service); an empty
  list when the reservation is not its own.
- ``register_schedule_by_area_admins(kind)``: for resources of ``kind`` the admins of the
  resource's area may also set its hours, closures and terms (a shared space run by the
  community); otherwise only its named managers (a provider runs its own diary).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Extra:
    """A link shown on a reservation: its text (already translated), address and test id."""

    label: str
    url: str
    testid: str = ""


ExtrasFn = Callable[[Any, Any, bool], Iterable[Extra]]

_extras: dict[str, ExtrasFn] = {}
_area_scheduled: set[str] = set()


def register_reservation_extras(fn: ExtrasFn) -> ExtrasFn:
    """Idempotent (keyed by the function's module and name), so a repeated ``ready()`` adds none twice."""
    _extras[f"{fn.__module__}.{fn.__qualname__}"] = fn
    return fn


def reservation_extras(reservation: Any, viewer: Any, *, staff_view: bool = False) -> list[Extra]:
    return [extra for fn in _extras.values() for extra in fn(reservation, viewer, staff_view)]


def register_schedule_by_area_admins(kind: str) -> None:
    _area_scheduled.add(str(kind))


def schedule_by_area_admins(kind: str) -> bool:
    return kind in _area_scheduled
