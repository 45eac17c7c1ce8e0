from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from . import registry

# The staff navigation is what the apps register (``core.registry.register_menu_entry``): each
# link with the roles that may open its page, or a check of its own (the page's own check is the
# authority; this only keeps links that would answer 403 out of the menu).


def staff_nav(user: Any) -> list[dict[str, Any]]:
    """The staff menu for ``user``: only the links their role assignments may open."""
    return [{"name": e.name, "url": reverse(e.name), "label": e.label}
            for e in registry.menu_entries() if e.allows(user)]


def ui(request: HttpRequest) -> dict:
    """Elder-friendly mode (large type, high contrast) is a cookie the toggle sets; the staff
    navigation shows the links the user's roles can use (worked out only when a page shows it);
    the apps add what their menus need (``core.registry.register_context``)."""
    ctx: dict[str, object] = {"elder_mode": request.COOKIES.get("linli_elder") == "1"}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        ctx["staff_nav"] = SimpleLazyObject(lambda: staff_nav(user))
        for provider in registry.context_providers():
            ctx.update(provider(user))
    return ctx
