from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from linli.accounts.roles import ADMIN_ROLES, Role
from linli.accounts.selectors import role_assignments

# Where each role starts, first match wins for people holding several: area admins and grid
# workers keep the registry workbench, a caseworker the one-window desk, a department handler
# the work-order queue, a provider's staff their console.
START_PAGES: tuple[tuple[tuple[str, ...], str], ...] = (
    ((*ADMIN_ROLES, Role.GRID_WORKER), "regions:workbench"),
    ((Role.CASEWORKER,), "affairs:desk"),
    ((Role.HANDLER,), "workorders:queue"),
    ((Role.PROVIDER_STAFF,), "station:console"),
)


def start_page(user: object) -> str:
    """The URL name a signed-in user starts on."""
    if getattr(user, "is_superuser", False):
        return "regions:workbench"
    held = {a.role for a in role_assignments(user)}
    for roles, name in START_PAGES:
        if held & set(roles):
            return name
    # staff of a provider or a venue without a staff role of their own
    if user.providers.exists():  # type: ignore[attr-defined]
        return "station:console"
    if user.managed_resources.exists():  # type: ignore[attr-defined]
        return "booking:staff"
    return "accounts:mine"


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    return redirect(start_page(request.user))


@require_POST
def toggle_elder_mode(request: HttpRequest) -> HttpResponse:
    nxt = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = "/"
    resp = HttpResponseRedirect(nxt)
    if request.COOKIES.get("linli_elder") == "1":
        resp.delete_cookie("linli_elder")
    else:
        resp.set_cookie("linli_elder", "1", max_age=365 * 24 * 3600, samesite="Lax")
    return resp


def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
