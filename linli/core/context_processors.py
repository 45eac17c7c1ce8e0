from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from linli.accounts.roles import ADMIN_ROLES, REGISTRY_ROLES, REGISTRY_WRITE_ROLES, Role

# The staff navigation: each link with the roles that may open its page (the page's own check
# is the authority; this only keeps links that would answer 403 out of the menu). ``None``:
# everyone signed in; the two named checks look at what the user runs rather than a role.
MANAGES_BOOKINGS = "manages_bookings"  # area staff (admins, caseworkers) or named managers of a resource
RUNS_PROVIDER = "runs_provider"  # staff of a provider (the console), with or without the role
STAFF_NAV: tuple[tuple[str, Any, Any], ...] = (
    ("regions:workbench", _("工作台"), REGISTRY_ROLES),
    ("regions:residents", _("居民"), REGISTRY_ROLES),
    ("regions:rooms", _("房屋"), REGISTRY_ROLES),
    ("regions:visits", _("走访"), REGISTRY_ROLES),
    ("regions:four_none", _("四个不漏"), REGISTRY_ROLES),
    ("workorders:queue", _("工单"), (*REGISTRY_ROLES, Role.HANDLER)),
    ("workorders:patrol", _("巡查"), (Role.GRID_WORKER, Role.COMMUNITY_ADMIN, Role.CASEWORKER)),
    ("workorders:hotline", _("热线"), REGISTRY_ROLES),
    ("affairs:desk", _("窗口"), (Role.CASEWORKER, *ADMIN_ROLES)),
    ("station:console", _("服务商工作台"), RUNS_PROVIDER),
    ("booking:staff", _("预约管理"), MANAGES_BOOKINGS),
    ("station:vetting", _("驿站审核"), ADMIN_ROLES),
    ("spaces:manage", _("共享场地"), ADMIN_ROLES),
    ("workorders:notifications", _("通知"), None),
    ("regions:import", _("导入"), REGISTRY_WRITE_ROLES),
    ("regions:export", _("导出"), REGISTRY_ROLES),
    ("regions:audit", _("审计"), ADMIN_ROLES),
    ("accounts:staff", _("人员账号"), ADMIN_ROLES),
)


def _capabilities(user: Any) -> dict[str, bool]:
    """Whether the user is on a provider's staff and whether some bookable resource is theirs to
    run (the booking staff page answers 403 otherwise): one statement, kept on the user object
    for the request."""
    cached = getattr(user, "_linli_nav", None)
    if cached is not None:
        return cached
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef, Value

    from linli.accounts.selectors import has_role

    User: Any = get_user_model()

    runs: Any = Value(False)
    manages: Any = Value(False)
    if apps.is_installed("linli.station"):
        runs = Exists(User.providers.through.objects.filter(user_id=OuterRef("pk")))
    if apps.is_installed("linli.booking"):
        from linli.booking.selectors import managed_resources

        manages = Exists(managed_resources(user))
    row = User.objects.filter(pk=user.pk).annotate(runs=runs, manages=manages).values("runs", "manages").first() or {}
    cached = {"runs_provider": has_role(user, (Role.PROVIDER_STAFF,)) or bool(row.get("runs")),
              "manages_bookings": bool(row.get("manages"))}
    user._linli_nav = cached
    return cached


def _runs_provider(user: Any) -> bool:
    return _capabilities(user)["runs_provider"]


def _manages_bookings(user: Any) -> bool:
    return _capabilities(user)["manages_bookings"]


def staff_nav(user: Any) -> list[dict[str, Any]]:
    """The staff menu for ``user``: only the links their role assignments may open."""
    from linli.accounts.selectors import has_role

    out = []
    for name, label, need in STAFF_NAV:
        if need is None:
            ok = True
        elif need == RUNS_PROVIDER:
            ok = _runs_provider(user)
        elif need == MANAGES_BOOKINGS:
            ok = _manages_bookings(user)
        else:
            ok = has_role(user, need)
        if ok:
            out.append({"name": name, "url": reverse(name), "label": label})
    return out


def ui(request: HttpRequest) -> dict:
    """Elder-friendly mode (large type, high contrast) is a cookie the toggle sets; the staff
    navigation shows the links the user's roles can use (worked out only when a page shows it)."""
    ctx: dict[str, object] = {"elder_mode": request.COOKIES.get("linli_elder") == "1"}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from linli.accounts.roles import ADMIN_ROLES, REGISTRY_WRITE_ROLES
        from linli.accounts.selectors import has_role

        ctx["nav_can_import"] = has_role(user, REGISTRY_WRITE_ROLES)
        ctx["nav_is_admin"] = has_role(user, ADMIN_ROLES)
        ctx["staff_nav"] = SimpleLazyObject(lambda: staff_nav(user))
        ctx["nav_provider"] = SimpleLazyObject(lambda: {"on": _runs_provider(user)})
        from django.apps import apps

        if apps.is_installed("linli.workorders"):
            from linli.workorders.selectors import notifications_for

            ctx["nav_unread"] = notifications_for(user, unread=True).count()
    return ctx
