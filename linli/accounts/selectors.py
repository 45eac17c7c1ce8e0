"""What part of the region tree a user's roles reach."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from .models import RoleAssignment
from .roles import Role


def role_assignments(user: Any) -> list[RoleAssignment]:
    """Active assignments, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_linli_roles", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user, active=True).select_related("region"))
        user._linli_roles = cached
    return cached


def has_role(user: Any, roles: Iterable[str]) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    wanted = set(roles)
    return any(a.role in wanted for a in role_assignments(user))


def scope_paths(user: Any, roles: Iterable[str]) -> list[str]:
    """Region paths the user may see through the given roles; ``[""]`` means the whole tree."""
    if getattr(user, "is_superuser", False):
        return [""]
    wanted = set(roles)
    paths = sorted({a.region_path for a in role_assignments(user) if a.role in wanted})
    # drop paths covered by a shorter one
    out: list[str] = []
    for p in paths:
        if not any(p.startswith(o) for o in out):
            out.append(p)
    return out


def in_scope(user: Any, roles: Iterable[str], region_path: str) -> bool:
    return any(region_path.startswith(p) for p in scope_paths(user, roles))


def scope_q(paths: list[str], field: str = "region_path") -> Q:
    """A filter that keeps rows under any of ``paths``; matches nothing when ``paths`` is empty."""
    if "" in paths:
        return Q()
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for p in paths:
        q |= Q(**{f"{field}__startswith": p})
    return q


def primary_role(user: Any) -> str | None:
    order = [r.value for r in Role][::-1]
    held = {a.role for a in role_assignments(user)}
    for role in order:
        if role in held:
            return role
    return None


def household_of(user: Any) -> tuple[Any, list[Any]]:
    """A resident user's own registry record and the current members of their household."""
    resident = getattr(user, "resident", None)
    if resident is None:
        return None, []
    household = resident.household
    if household is None:
        return resident, [resident]
    members = list(
        household.members.filter(moved_out__isnull=True).select_related("household__room").order_by("relation", "birth_date")
    )
    return resident, members


def holders_by_path(roles: Iterable[str], paths: Iterable[str]) -> dict[str, list[Any]]:
    """Who holds one of ``roles`` exactly at each of ``paths`` (the office of a community, street
    or district), for notifications. One query."""
    from .models import RoleAssignment

    out: dict[str, list[Any]] = {}
    wanted = set(paths)
    if not wanted:
        return out
    for ra in RoleAssignment.objects.filter(role__in=list(roles), active=True, region_path__in=wanted).select_related("user"):
        out.setdefault(ra.region_path, []).append(ra.user)
    return out


def holders_at(roles: Iterable[str], *paths: str) -> list[Any]:
    """Who holds one of ``roles`` at any of ``paths``, each user once."""
    users: dict[int, Any] = {}
    for group in holders_by_path(roles, paths).values():
        for u in group:
            users.setdefault(u.pk, u)
    return list(users.values())


def active_assignments() -> QuerySet[RoleAssignment]:
    """Every active role assignment (other apps ask "does this node have a grid worker?" here)."""
    return RoleAssignment.objects.filter(active=True)


def can_grant(user: Any, role: str, region_path: str) -> bool:
    """The user may grant ``role`` on the node at ``region_path``: they hold an admin role of at
    least that rank on a node containing it (superusers: anything)."""
    from .roles import ADMIN_ROLES, rank

    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    wanted = rank(role)
    return any(a.role in ADMIN_ROLES and rank(a.role) >= wanted and region_path.startswith(a.region_path)
               for a in role_assignments(user))


def can_manage(user: Any, target: Any) -> bool:
    """The user may deactivate, reset or re-grant ``target``: every active role the target holds
    is one the user could grant (an account with no role is the superusers' alone); never oneself."""
    if not getattr(user, "is_authenticated", False) or getattr(target, "pk", None) == user.pk:
        return False
    if getattr(user, "is_superuser", False):
        return True
    if getattr(target, "is_superuser", False):
        return False
    held = list(RoleAssignment.objects.filter(user=target, active=True).values_list("role", "region_path"))
    return bool(held) and all(can_grant(user, role, path) for role, path in held)


def grantable_roles(user: Any) -> list[str]:
    from .roles import rank

    if getattr(user, "is_superuser", False):
        return list(Role.values)
    top = max((rank(a.role) for a in role_assignments(user)), default=0)
    return [r for r in Role.values if rank(r) <= top] if top else []


def staff_of_area(user: Any) -> list[Any]:
    """Accounts with an active role inside the user's admin area, with their roles, by name."""
    from .models import User
    from .roles import ADMIN_ROLES

    paths = scope_paths(user, ADMIN_ROLES)
    if not paths:
        return []
    ids = RoleAssignment.objects.filter(scope_q(paths), active=True).values("user_id")
    return list(User.objects.filter(pk__in=ids).prefetch_related("roles__region").order_by("username"))


def nodes_of_area(user: Any, limit: int = 500) -> list[Any]:
    """Region nodes inside the user's admin area (for the role form), shallowest first."""
    from .roles import ADMIN_ROLES

    node_model: Any = RoleAssignment._meta.get_field("region").related_model
    paths = scope_paths(user, ADMIN_ROLES)
    if not paths:
        return []
    return list(node_model.objects.filter(scope_q(paths, "path")).order_by("path")[:limit])


def reachable(user_ids: Iterable[int], **extra: Any) -> dict[int, tuple[Any, ...]]:
    """For each active account among ``user_ids``: (has a phone, has an e-mail address, then the
    values of ``extra``, in order), read without decrypting either (the phone's search hash, the
    stored length of the address). ``extra`` are annotations over the account row (a caller's
    subqueries on its own tables, ``OuterRef("pk")`` being the account), so a caller learns in
    the same statement what it needs to know about each person. Inactive accounts are left out.
    One query per 2,000 ids."""
    from django.db.models.functions import Length

    from .models import User

    ids = list(dict.fromkeys(user_ids))
    names = list(extra)
    out: dict[int, tuple[Any, ...]] = {}
    for i in range(0, len(ids), 2000):
        rows = (User.objects.filter(pk__in=ids[i:i + 2000], is_active=True).annotate(mail=Length("email"), **extra)
                .values_list("pk", "phone_hash", "mail", *names))
        out.update({row[0]: (bool(row[1]), bool(row[2]), *row[3:]) for row in rows})
    return out


def users_of_households(household_ids: Any) -> QuerySet[Any]:
    """Active accounts of current residents of these households (ids or a subquery)."""
    from .models import User

    return User.objects.filter(is_active=True, resident__household_id__in=household_ids, resident__moved_out__isnull=True)


def users_of_residents(resident_ids: Iterable[int]) -> dict[int, Any]:
    """``{resident id: active account}`` for the residents who have one, one query."""
    from .models import User

    return {int(u.resident_id or 0): u for u in User.objects.filter(is_active=True, resident_id__in=list(set(resident_ids)))}


def users_by_ids(ids: Iterable[int]) -> QuerySet[Any]:
    """The active accounts among ``ids`` (people a capability keeps by id: a topic's followers)."""
    from .models import User

    return User.objects.filter(is_active=True, pk__in=list(ids))


def active_user_by_username(username: str) -> Any:
    """An active account by its user name (a desk names a colleague), or None."""
    from .models import User

    return User.objects.filter(username=username, is_active=True).first() if username else None
