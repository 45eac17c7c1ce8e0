from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from linli.accounts.roles import STAFF_ROLES
from linli.accounts.selectors import has_role


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if has_role(request.user, STAFF_ROLES):
        return redirect("regions:workbench")
    return redirect("accounts:mine")


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
