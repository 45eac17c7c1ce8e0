"""The shared predicate library (django-rules) every app's rules.py builds on."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import rules

from . import selectors


def holds(*roles: str) -> rules.Predicate:
    """The user holds one of ``roles`` somewhere (no object needed)."""

    @rules.predicate(name=f"holds:{','.join(roles)}")
    def _holds(user: Any) -> bool:
        return selectors.has_role(user, roles)

    return _holds


def holds_over(*roles: str) -> rules.Predicate:
    """The user holds one of ``roles`` on a node that contains the object (its ``region_path``)."""

    @rules.predicate(name=f"holds_over:{','.join(roles)}")
    def _holds_over(user: Any, obj: Any) -> bool:
        if obj is None:
            return selectors.has_role(user, roles)
        return selectors.in_scope(user, roles, getattr(obj, "region_path", "") or "~")

    return _holds_over


def role_list(roles: Iterable[str]) -> tuple[str, ...]:
    return tuple(str(r) for r in roles)


@rules.predicate
def manages(user: Any, target: Any) -> bool:
    """Every role the target account holds is one the user could grant (``selectors.can_manage``)."""
    return selectors.can_manage(user, target)


def _admin_roles() -> tuple[str, ...]:
    from .roles import ADMIN_ROLES

    return role_list(ADMIN_ROLES)


rules.add_perm("accounts.manage_staff", holds(*_admin_roles()))
rules.add_perm("accounts.manage_user", manages)
