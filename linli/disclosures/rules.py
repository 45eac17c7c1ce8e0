"""Who may do what with a disclosure and its objections. The services check these rules,
``selectors.available_actions`` offers them as buttons and API ``actions``, and
``tests/test_rules.py`` tabulates them for every role in every state."""

from __future__ import annotations

from typing import Any

import rules
from django.utils import timezone

from linli.accounts.roles import ADMIN_ROLES, Role
from linli.accounts.rules import holds_over

from . import kinds
from .states import Status

# who publishes and answers: the admins and caseworkers over the disclosure's area
STAFF_ROLES = (Role.CASEWORKER, *ADMIN_ROLES)

manage = holds_over(*STAFF_ROLES)
supervise = holds_over(*ADMIN_ROLES)  # 督办 of an unanswered objection


def lives_in(user: Any, region_path: str) -> bool:
    resident = getattr(user, "resident", None) if getattr(user, "is_authenticated", False) else None
    return resident is not None and bool(resident.region_path) and resident.region_path.startswith(region_path)


def _kind(d: Any) -> kinds.Kind | None:
    return kinds.find(d.kind) if d is not None else None


@rules.predicate
def of_its_audience(user, disclosure) -> bool:  # type: ignore[no-untyped-def]
    """A public kind: anyone; otherwise the residents of its area."""
    found = _kind(disclosure)
    if found is None:
        return False
    return found.public or lives_in(user, disclosure.region_path)


@rules.predicate
def shown(user, disclosure) -> bool:  # type: ignore[no-untyped-def]
    """Published, and still shown: during the period, withdrawn or superseded, or closed with a
    public archive."""
    if disclosure is None or disclosure.status == Status.DRAFT:
        return False
    found = _kind(disclosure)
    return disclosure.status != Status.CLOSED or (found is not None and found.archive_public)


def period_runs(disclosure: Any, today: Any = None) -> bool:
    today = today or timezone.localdate()
    return (disclosure.status == Status.OPEN and disclosure.starts_on is not None and disclosure.ends_on is not None
            and disclosure.starts_on <= today <= disclosure.ends_on)


@rules.predicate
def in_period(user, disclosure) -> bool:  # type: ignore[no-untyped-def]
    return disclosure is not None and period_runs(disclosure)


@rules.predicate
def period_over(user, disclosure) -> bool:  # type: ignore[no-untyped-def]
    return disclosure is not None and disclosure.ends_on is not None and disclosure.ends_on < timezone.localdate()


rules.add_perm("disclosures.manage", manage)
rules.add_perm("disclosures.supervise", supervise)
rules.add_perm("disclosures.view", manage | (shown & of_its_audience))
# objections: during the period, by its audience (staff of the area do not object to their own)
rules.add_perm("disclosures.object", in_period & of_its_audience & ~manage)
rules.add_perm("disclosures.close", manage & period_over)
rules.add_perm("disclosures.answer", manage)  # the objection's region_path: the disclosure's area
# the objector's whole contact (logged with a reason): whoever may answer the objections of that area
rules.add_perm("disclosures.reveal_contact", manage)
