"""The kinds of public disclosure (公示). Each app that publishes registers its own kinds in its
``AppConfig.ready()``::

    kinds.register("assemblies.resolution", _("业主大会决议公示"), days=7, working_days=False,
                   public=False, archive_public=True, personal_data=kinds.NONE, answer_days=5)

- ``days`` and ``working_days``: the period, counted from the day after publication on the
  official calendar (``core.calendar``) or in calendar days; objections are taken until the end of
  its last day (``ends_on``).
- ``public``: anyone may see it and object; otherwise only residents of the area (and its staff).
- ``archive_public``: once closed it stays visible to the same audience; otherwise only staff
  read it after the period.
- ``personal_data``: what may show of a person on the public pages and the printout: ``NONE``
  (no names at all) or ``MASKED_NAMES`` (an objector shows as 张*三). ID numbers, phones and
  contact details never show, whatever the kind.
- ``answer_days``: the working days staff have to answer an objection (the supervision clock).

Registering the same code again replaces it (``ready()`` may run again in tests).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

NONE = "none"
MASKED_NAMES = "masked_names"
PERSONAL_DATA = (NONE, MASKED_NAMES)


@dataclass(frozen=True)
class Kind:
    code: str
    label: Any
    days: int
    working_days: bool
    public: bool
    archive_public: bool
    personal_data: str
    answer_days: int

    def ends_on(self, start: dt.date) -> dt.date:
        """The last day of a period that starts on ``start`` (the publication day)."""
        if self.working_days:
            from linli.core import calendar

            return calendar.add_working_days(start, self.days)
        return start + dt.timedelta(days=self.days)

    def answer_due(self, lodged_on: dt.date) -> dt.date:
        from linli.core import calendar

        return calendar.add_working_days(lodged_on, self.answer_days)

    @property
    def unit_label(self) -> str:
        from django.utils.translation import gettext as _

        return str(_("个工作日") if self.working_days else _("天"))


_kinds: dict[str, Kind] = {}


def register(code: str, label: Any, *, days: int, working_days: bool = False, public: bool = False,
             archive_public: bool = True, personal_data: str = NONE, answer_days: int = 5) -> Kind:
    if days < 1 or answer_days < 1:
        raise ValueError(f"disclosure kind {code}: days and answer_days must be at least 1")
    if personal_data not in PERSONAL_DATA:
        raise ValueError(f"disclosure kind {code}: personal_data must be one of {PERSONAL_DATA}")
    kind = Kind(code, label, days, working_days, public, archive_public, personal_data, answer_days)
    _kinds[code] = kind
    return kind


def get(code: str) -> Kind:
    try:
        return _kinds[code]
    except KeyError:
        raise LookupError(f"disclosure kind {code!r} is not registered (disclosures.kinds.register)") from None


def find(code: str) -> Kind | None:
    return _kinds.get(code)


def all_kinds() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda k: k.code)


def choices() -> list[tuple[str, str]]:
    return [(k.code, str(k.label)) for k in all_kinds()]
