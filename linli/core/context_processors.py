from django.http import HttpRequest


def ui(request: HttpRequest) -> dict:
    """Elder-friendly mode (large type, high contrast) is a cookie the toggle sets; the staff
    navigation shows the links the user's roles can use."""
    ctx: dict[str, object] = {"elder_mode": request.COOKIES.get("linli_elder") == "1"}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from linli.accounts.roles import ADMIN_ROLES, REGISTRY_WRITE_ROLES
        from linli.accounts.selectors import has_role

        ctx["nav_can_import"] = has_role(user, REGISTRY_WRITE_ROLES)
        ctx["nav_is_admin"] = has_role(user, ADMIN_ROLES)
        from django.apps import apps

        if apps.is_installed("linli.workorders"):
            from linli.workorders.selectors import notifications_for

            ctx["nav_unread"] = notifications_for(user, unread=True).count()
    return ctx
