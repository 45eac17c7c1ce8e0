from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import registry


def start_page(user: object) -> str:
    """The URL name a signed-in user starts on: the first start page the apps registered
    (``core.registry.register_start_page``) whose roles or check the user passes."""
    for page in registry.start_pages():
        if page.allows(user):
            return page.name
    raise ImproperlyConfigured("no start page registered for this user (accounts registers the catch-all)")


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


def private_file(field: Any, *, on_view: Callable[[], None]) -> FileResponse:
    """A private upload (a scan, a written authorisation) shown to staff: ``on_view`` first writes
    the view to the sensitive-access log; the response is never cached, never sniffed, and an
    uploaded PDF runs no script on this site."""
    import mimetypes

    if not field:
        raise Http404(_("文件不存在"))
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("文件不存在")) from None
    on_view()
    name = field.name.rsplit("/", 1)[-1]
    content_type = "application/pdf" if name.lower().endswith(".pdf") else mimetypes.guess_type(name)[0] or "application/octet-stream"
    resp = FileResponse(handle, content_type=content_type, filename=name)  # inline, the name encoded by Django
    resp["Cache-Control"] = "private, no-store"
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Content-Security-Policy"] = "sandbox"
    return resp
