from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

from .context import current_ip
from .images import image_budget


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _has_nul(request: HttpRequest) -> bool:
    """NUL characters cannot be stored in PostgreSQL text: refuse them up front (400, not 500)."""
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in v for v in values):
            return True
    if request.method in ("POST", "PUT", "PATCH"):
        if request.content_type == "application/json":
            body = request.body
            return b"\\u0000" in body or b"\x00" in body
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for key, values in request.POST.lists():
                if "\x00" in key or any("\x00" in v for v in values):
                    return True
    return False


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            message = _("请求中含有非法字符")
            if request.path.startswith("/api/") or request.path.startswith("/open311/"):
                return JsonResponse({"error": {"code": "invalid", "message": message, "details": {}}}, status=400,
                                    json_dumps_params={"ensure_ascii": False})
            return HttpResponseBadRequest(message)
        token = current_ip.set(client_ip(request))
        try:
            with image_budget():  # the photos one request may decode, in all
                return self.get_response(request)
        finally:
            current_ip.reset(token)


API_PREFIXES = ("/api/", "/open311/")


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every answer (``settings.LINLI_CSP``: no inline script, no
    framing), and ``Cache-Control: no-store`` on every page of a signed-in user and every API
    answer, so that personal data is kept by no browser or proxy cache. An answer that set its
    own Cache-Control (a calendar feed, a file) keeps it unless it is a signed-in page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils.cache import add_never_cache_headers

        response = self.get_response(request)
        policy = getattr(settings, "LINLI_CSP", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        user = getattr(request, "user", None)
        signed_in = bool(getattr(user, "is_authenticated", False))
        personal = request.path.startswith(API_PREFIXES) or signed_in
        if personal and "no-store" not in response.get("Cache-Control", ""):
            if response.has_header("Cache-Control"):
                del response["Cache-Control"]
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private; Expires
        return response
